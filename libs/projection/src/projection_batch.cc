#include <cassert>

#include "reviewtrail/projection/projection_store.h"
#include "store_status.h"

namespace reviewtrail::projection {

ProjectionStore::Batch::Batch(ProjectionStore& store) : store_(store) {}

void ProjectionStore::Batch::Reserve(const Batch& like) {
  if (tables_.size() < like.tables_.size()) tables_.resize(like.tables_.size());
  for (size_t id = 0; id < like.tables_.size(); ++id) tables_[id].reserve(like.tables_[id].size());
}

ProjectionStore::Batch::Entry& ProjectionStore::Batch::EntryOf(rocksdb::ColumnFamilyHandle* family,
                                                               std::string_view key,
                                                               bool& created) {
  assert(family != nullptr && "table not declared by the projection");
  const size_t id = family->GetID();
  if (id >= tables_.size()) tables_.resize(id + 1);
  Entries& entries = tables_[id];
  // absl's string_view here is its own type.
  auto [it, inserted] = entries.try_emplace(absl::string_view(key.data(), key.size()));
  created = inserted;
  if (created) ++size_;
  return it->second;
}

std::optional<std::string> ProjectionStore::Batch::Get(std::string_view table,
                                                       std::string_view key) {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  bool created = false;
  Entry& entry = EntryOf(family, key, created);
  if (!created) return entry.value;
  std::string value;
  const rocksdb::Status status = store_.db_->Get(rocksdb::ReadOptions(), family,
                                                 rocksdb::Slice(key.data(), key.size()), &value);
  if (status.ok()) {
    entry.stored = Stored::kPresent;
    entry.value = std::move(value);
  } else if (status.IsNotFound()) {
    entry.stored = Stored::kAbsent;
  } else if (error_.ok()) {
    error_ = ToStatus(status, "reading " + std::string(table));
  }
  return entry.value;
}

void ProjectionStore::Batch::Put(std::string_view table, std::string_view key,
                                 std::string_view value) {
  bool created = false;
  Entry& entry = EntryOf(store_.Table(table), key, created);
  entry.value.emplace(value);
  entry.changed = true;
}

void ProjectionStore::Batch::Delete(std::string_view table, std::string_view key) {
  bool created = false;
  Entry& entry = EntryOf(store_.Table(table), key, created);
  entry.value.reset();
  entry.changed = true;
}

}  // namespace reviewtrail::projection
