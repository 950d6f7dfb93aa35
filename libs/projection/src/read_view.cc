#include "reviewtrail/projection/read_view.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <iterator>

#include "store_status.h"

namespace reviewtrail::projection {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view SeekTarget(std::string_view prefix, std::string_view start) {
  return start > prefix ? start : prefix;
}

absl::Status UnknownTable(std::string_view table) {
  return absl::InternalError("unknown table " + std::string(table));
}

// Over one table of MemoryChanges.
class MemoryCursor final : public Cursor {
 public:
  explicit MemoryCursor(const MemoryChanges::Table* table) : table_(table) {}
  void Seek(std::string_view target) override {
    if (table_ != nullptr) at_ = table_->lower_bound(target);
  }
  void SeekForPrev(std::string_view target) override {
    if (table_ == nullptr) return;
    at_ = table_->upper_bound(target);
    at_ = at_ == table_->begin() ? table_->end() : std::prev(at_);
  }
  void Next() override { ++at_; }
  [[nodiscard]] bool Valid() const override { return table_ != nullptr && at_ != table_->end(); }
  [[nodiscard]] std::string_view key() const override { return at_->first; }
  [[nodiscard]] std::string_view value() const override { return at_->second; }
  [[nodiscard]] absl::Status status() const override { return absl::OkStatus(); }

 private:
  const MemoryChanges::Table* table_;  // null: a table nothing was written to (empty)
  MemoryChanges::Table::const_iterator at_;
};

// Over a RocksDB iterator of one column family at the view's snapshot.
class StoreCursor final : public Cursor {
 public:
  StoreCursor(std::unique_ptr<rocksdb::Iterator> it, std::string_view table)
      : it_(std::move(it)), table_(table) {}
  void Seek(std::string_view target) override {
    it_->Seek(rocksdb::Slice(target.data(), target.size()));
  }
  void SeekForPrev(std::string_view target) override {
    it_->SeekForPrev(rocksdb::Slice(target.data(), target.size()));
  }
  void Next() override { it_->Next(); }
  [[nodiscard]] bool Valid() const override { return it_->Valid(); }
  [[nodiscard]] std::string_view key() const override { return it_->key().ToStringView(); }
  [[nodiscard]] std::string_view value() const override { return it_->value().ToStringView(); }
  [[nodiscard]] absl::Status status() const override {
    return ToStatus(it_->status(), "reading " + table_);
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string table_;
};

// Whole-run reads of a kBulk cursor read ahead in steps of this size.
constexpr size_t kBulkReadahead = 8 << 20;

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

absl::StatusOr<std::unique_ptr<Cursor>> MemoryReadView::NewCursor(std::string_view table,
                                                                  Access /*access*/) const {
  auto t = changes_.tables().find(table);
  return std::make_unique<MemoryCursor>(t == changes_.tables().end() ? nullptr : &t->second);
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

StoreReadView::StoreReadView(ProjectionStore& store)
    : store_(store), snapshot_(store.db().GetSnapshot()) {}

StoreReadView::~StoreReadView() { store_.db().ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::optional<std::string>> StoreReadView::Get(std::string_view table,
                                                              std::string_view key) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return UnknownTable(table);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::string value;
  const rocksdb::Status status =
      store_.db().Get(options, family, rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return ToStatus(status, "reading " + std::string(table));
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> StoreReadView::MultiGet(
    std::string_view table, const std::vector<std::string>& keys) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return UnknownTable(table);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> found(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  store_.db().MultiGet(options, family, keys.size(), slices.data(), found.data(), statuses.data());
  std::vector<std::optional<std::string>> values(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return ToStatus(statuses[i], "reading " + std::string(table));
    values[i].emplace(found[i].data(), found[i].size());
  }
  return values;
}

absl::Status StoreReadView::Scan(std::string_view table, std::string_view prefix,
                                 std::string_view start, const Visitor& visit) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return UnknownTable(table);
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
  return ToStatus(it->status(), "scanning " + std::string(table));
}

absl::StatusOr<std::unique_ptr<Cursor>> StoreReadView::NewCursor(std::string_view table,
                                                                 Access access) const {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  if (family == nullptr) return UnknownTable(table);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  if (access == Access::kBulk) {
    options.readahead_size = kBulkReadahead;
    options.fill_cache = false;
  }
  return std::make_unique<StoreCursor>(
      std::unique_ptr<rocksdb::Iterator>(store_.db().NewIterator(options, family)), table);
}

}  // namespace reviewtrail::projection
