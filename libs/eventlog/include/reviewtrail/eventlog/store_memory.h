#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"

// Only forward declarations: a caller that opens a RocksDB database links RocksDB itself.
namespace rocksdb {
class Cache;
struct BlockBasedTableOptions;
struct ColumnFamilyOptions;
struct DBOptions;
class WriteBufferManager;
}  // namespace rocksdb

namespace reviewtrail::eventlog {

// The default --memory-budget: room for a small VM (512 MiB to 1 GiB) beside gRPC and the page
// cache.
inline constexpr uint64_t kDefaultMemoryBudgetBytes = uint64_t{192} << 20;
// Below this the memtables of the stores (one per column family) would flush at every few writes.
inline constexpr uint64_t kMinMemoryBudgetBytes = uint64_t{32} << 20;

// A memory budget as written in a flag or a configuration file: "256MiB", "1GiB", "524288KiB",
// "201326592" (bytes; a trailing B is accepted too): a whole number with a binary unit, no spaces,
// at least kMinMemoryBudgetBytes. The error (INVALID_ARGUMENT) states the rule; the caller names
// the field.
[[nodiscard]] absl::StatusOr<uint64_t> ParseMemoryBudget(std::string_view text);

// The memory every RocksDB store of a process draws from: one block cache of `budget_bytes`
// holding data blocks, index and filter blocks (so that table readers do not grow with the data)
// and, charged to it, the memtables of every store through one WriteBufferManager, which flushes
// the largest memtable of a store once the memtables of all stores together reach a quarter of the
// budget. The cache evicts to stay under its capacity; only pinned blocks (the index and filters of
// the newest files, blocks an iterator holds) and memtables of a burst not yet flushed may go over.
//
// Thread-safe. Shared (std::shared_ptr) by the stores opened with it, which keep it alive.
class StoreMemory {
 public:
  [[nodiscard]] static std::shared_ptr<StoreMemory> Create(uint64_t budget_bytes);
  ~StoreMemory();
  StoreMemory(const StoreMemory&) = delete;
  StoreMemory& operator=(const StoreMemory&) = delete;

  [[nodiscard]] uint64_t budget_bytes() const { return budget_bytes_; }
  // The memtables' share of the budget.
  [[nodiscard]] uint64_t write_buffer_bytes() const { return budget_bytes_ / 4; }
  // Bytes charged to the cache: blocks, index and filter blocks, and the memtables.
  [[nodiscard]] uint64_t usage_bytes() const;
  // Of which memtables (allocated arena memory of every store's memtables).
  [[nodiscard]] uint64_t memtable_bytes() const;
  // Of which entries in use that the cache cannot evict (pinned blocks and the memtables).
  [[nodiscard]] uint64_t pinned_bytes() const;

  // The one place a store's memory is configured: every store (event-log shards, write model, read
  // models, their rebuilds) passes its options through it before opening. Sets `table` to use the
  // shared cache for data, index and filter blocks, makes it `family`'s table factory, caps
  // `family`'s memtable at half the memtables' share, and gives `db` the shared WriteBufferManager.
  // For a store opened with rocksdb::Options, pass it as both `db` and `family`.
  void Configure(rocksdb::DBOptions& db, rocksdb::ColumnFamilyOptions& family,
                 const rocksdb::BlockBasedTableOptions& table) const;

  [[nodiscard]] const std::shared_ptr<rocksdb::Cache>& cache() const { return cache_; }

 private:
  explicit StoreMemory(uint64_t budget_bytes);

  const uint64_t budget_bytes_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers_;
};

// The process's StoreMemory: what a store opened without one of its own uses. Created with
// kDefaultMemoryBudgetBytes on first use unless SetProcessMemoryBudget came first. Thread-safe.
[[nodiscard]] std::shared_ptr<StoreMemory> ProcessStoreMemory();
// Gives the process a StoreMemory of `budget_bytes`, for the stores opened from then on (a server
// calls it once at start, before it opens any store). Thread-safe.
void SetProcessMemoryBudget(uint64_t budget_bytes);

}  // namespace reviewtrail::eventlog
