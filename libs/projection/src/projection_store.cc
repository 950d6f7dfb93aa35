#include "reviewtrail/projection/projection_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <thread>

#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/projection/key_codec.h"
#include "store_status.h"

namespace reviewtrail::projection {
namespace {

constexpr char kPositions[] = "positions";
// Beside the partitions' 4-byte keys in "positions": never one of them.
constexpr char kSchemaVersionKey[] = "schema_version";

std::string PartitionKey(int32_t partition) {
  std::string key(4, '\0');
  for (int i = 0; i < 4; ++i)
    key[i] = static_cast<char>((static_cast<uint32_t>(partition) >> (24 - 8 * i)) & 0xFF);
  return key;
}

// Every table: bloom filters over whole keys, in the files and in the memtables, so the reads of
// keys that do not exist yet (a new action, its first index entries) and the check before a
// deletion skip the files; the block cache and memtable budget of the process's stores (`memory`).
rocksdb::ColumnFamilyOptions TableOptions(const eventlog::StoreMemory& memory,
                                          rocksdb::DBOptions& db_options, size_t memtable_bytes,
                                          bool compressed) {
  rocksdb::ColumnFamilyOptions options;
  if (!compressed) options.compression = rocksdb::kNoCompression;
  if (memtable_bytes > 0) options.write_buffer_size = memtable_bytes;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  memory.Configure(db_options, options, table);
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.02;
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(
    const std::string& path, const std::vector<std::string>& tables,
    ProjectionStoreOptions store_options) {
  for (const std::string& table : store_options.uncompressed_tables) {
    if (std::find(tables.begin(), tables.end(), table) == tables.end()) {
      return absl::InvalidArgumentError("uncompressed_tables: \"" + table +
                                        "\" is not one of the store's tables");
    }
  }
  // RocksDB logs a missing directory as an error while it creates a store: make it first (a real
  // failure to create it is reported by the open below).
  std::error_code ignored;
  std::filesystem::create_directories(path, ignored);
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.info_log = eventlog::StorageInfoLog("store " + path);
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.statistics = eventlog::NewStoreStatistics();
  // Files read in place through the page cache (see `uncompressed_tables`).
  options.allow_mmap_reads = true;
  // Two flushes and two compactions at once (two background jobs alone would allow one flush and
  // one compaction): Flush() and Compact() work on the tables side by side. The flush threads are
  // the process's (Env::Default()), one unless raised.
  options.max_background_flushes = 2;
  options.max_background_compactions = 2;
  options.env->IncBackgroundThreadsIfNeeded(2, rocksdb::Env::Priority::HIGH);
  const std::shared_ptr<eventlog::StoreMemory> memory =
      store_options.memory != nullptr ? store_options.memory : eventlog::ProcessStoreMemory();
  const rocksdb::ColumnFamilyOptions table_options =
      TableOptions(*memory, options, store_options.memtable_bytes, /*compressed=*/true);
  const rocksdb::ColumnFamilyOptions uncompressed_options =
      TableOptions(*memory, options, store_options.memtable_bytes, /*compressed=*/false);
  const auto& uncompressed = store_options.uncompressed_tables;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, table_options);
  families.emplace_back(kPositions, table_options);
  for (const std::string& table : tables) {
    const bool compressed =
        std::find(uncompressed.begin(), uncompressed.end(), table) == uncompressed.end();
    families.emplace_back(table, compressed ? table_options : uncompressed_options);
  }
  // Tables of an earlier layout that this one no longer has: RocksDB opens a store only with all of
  // its column families. Opened, never read or written (a rebuild leaves them behind).
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(options, path, &existing).ok()) {
    for (const std::string& name : existing) {
      const bool known = std::any_of(families.begin(), families.end(),
                                     [&name](const auto& family) { return family.name == name; });
      if (!known) families.emplace_back(name, table_options);
    }
  }
  std::unique_ptr<ProjectionStore> store(new ProjectionStore());
  store->options_ = store_options;
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
    positions.push_back({partition, status.ok() ? ReadBigEndian64(value) : 0});
  }
  return positions;
}

