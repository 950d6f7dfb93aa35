#include "reviewtrail/readmodel/read_view.h"

#include <algorithm>

namespace reviewtrail::readmodel {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view SeekTarget(std::string_view prefix, std::string_view start) {
  return start > prefix ? start : prefix;
}

}  // namespace

absl::StatusOr<std::vector<std::optional<std::string>>> ReadView::MultiGet(
    std::string_view table, const std::vector<std::string>& keys) const {
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  for (const std::string& key : keys) {
    absl::StatusOr<std::optional<std::string>> value = Get(table, key);
    if (!value.ok()) return value.status();
    values.push_back(*std::move(value));
  }
  return values;
}

absl::StatusOr<std::optional<std::string>> MemoryReadView::Get(std::string_view table,
                                                               std::string_view key) const {
  auto t = changes_.tables().find(table);
  if (t == changes_.tables().end()) return std::nullopt;
  auto it = t->second.find(key);
  if (it == t->second.end()) return std::nullopt;
  return it->second;
}

absl::Status MemoryReadView::Scan(std::string_view table, std::string_view prefix,
                                  std::string_view start, const Visitor& visit) const {
  auto t = changes_.tables().find(table);
  if (t == changes_.tables().end()) return absl::OkStatus();
  for (auto it = t->second.lower_bound(SeekTarget(prefix, start));
       it != t->second.end() && StartsWith(it->first, prefix); ++it) {
    if (!visit(it->first, it->second)) break;
  }
  return absl::OkStatus();
}

StoreReadView::StoreReadView(projection::ProjectionStore& store)
    : store_(store), snapshot_(store.db().GetSnapshot()) {}

StoreReadView::~StoreReadView() { store_.db().ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::optional<std::string>> StoreReadView::Get(std::string_view table,
                                                              std::string_view key) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return absl::InternalError("unknown table " + std::string(table));
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string value;
  const rocksdb::Status status =
      store_.db().Get(options, family, rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok())
    return absl::InternalError("reading " + std::string(table) + ": " + status.ToString());
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> StoreReadView::MultiGet(
    std::string_view table, const std::vector<std::string>& keys) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return absl::InternalError("unknown table " + std::string(table));
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> found(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  store_.db().MultiGet(options, family, keys.size(), slices.data(), found.data(), statuses.data());
  std::vector<std::optional<std::string>> values(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) {
      return absl::InternalError("reading " + std::string(table) + ": " + statuses[i].ToString());
    }
    values[i].emplace(found[i].data(), found[i].size());
  }
  return values;
}

absl::Status StoreReadView::Scan(std::string_view table, std::string_view prefix,
                                 std::string_view start, const Visitor& visit) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return absl::InternalError("unknown table " + std::string(table));
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.prefix_same_as_start = false;
  std::unique_ptr<rocksdb::Iterator> it(store_.db().NewIterator(options, family));
  const std::string_view target = SeekTarget(prefix, start);
  for (it->Seek(rocksdb::Slice(target.data(), target.size())); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!StartsWith(key, prefix)) break;
    if (!visit(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) {
    return absl::InternalError("scanning " + std::string(table) + ": " + it->status().ToString());
  }
  return absl::OkStatus();
}

}  // namespace reviewtrail::readmodel
