#pragma once

#include <cstdint>
#include <memory>
#include <string>

// Only forward declarations: a caller that has a RocksDB database links RocksDB itself.
namespace rocksdb {
class DB;
class Statistics;
}  // namespace rocksdb

namespace reviewtrail::eventlog {

// What an operator watches of one RocksDB database (a store: the embedded log's shards, the
// command service's write model, each read model), read from its properties and its Statistics.
// Plain values; the service layer turns them into metrics labelled by `store`.
struct StoreStatistics {
  std::string store;  // e.g. "event_log", "write_model", "query"
  // Bytes compaction must rewrite to bring every level under its target size
  // (rocksdb.estimate-pending-compaction-bytes, summed over column families). Writes slow down
  // above soft_pending_compaction_bytes_limit (64 GiB) and stop above the hard limit (256 GiB).
  uint64_t pending_compaction_bytes = 0;
  uint64_t running_compactions = 0;  // rocksdb.num-running-compactions
  bool write_stopped = false;        // rocksdb.is-write-stopped: every write waits
  // rocksdb.actual-delayed-write-rate: bytes/s writes are held to while delayed; 0 when not.
  uint64_t delayed_write_rate = 0;
  // Microseconds writers have waited in stalls and slowdowns since the store opened (the
  // STALL_MICROS ticker; 0 when the store was opened without NewStoreStatistics()).
  uint64_t stall_micros = 0;
  uint64_t memtable_bytes = 0;  // rocksdb.cur-size-all-mem-tables, summed over column families
  // rocksdb.block-cache-usage: the usage of the cache the store reads through, the process's shared
  // one (StoreMemory), so the same figure for every store of the process.
  uint64_t block_cache_bytes = 0;
  uint64_t live_sst_bytes = 0;  // rocksdb.live-sst-files-size, summed over column families
  // Bytes written since the store opened (tickers; 0 without NewStoreStatistics()): to the
  // write-ahead log (WAL_FILE_BYTES: what each durable write costs at once), to new files by
  // memtable flushes (FLUSH_WRITE_BYTES) and by compactions (COMPACT_WRITE_BYTES).
  uint64_t wal_bytes = 0;
  uint64_t flush_bytes = 0;
  uint64_t compaction_bytes = 0;
};

// The Statistics object every store opens with (options.statistics): tickers only, no
// histograms or timers, so that counting costs next to nothing on the write path.
[[nodiscard]] std::shared_ptr<rocksdb::Statistics> NewStoreStatistics();

// Reads `db`'s figures. Thread-safe (RocksDB's property getters are); `db` must stay open.
[[nodiscard]] StoreStatistics ReadStoreStatistics(rocksdb::DB& db, std::string store);

}  // namespace reviewtrail::eventlog
