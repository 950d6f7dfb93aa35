#include "reviewtrail/eventlog/store_statistics.h"

#include <rocksdb/db.h>
#include <rocksdb/statistics.h>

#include <utility>

namespace reviewtrail::eventlog {

std::shared_ptr<rocksdb::Statistics> NewStoreStatistics() {
  std::shared_ptr<rocksdb::Statistics> statistics = rocksdb::CreateDBStatistics();
  statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  return statistics;
}

StoreStatistics ReadStoreStatistics(rocksdb::DB& db, std::string store) {
  StoreStatistics stats;
  stats.store = std::move(store);
  // A property a database does not know is left at 0.
  const auto aggregated = [&db](const std::string& property) {
    uint64_t value = 0;
    return db.GetAggregatedIntProperty(property, &value) ? value : 0;
  };
  const auto db_wide = [&db](const std::string& property) {
    uint64_t value = 0;
    return db.GetIntProperty(property, &value) ? value : 0;
  };
  stats.pending_compaction_bytes =
      aggregated(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  stats.running_compactions = db_wide(rocksdb::DB::Properties::kNumRunningCompactions);
  stats.write_stopped = db_wide(rocksdb::DB::Properties::kIsWriteStopped) != 0;
  stats.delayed_write_rate = db_wide(rocksdb::DB::Properties::kActualDelayedWriteRate);
  stats.memtable_bytes = aggregated(rocksdb::DB::Properties::kCurSizeAllMemTables);
  stats.live_sst_bytes = aggregated(rocksdb::DB::Properties::kLiveSstFilesSize);
  // The stores' column families share one block cache: summing would count it once per family.
  stats.block_cache_bytes = db_wide(rocksdb::DB::Properties::kBlockCacheUsage);
  if (const std::shared_ptr<rocksdb::Statistics> tickers = db.GetDBOptions().statistics) {
    stats.stall_micros = tickers->getTickerCount(rocksdb::STALL_MICROS);
    stats.wal_bytes = tickers->getTickerCount(rocksdb::WAL_FILE_BYTES);
    stats.flush_bytes = tickers->getTickerCount(rocksdb::FLUSH_WRITE_BYTES);
    stats.compaction_bytes = tickers->getTickerCount(rocksdb::COMPACT_WRITE_BYTES);
  }
  return stats;
}

}  // namespace reviewtrail::eventlog