absl::StatusOr<std::optional<int64_t>> ProjectionStore::LoadSchemaVersion() const {
  std::string value;
  const rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), positions_, kSchemaVersionKey, &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return ToStatus(status, "reading the schema version");
  if (value.size() != 8) return absl::DataLossError("unreadable schema version");
  return ReadBigEndian64(value);
}

absl::Status ProjectionStore::SaveSchemaVersion(int64_t version) {
  rocksdb::WriteOptions options;
  options.disableWAL = options_.without_wal;
  return ToStatus(db_->Put(options, positions_, kSchemaVersionKey, BigEndian64(version)),
                  "saving the schema version");
}

rocksdb::ColumnFamilyHandle* ProjectionStore::Table(std::string_view table) const {
  auto it = tables_.find(table);
  return it == tables_.end() ? nullptr : it->second;
}

absl::Status ProjectionStore::Commit(Batch& batch, const std::map<int32_t, int64_t>& next_offsets) {
  if (!batch.error_.ok()) return batch.error_;
  // Room for every key and value the batch holds, each with a record header: the batch is built
  // without growing.
  constexpr size_t kRecordHeader = 16;
  rocksdb::WriteBatch write(batch.bytes_ + kRecordHeader * (batch.size_ + next_offsets.size()));
  std::string scratch;
  std::vector<const Batch::Entries::value_type*> changed;
  for (size_t id = 0; id < batch.tables_.size(); ++id) {
    if (batch.tables_[id].empty()) continue;
    rocksdb::ColumnFamilyHandle* family = handles_[id];
    changed.clear();
    for (const auto& item : batch.tables_[id]) {
      if (item.second.changed) changed.push_back(&item);
    }
    // In key order: the memtable inserts each key next to the previous one.
    std::sort(changed.begin(), changed.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* item : changed) {
      const rocksdb::Slice key(item->first.data(), item->first.size());
      const Batch::Entry& entry = item->second;
      rocksdb::Status staged;
      if (entry.present) {
        staged = write.Put(family, key, rocksdb::Slice(entry.value.data(), entry.value.size()));
      } else if (entry.stored == Batch::Stored::kPresent ||
                 (entry.stored == Batch::Stored::kUnknown &&
                  db_->KeyMayExist(rocksdb::ReadOptions(), family, key, &scratch))) {
        staged = write.Delete(family, key);
      }
      if (!staged.ok()) return ToStatus(staged, "staging a projection batch");
    }
  }
  for (const auto& [partition, offset] : next_offsets) {
    const rocksdb::Status put = write.Put(positions_, PartitionKey(partition), BigEndian64(offset));
    if (!put.ok()) return ToStatus(put, "staging positions");
  }
  rocksdb::WriteOptions options;
  options.disableWAL = options_.without_wal;
  return ToStatus(db_->Write(options, &write), "committing a projection batch");
}

absl::Status ProjectionStore::ResumeWrites() {
  return eventlog::ResumeWrites(*db_, "resuming writes to the projection store");
}

absl::Status ProjectionStore::ForEachTableAtOnce(
    const std::function<rocksdb::Status(rocksdb::ColumnFamilyHandle*)>& work, const char* what) {
  std::vector<rocksdb::Status> statuses(handles_.size());
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < handles_.size(); ++i) {
      threads.emplace_back([&, i] { statuses[i] = work(handles_[i]); });
    }
  }
  for (const rocksdb::Status& status : statuses) {
    if (!status.ok()) return ToStatus(status, what);
  }
  return absl::OkStatus();
}

absl::Status ProjectionStore::Compact() {
  return ForEachTableAtOnce(
      [this](rocksdb::ColumnFamilyHandle* table) {
        rocksdb::CompactRangeOptions options;
        options.exclusive_manual_compaction = false;
        return db_->CompactRange(options, table, nullptr, nullptr);
      },
      "compacting the projection store");
}

absl::Status ProjectionStore::Flush() {
  return ForEachTableAtOnce(
      [this](rocksdb::ColumnFamilyHandle* table) {
        return db_->Flush(rocksdb::FlushOptions(), table);
      },
      "flushing the projection store");
}

}  // namespace reviewtrail::projection
