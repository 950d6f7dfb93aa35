#include "raw_sync.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <memory>
#include <string>

#include "latency.h"

namespace reviewtrail::tools {

int64_t RawSyncedWriteP50(const std::filesystem::path& dir, double seconds, size_t value_bytes) {
  std::filesystem::remove_all(dir);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.string(), &raw).ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value(value_bytes, 'v');
  rocksdb::WriteOptions synced;
  synced.sync = true;
  Latencies latencies;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (int64_t key = 0; std::chrono::steady_clock::now() < end; ++key) {
    rocksdb::WriteBatch batch;
    batch.Put(std::to_string(key), value);
    const auto before = std::chrono::steady_clock::now();
    if (!db->Write(synced, &batch).ok()) return 0;
    latencies.Add(std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - before)
                      .count());
  }
  db.reset();
  std::filesystem::remove_all(dir);
  return latencies.Quantile(0.5);
}

}  // namespace reviewtrail::tools
