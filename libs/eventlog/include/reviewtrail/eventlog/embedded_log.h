#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/store_memory.h"

namespace reviewtrail::eventlog {

// The shard count of a new log on this machine: one per four hardware threads, from 1 to 4. Every
// synced commit costs CPU (on a 2-vCPU VM about 0.1 ms of kernel time), so parallel syncs pay off
// only when cores are spare; with fewer shards each commit carries more records.
[[nodiscard]] int32_t DefaultShardCount();

struct EmbeddedLogOptions {
  // Directory of the RocksDB database; created when missing.
  std::string path;
  // Partitions of a new log. It is stored on creation; reopening with another count is a
  // FailedPrecondition error. 0 adopts the stored count (and fails on a new log).
  int32_t partition_count = 16;
  // RocksDB databases of a new log, each with its own write-ahead log, in <path> and
  // <path>/shards/<n>; partition p lives in shard p % shard_count. Appends to partitions of
  // different shards are synced in parallel. Stored on creation; a log made before shards existed
  // has one.
  int32_t shard_count = DefaultShardCount();
  // The block cache and memtable budget of the shards; null: the process's (ProcessStoreMemory()).
  std::shared_ptr<StoreMemory> memory;
};

// The one-machine event log: an append-only log in RocksDB, keyed by (partition, offset)
// big-endian, each value a checksummed frame of key, headers and value. The partitions are spread
// over a few databases (shards), each with its own write-ahead log.
//
// Durability: Append returns only after the RocksDB WAL holding its records is synced
// (WriteOptions::sync). Concurrent appends are group-committed per shard: the first waiting
// appender becomes leader, takes every append queued so far, assigns their offsets in queue order,
// writes them in one synced WriteBatch and hands leadership to the next waiter; the shards' leaders
// sync at the same time. Subscribers are woken by a
// condition variable after each commit. On open, each partition's end is recovered from its last
// key.
//
// Thread-safe. The log must outlive its subscriptions. One process at a time may open a path.
class EmbeddedLog : public EventLog {
 public:
  struct Stats {
    int64_t commits = 0;  // synced WriteBatches written
    int64_t records = 0;  // records in them
  };

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<EmbeddedLog>> Open(
      const EmbeddedLogOptions& options);

  [[nodiscard]] virtual Stats GetStats() const = 0;
};

}  // namespace reviewtrail::eventlog
