#include "reviewtrail/projection/projection_store.h"

#include <cassert>

namespace reviewtrail::projection {
namespace {

constexpr char kPositions[] = "positions";

absl::Status ToStatus(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(std::string(what) + ": " + status.ToString());
}

std::string PartitionKey(int32_t partition) {
  std::string key(4, '\0');
  for (int i = 0; i < 4; ++i)
    key[i] = static_cast<char>((static_cast<uint32_t>(partition) >> (24 - 8 * i)) & 0xFF);
  return key;
}

std::string OffsetValue(int64_t offset) {
  std::string value(8, '\0');
  for (int i = 0; i < 8; ++i)
    value[i] = static_cast<char>((static_cast<uint64_t>(offset) >> (56 - 8 * i)) & 0xFF);
  return value;
}

int64_t ParseOffset(std::string_view value) {
  uint64_t offset = 0;
  for (char c : value) offset = (offset << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(offset);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(
    const std::string& path, const std::vector<std::string>& tables) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  families.emplace_back(kPositions, rocksdb::ColumnFamilyOptions());
  for (const std::string& table : tables) {
    families.emplace_back(table, rocksdb::ColumnFamilyOptions());
  }
  std::unique_ptr<ProjectionStore> store(new ProjectionStore());
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, families, &store->handles_, &db);
  if (!status.ok()) return ToStatus(status, "opening projection store " + path);
  store->db_.reset(db);
  store->positions_ = store->handles_[1];
  for (size_t i = 0; i < tables.size(); ++i) store->tables_[tables[i]] = store->handles_[i + 2];
  return store;
}

ProjectionStore::~ProjectionStore() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
}

absl::StatusOr<std::vector<eventlog::Position>> ProjectionStore::LoadPositions(
    int32_t partition_count) const {
  std::vector<eventlog::Position> positions;
  for (int32_t partition = 0; partition < partition_count; ++partition) {
    std::string value;
    const rocksdb::Status status =
        db_->Get(rocksdb::ReadOptions(), positions_, PartitionKey(partition), &value);
    if (!status.ok() && !status.IsNotFound()) return ToStatus(status, "reading positions");
    positions.push_back({partition, status.ok() ? ParseOffset(value) : 0});
  }
  return positions;
}

rocksdb::ColumnFamilyHandle* ProjectionStore::Table(std::string_view table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : it->second;
}

ProjectionStore::Batch::Batch(ProjectionStore& store)
    : store_(store), batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {}

std::optional<std::string> ProjectionStore::Batch::Get(std::string_view table,
                                                       std::string_view key) {
  rocksdb::ColumnFamilyHandle* family = store_.Table(table);
  assert(family != nullptr && "table not declared by the projection");
  std::string value;
  const rocksdb::Status status =
      batch_.GetFromBatchAndDB(store_.db_.get(), rocksdb::ReadOptions(), family,
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) {
    if (error_.ok()) error_ = ToStatus(status, "reading " + std::string(table));
    return std::nullopt;
  }
  return value;
}

void ProjectionStore::Batch::Put(std::string_view table, std::string_view key,
                                 std::string_view value) {
  batch_
      .Put(store_.Table(table), rocksdb::Slice(key.data(), key.size()),
           rocksdb::Slice(value.data(), value.size()))
      .PermitUncheckedError();
}

void ProjectionStore::Batch::Delete(std::string_view table, std::string_view key) {
  batch_.Delete(store_.Table(table), rocksdb::Slice(key.data(), key.size())).PermitUncheckedError();
}

absl::Status ProjectionStore::Commit(Batch& batch, const std::map<int32_t, int64_t>& next_offsets) {
  if (!batch.error_.ok()) return batch.error_;
  for (const auto& [partition, offset] : next_offsets) {
    const rocksdb::Status put =
        batch.batch_.Put(positions_, PartitionKey(partition), OffsetValue(offset));
    if (!put.ok()) return ToStatus(put, "staging positions");
  }
  return ToStatus(db_->Write(rocksdb::WriteOptions(), batch.batch_.GetWriteBatch()),
                  "committing a projection batch");
}

}  // namespace reviewtrail::projection
