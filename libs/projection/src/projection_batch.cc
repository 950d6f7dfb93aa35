#include <cassert>
#include <cstring>

#include "reviewtrail/projection/projection_store.h"
#include "store_status.h"

namespace reviewtrail::projection {

namespace {

// The arena's first block; later ones grow geometrically.
constexpr size_t kFirstArenaBlock = 64 << 10;

}  // namespace

ProjectionStore::Batch::Batch(ProjectionStore& store) : store_(store), arena_(kFirstArenaBlock) {}

void ProjectionStore::Batch::Reserve(const Batch& like) {
  if (tables_.size() < like.tables_.size()) tables_.resize(like.tables_.size());
  for (size_t id = 0; id < like.tables_.size(); ++id) tables_[id].reserve(like.tables_[id].size());
}

absl::string_view ProjectionStore::Batch::Keep(std::string_view bytes) {
  if (bytes.empty()) return {};
  auto* copy = static_cast<char*>(arena_.allocate(bytes.size(), 1));
  std::memcpy(copy, bytes.data(), bytes.size());
  bytes_ += bytes.size();
  return {copy, bytes.size()};
}

ProjectionStore::Batch::Entry& ProjectionStore::Batch::EntryOf(rocksdb::ColumnFamilyHandle* family,
                                                               std::string_view key,
                                                               bool& created) {
  assert(family != nullptr && "table not declared by the projection");
  const size_t id = family->GetID();
  if (id >= tables_.size()) tables_.resize(id + 1);
  Entries& entries = tables_[id];
  const absl::string_view wanted(key.data(), key.size());
  created = false;
  auto it = entries.lazy_emplace(wanted, [&](const Entries::constructor& construct) {
    created = true;
    construct(Keep(key), Entry{});
  });
  if (created) ++size_;
  return it->second;
}

std::optional<std::string> ProjectionStore::Batch::Get(std::string_view table,
                                                       std::string_view key) {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  bool created = false;
  Entry& entry = EntryOf(family, key, created);
  if (!created) {
    if (!entry.present) return std::nullopt;
    return std::string(entry.value.data(), entry.value.size());
  }
  std::string value;
  const rocksdb::Status status = store_.db_->Get(rocksdb::ReadOptions(), family,
                                                 rocksdb::Slice(key.data(), key.size()), &value);
  if (status.ok()) {
    entry.stored = Stored::kPresent;
    entry.present = true;
    entry.value = Keep(value);
    return value;
  }
  if (status.IsNotFound()) {
    entry.stored = Stored::kAbsent;
  } else if (error_.ok()) {
    error_ = ToStatus(status, "reading " + std::string(table));
  }
  return std::nullopt;
}

void ProjectionStore::Batch::Put(std::string_view table, std::string_view key,
                                 std::string_view value) {
  bool created = false;
  Entry& entry = EntryOf(store_.Table(table), key, created);
  entry.value = Keep(value);
  entry.present = true;
  entry.changed = true;
}

void ProjectionStore::Batch::Delete(std::string_view table, std::string_view key) {
  bool created = false;
  Entry& entry = EntryOf(store_.Table(table), key, created);
  entry.value = {};
  entry.present = false;
  entry.changed = true;
}

}  // namespace reviewtrail::projection
