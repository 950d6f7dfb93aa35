#include "reviewtrail/eventlog/embedded_log.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "append_batch.h"
#include "record_codec.h"
#include "reviewtrail/eventlog/partitioner.h"
#include "reviewtrail/eventlog/storage_status.h"
#include "reviewtrail/eventlog/store_memory.h"
#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/sync/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "zero_filled_wal.h"

namespace reviewtrail::eventlog {

int32_t DefaultShardCount() {
  const auto threads = static_cast<int32_t>(std::thread::hardware_concurrency());
  return std::clamp(threads / 4, 1, 4);
}
namespace {

// Sorts after every log key: partitions are non-negative int32, so their first byte is < 0x80.
const std::string& MetaPartitionCountKey() {
  static const std::string* const kKey =
      new std::string(std::string(4, '\xff') + "partition_count");
  return *kKey;
}

const std::string& MetaShardCountKey() {
  static const std::string* const kKey = new std::string(std::string(4, '\xff') + "shard_count");
  return *kKey;
}

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return StorageStatus(status, "embedded log: " + std::string(what));
}

// The key of the probe WriterHealth writes (synced) to learn whether a failed volume takes writes
// again; it sorts after every log key, with the other meta keys.
const std::string& MetaProbeKey() {
  static const std::string* const kKey = new std::string(std::string(4, '\xff') + "probe");
  return *kKey;
}

// How often WriterHealth probes a volume that failed a write.
constexpr absl::Duration kProbeInterval = absl::Seconds(1);

class EmbeddedLogImpl;

// A cursor over the embedded log. Owned and polled by one thread; borrows the log.
class EmbeddedSubscription final : public Subscription {
 public:
  EmbeddedSubscription(EmbeddedLogImpl& log, std::vector<Position> cursors)
      : log_(log), cursors_(std::move(cursors)) {}

  absl::StatusOr<std::vector<Record>> Poll(size_t max_records,
                                           std::chrono::milliseconds timeout) override;

 private:
  EmbeddedLogImpl& log_;
  std::vector<Position> cursors_;  // next offset to deliver, per partition
  size_t next_partition_ = 0;      // round-robin start, so a busy partition starves no other
};

class EmbeddedLogImpl final : public EmbeddedLog {
 public:
  EmbeddedLogImpl(std::vector<std::unique_ptr<rocksdb::DB>> dbs, int32_t partition_count,
                  std::vector<int64_t> ends)
      : partition_count_(partition_count), end_(std::move(ends)) {
    for (auto& db : dbs) shards_.push_back(Shard{.db = std::move(db)});
    reviewtrail::MutexLock lock(&mu_);
    storage_failed_.assign(shards_.size(), false);
  }

  int32_t PartitionCount() const override { return partition_count_; }

  int32_t PartitionFor(std::string_view tenant_id) const override {
    return KafkaPartitionFor(tenant_id, partition_count_);
  }

  // One lane per shard: ShardOf() is the same modulo.
  int32_t CommitLanes() const override { return static_cast<int32_t>(shards_.size()); }

  // "event_log" for the first shard (the only one of a log made before shards existed), then
  // "event_log.shard<n>".
  std::vector<StoreStatistics> StorageStatistics() const override {
    std::vector<StoreStatistics> stores;
    for (size_t i = 0; i < shards_.size(); ++i) {
      stores.push_back(ReadStoreStatistics(
          *shards_[i].db, i == 0 ? "event_log" : absl::StrCat("event_log.shard", i)));
    }
    return stores;
  }

  std::vector<absl::StatusOr<std::vector<Position>>> AppendEach(
      std::span<const TenantEvents> appends) override;

  absl::StatusOr<int64_t> EndOffset(int32_t partition) override {
    if (absl::Status s = CheckPartition(partition); !s.ok()) return s;
    reviewtrail::MutexLock lock(&mu_);
    return end_[partition];
  }

  absl::StatusOr<std::vector<Record>> Read(int32_t partition, int64_t from,
                                           size_t max_records) override {
    return ReadRange(partition, from, max_records, /*with_headers=*/true);
  }
  absl::StatusOr<std::vector<Record>> ReadWithoutHeaders(int32_t partition, int64_t from,
                                                         size_t max_records) override {
    return ReadRange(partition, from, max_records, /*with_headers=*/false);
  }

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::vector<Position> start) override;

  Stats GetStats() const override {
    reviewtrail::MutexLock lock(&mu_);
    return stats_;
  }

  // OK, or the storage error of the last failed append (a full or read-only volume) until a write
  // succeeds again: an append, or the synced probe this writes at most every kProbeInterval.
  absl::Status WriterHealth() const override ABSL_LOCKS_EXCLUDED(mu_, probe_mu_);

  // Waits until some cursor's partition has records past it, or `deadline`. True if it has.
  bool AwaitRecords(const std::vector<Position>& cursors, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Records [from, to) of `partition`; the caller checked that `to` is committed.
  absl::Status ReadCommitted(int32_t partition, int64_t from, int64_t to, std::vector<Record>& out,
                             bool with_headers = true) const;

  int64_t CommittedEnd(int32_t partition) const ABSL_LOCKS_EXCLUDED(mu_) {
    reviewtrail::MutexLock lock(&mu_);
    return end_[partition];
  }

 private:
  absl::StatusOr<std::vector<Record>> ReadRange(int32_t partition, int64_t from, size_t max_records,
                                                bool with_headers);

  // One tenant's records of an AppendEach.
  struct Part {
    size_t index = 0;  // in the AppendEach call
    int32_t partition = 0;
    std::vector<std::string> frames;
    std::vector<Position> positions;  // assigned by the leader
  };
  // The parts of one AppendEach that live in one shard, waiting in that shard's group-commit
  // queue. Lives on its appender's stack.
  struct PendingAppend {
    size_t shard = 0;
    std::vector<Part> parts;
    absl::Status status;
    bool done = false;
    reviewtrail::CondVar* wake =
        nullptr;  // the appender's: signalled when done, or when it should lead
  };
  // One RocksDB database with its own WAL, so that its commits sync in parallel with the others'.
  struct Shard {
    std::unique_ptr<rocksdb::DB> db;
    std::deque<PendingAppend*> queue;
    bool leader_active = false;
  };

  absl::Status CheckPartition(int32_t partition) const {
    if (partition < 0 || partition >= partition_count_) {
      return absl::InvalidArgumentError(absl::StrCat("embedded log: partition ", partition,
                                                     " not in [0, ", partition_count_, ")"));
    }
    return absl::OkStatus();
  }

  size_t ShardOf(int32_t partition) const {
    return static_cast<size_t>(partition) % shards_.size();
  }

  // Writes everything queued in `shard` as one synced batch. Called with mu_ held; drops it while
  // writing, so the leaders of other shards write and sync at the same time.
  void LeadOneGroup(size_t shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int32_t partition_count_;

  mutable reviewtrail::Mutex mu_;
  // The databases never change; each shard's queue and leader flag are guarded by mu_.
  std::vector<Shard> shards_;
  // Per partition, the offset after the last committed (synced) record. Only the leader of the
  // partition's shard raises it.
  std::vector<int64_t> end_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  reviewtrail::CondVar committed_;  // signalled (all) after every successful commit
  // Per shard: its last write failed for want of storage (RocksDB refuses writes until resumed).
  mutable std::vector<bool> storage_failed_ ABSL_GUARDED_BY(mu_);
  // The storage error of the last failed write while a shard has failed.
  mutable absl::Status storage_error_ ABSL_GUARDED_BY(mu_);
  mutable reviewtrail::Mutex probe_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one probe at a time
  mutable absl::Time last_probe_ ABSL_GUARDED_BY(probe_mu_) = absl::InfinitePast();
};

std::vector<absl::StatusOr<std::vector<Position>>> EmbeddedLogImpl::AppendEach(
    std::span<const TenantEvents> appends) {
  std::vector<absl::StatusOr<std::vector<Position>>> results;
  results.reserve(appends.size());
  std::vector<PendingAppend> requests(shards_.size());  // by shard
  reviewtrail::CondVar wake;
  for (size_t i = 0; i < appends.size(); ++i) {
    const TenantEvents& append = appends[i];
    absl::StatusOr<std::vector<internal::OutgoingRecord>> prepared =
        internal::PrepareAppend(append.tenant_id, append.events);
    if (!prepared.ok()) {
      results.emplace_back(prepared.status());
      continue;
    }
    results.emplace_back(std::vector<Position>());
    if (prepared->empty()) continue;
    const int32_t partition = PartitionFor(append.tenant_id);
    Part& part = requests[ShardOf(partition)].parts.emplace_back();
    part.index = i;
    part.partition = partition;
    part.frames.reserve(prepared->size());
    for (const internal::OutgoingRecord& record : *prepared) {
      part.frames.push_back(internal::EncodeFrame(append.tenant_id, record.headers, record.value));
    }
  }

  {
    reviewtrail::MutexLock lock(&mu_);
    for (size_t shard = 0; shard < requests.size(); ++shard) {
      PendingAppend& request = requests[shard];
      if (request.parts.empty()) continue;
      request.shard = shard;
      request.wake = &wake;
      shards_[shard].queue.push_back(&request);
    }
    // Lead or wait, one unfinished request at a time. Its shard's leader signals `wake` when it
    // is done, or when this appender's request is first in line for the next group.
    while (true) {
      auto pending = std::find_if(requests.begin(), requests.end(), [](const PendingAppend& r) {
        return !r.parts.empty() && !r.done;
      });
      if (pending == requests.end()) break;
      if (!shards_[pending->shard].leader_active) {
        LeadOneGroup(pending->shard);
      } else {
        wake.Wait(&mu_);
      }
    }
  }
  for (PendingAppend& request : requests) {
    for (Part& part : request.parts) {
      if (request.status.ok()) {
        results[part.index] = std::move(part.positions);
      } else {
        results[part.index] = request.status;
      }
    }
  }
  return results;
}

void EmbeddedLogImpl::LeadOneGroup(size_t shard_index) {
  Shard& shard = shards_[shard_index];
  shard.leader_active = true;
  std::vector<PendingAppend*> group(shard.queue.begin(), shard.queue.end());
  shard.queue.clear();
  // Offsets are assigned in queue order. Only this shard's leader assigns offsets of its
  // partitions, so their ends cannot move meanwhile.
  std::vector<int64_t> next = end_;
  size_t records = 0;
  for (PendingAppend* request : group) {
    for (Part& part : request->parts) {
      int64_t& offset = next[part.partition];
      part.positions.reserve(part.frames.size());
      for (size_t i = 0; i < part.frames.size(); ++i) {
        part.positions.push_back({part.partition, offset++});
      }
      records += part.frames.size();
    }
  }

  const bool resume = storage_failed_[shard_index];
  const absl::Status storage_error = storage_error_;
  mu_.Unlock();
  rocksdb::WriteBatch batch;
  for (const PendingAppend* request : group) {
    for (const Part& part : request->parts) {
      for (size_t i = 0; i < part.frames.size(); ++i) {
        const Position& at = part.positions[i];
        batch.Put(internal::EncodeLogKey(at.partition, at.offset), part.frames[i]);
      }
    }
  }
  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  // After a full or read-only volume, RocksDB takes writes again only once resumed.
  absl::Status written =
      resume ? ResumeWrites(*shard.db, "embedded log: resuming writes") : absl::OkStatus();
  // Resume fails while the volume is still full, or while RocksDB's own recovery from it is under
  // way (Busy): the append fails with the volume's error.
  if (!written.ok() && !IsStorageUnavailable(written)) written = storage_error;
  if (written.ok()) written = FromRocks(shard.db->Write(sync_write, &batch), "synced append");
  mu_.Lock();
  storage_failed_[shard_index] = IsStorageUnavailable(written);
  if (storage_failed_[shard_index]) {
    storage_error_ = written;
  } else if (std::find(storage_failed_.begin(), storage_failed_.end(), true) ==
             storage_failed_.end()) {
    storage_error_ = absl::OkStatus();
  }

  if (written.ok()) {
    for (const PendingAppend* request : group) {
      for (const Part& part : request->parts) end_[part.partition] = next[part.partition];
    }
    ++stats_.commits;
    stats_.records += static_cast<int64_t>(records);
  }
  for (PendingAppend* request : group) {
    request->status = written;
    request->done = true;
    // mu_ is held, so the appender cannot return (and free the request) before we unlock.
    request->wake->Signal();
  }
  shard.leader_active = false;
  if (!shard.queue.empty()) shard.queue.front()->wake->Signal();  // it leads the next group
  if (written.ok()) committed_.SignalAll();
}

absl::Status EmbeddedLogImpl::WriterHealth() const {
  reviewtrail::MutexLock probing(&probe_mu_);
  std::vector<size_t> failed;
  {
    reviewtrail::MutexLock lock(&mu_);
    if (storage_error_.ok()) return absl::OkStatus();
    if (absl::Now() - last_probe_ < kProbeInterval) return storage_error_;
    for (size_t shard = 0; shard < shards_.size(); ++shard) {
      // A shard whose leader is writing finds out for itself.
      if (storage_failed_[shard] && !shards_[shard].leader_active) failed.push_back(shard);
    }
  }
  last_probe_ = absl::Now();
  absl::Status probed;
  std::vector<size_t> recovered;
  for (size_t shard : failed) {
    rocksdb::DB& db = *shards_[shard].db;
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    probed = ResumeWrites(db, "embedded log: resuming writes");
    if (probed.ok()) probed = FromRocks(db.Put(sync_write, MetaProbeKey(), ""), "synced probe");
    if (!probed.ok()) break;  // still full (or RocksDB's own recovery under way: Busy)
    recovered.push_back(shard);
  }
  reviewtrail::MutexLock lock(&mu_);
  for (size_t shard : recovered) storage_failed_[shard] = false;
  if (!probed.ok()) {
    if (IsStorageUnavailable(probed)) storage_error_ = probed;
  } else if (std::find(storage_failed_.begin(), storage_failed_.end(), true) ==
             storage_failed_.end()) {
    storage_error_ = absl::OkStatus();
  }
  return storage_error_;
}

absl::Status EmbeddedLogImpl::ReadCommitted(int32_t partition, int64_t from, int64_t to,
                                            std::vector<Record>& out, bool with_headers) const {
  if (from >= to) return absl::OkStatus();
  const std::string upper = internal::EncodeLogKey(partition, to);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(shards_[ShardOf(partition)].db->NewIterator(options));
  int64_t expected = from;
  for (it->Seek(internal::EncodeLogKey(partition, from)); it->Valid() && expected < to;
       it->Next(), ++expected) {
    Record& record = out.emplace_back();
    if (!internal::DecodeLogKey(it->key().ToStringView(), record.position.partition,
                                record.position.offset) ||
        record.position.partition != partition || record.position.offset != expected) {
      return absl::DataLossError(absl::StrCat("embedded log: partition ", partition,
                                              " has a gap or stray key at offset ", expected));
    }
    if (absl::Status s = internal::DecodeFrame(it->value().ToStringView(), record, with_headers);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = FromRocks(it->status(), "read"); !s.ok()) return s;
  if (expected != to) {
    return absl::DataLossError(absl::StrCat("embedded log: partition ", partition,
                                            " ends at offset ", expected, ", expected ", to));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Record>> EmbeddedLogImpl::ReadRange(int32_t partition, int64_t from,
                                                               size_t max_records,
                                                               bool with_headers) {
  if (absl::Status s = CheckPartition(partition); !s.ok()) return s;
  if (from < 0) return absl::InvalidArgumentError("embedded log: negative offset");
  const int64_t end = CommittedEnd(partition);
  if (from > end) {
    return absl::OutOfRangeError(
        absl::StrCat("embedded log: offset ", from, " is past the end ", end));
  }
  const int64_t to =
      from + static_cast<int64_t>(std::min<size_t>(max_records, static_cast<size_t>(end - from)));
  std::vector<Record> records;
  records.reserve(static_cast<size_t>(to - from));
  if (absl::Status s = ReadCommitted(partition, from, to, records, with_headers); !s.ok()) return s;
  return records;
}

absl::StatusOr<std::unique_ptr<Subscription>> EmbeddedLogImpl::Subscribe(
    std::vector<Position> start) {
  std::vector<bool> seen(static_cast<size_t>(partition_count_), false);
  for (const Position& position : start) {
    if (absl::Status s = CheckPartition(position.partition); !s.ok()) return s;
    if (seen[position.partition]) {
      return absl::InvalidArgumentError(
          absl::StrCat("embedded log: partition ", position.partition, " given twice"));
    }
    seen[position.partition] = true;
    const int64_t end = CommittedEnd(position.partition);
    if (position.offset < 0 || position.offset > end) {
      return absl::OutOfRangeError(absl::StrCat("embedded log: subscribe at offset ",
                                                position.offset, " outside [0, ", end, "]"));
    }
  }
  return std::make_unique<EmbeddedSubscription>(*this, std::move(start));
}

bool EmbeddedLogImpl::AwaitRecords(const std::vector<Position>& cursors, absl::Time deadline) {
  reviewtrail::MutexLock lock(&mu_);
  const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::any_of(cursors.begin(), cursors.end(),
                       [&](const Position& c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
                         return end_[c.partition] > c.offset;
                       });
  };
  while (!ready()) {
    if (committed_.WaitWithDeadline(&mu_, deadline)) return ready();  // timed out
  }
  return true;
}

absl::StatusOr<std::vector<Record>> EmbeddedSubscription::Poll(size_t max_records,
                                                               std::chrono::milliseconds timeout) {
  std::vector<Record> records;
  if (max_records == 0 || cursors_.empty()) return records;
  const absl::Time deadline = absl::Now() + absl::FromChrono(timeout);
  while (true) {
    for (size_t i = 0; i < cursors_.size() && records.size() < max_records; ++i) {
      Position& cursor = cursors_[(next_partition_ + i) % cursors_.size()];
      const int64_t end = log_.CommittedEnd(cursor.partition);
      const int64_t to =
          std::min(end, cursor.offset + static_cast<int64_t>(max_records - records.size()));
      if (absl::Status s = log_.ReadCommitted(cursor.partition, cursor.offset, to, records);
          !s.ok()) {
        return s;
      }
      cursor.offset = std::max(cursor.offset, to);
    }
    next_partition_ = (next_partition_ + 1) % cursors_.size();
    if (!records.empty() || !log_.AwaitRecords(cursors_, deadline)) return records;
  }
}

absl::StatusOr<std::optional<int32_t>> LoadCount(rocksdb::DB& db, const std::string& key,
                                                 const char* what) {
  std::string stored;
  const rocksdb::Status got = db.Get(rocksdb::ReadOptions(), key, &stored);
  if (got.IsNotFound()) return std::optional<int32_t>();
  if (absl::Status s = FromRocks(got, absl::StrCat("load ", what)); !s.ok()) return s;
  int32_t count = 0;
  const auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), count);
  if (error != std::errc() || end != stored.data() + stored.size() || count <= 0) {
    return absl::DataLossError(absl::StrCat("embedded log: bad stored ", what, " '", stored, "'"));
  }
  return std::optional<int32_t>(count);
}

// The partition and shard counts of the log whose first shard is `db`: stored ones, or for a new
// log the requested ones (then stored). A log from before shards existed has one.
absl::StatusOr<std::pair<int32_t, int32_t>> LoadOrStoreCounts(rocksdb::DB& db,
                                                              const EmbeddedLogOptions& options) {
  absl::StatusOr<std::optional<int32_t>> partitions =
      LoadCount(db, MetaPartitionCountKey(), "partition count");
  if (!partitions.ok()) return partitions.status();
  if (!partitions->has_value()) {
    if (options.partition_count <= 0) {
      return absl::FailedPreconditionError(
          "embedded log: new log needs a positive partition count");
    }
    if (options.shard_count <= 0) {
      return absl::InvalidArgumentError("embedded log: new log needs a positive shard count");
    }
    rocksdb::WriteBatch counts;
    counts.Put(MetaPartitionCountKey(), std::to_string(options.partition_count));
    counts.Put(MetaShardCountKey(), std::to_string(options.shard_count));
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    if (absl::Status s = FromRocks(db.Write(sync_write, &counts), "store counts"); !s.ok()) {
      return s;
    }
    return std::pair(options.partition_count, options.shard_count);
  }
  if (options.partition_count != 0 && options.partition_count != **partitions) {
    return absl::FailedPreconditionError(absl::StrCat("embedded log: log has ", **partitions,
                                                      " partitions, opened with ",
                                                      options.partition_count));
  }
  absl::StatusOr<std::optional<int32_t>> shards = LoadCount(db, MetaShardCountKey(), "shard count");
  if (!shards.ok()) return shards.status();
  return std::pair(**partitions, shards->value_or(1));
}

// The offset after the last record of `partition` in `db` (0 when it has none).
absl::StatusOr<int64_t> RecoverEnd(rocksdb::DB& db, int32_t partition) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(internal::EncodeLogKey(partition, std::numeric_limits<int64_t>::max()));
  int32_t found = 0;
  int64_t offset = 0;
  if (it->Valid() && internal::DecodeLogKey(it->key().ToStringView(), found, offset) &&
      found == partition) {
    return offset + 1;
  }
  if (absl::Status s = FromRocks(it->status(), "recover end offsets"); !s.ok()) return s;
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedLog>> EmbeddedLog::Open(const EmbeddedLogOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("embedded log: empty path");
  if (options.partition_count < 0) {
    return absl::InvalidArgumentError("embedded log: negative partition count");
  }
  // RocksDB logs a missing directory as an error while it creates a store: make it first (a real
  // failure to create it is reported by the open below).
  std::error_code ignored;
  std::filesystem::create_directories(options.path, ignored);
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.info_log = StorageInfoLog("embedded log");
  db_options.IncreaseParallelism(2);
  db_options.statistics = NewStoreStatistics();
  // A record torn by a crash mid-write is dropped from the WAL tail; it was never acknowledged.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Records are appended at the end of their partition: a per-partition insert hint (the key's
  // first 4 bytes) spares the memtable a search from its top for each one. Only the group-commit
  // leader writes, so concurrent memtable writes (which ignore the hint) buy nothing.
  db_options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(4));
  db_options.allow_concurrent_memtable_write = false;
  db_options.env = internal::ZeroFilledWalEnv();
  // The shards' block cache and memtables are the process's store budget.
  const std::shared_ptr<StoreMemory> memory =
      options.memory != nullptr ? options.memory : ProcessStoreMemory();
  memory->Configure(db_options, db_options, rocksdb::BlockBasedTableOptions());
  const auto open = [&](const std::string& path) -> absl::StatusOr<std::unique_ptr<rocksdb::DB>> {
    rocksdb::DB* raw_db = nullptr;
    if (absl::Status s = FromRocks(rocksdb::DB::Open(db_options, path, &raw_db), "open " + path);
        !s.ok()) {
      return s;
    }
    return std::unique_ptr<rocksdb::DB>(raw_db);
  };

  std::vector<std::unique_ptr<rocksdb::DB>> dbs;
  absl::StatusOr<std::unique_ptr<rocksdb::DB>> first = open(options.path);
  if (!first.ok()) return first.status();
  dbs.push_back(*std::move(first));
  absl::StatusOr<std::pair<int32_t, int32_t>> counts = LoadOrStoreCounts(*dbs[0], options);
  if (!counts.ok()) return counts.status();
  const auto [partition_count, shard_count] = *counts;
  for (int32_t shard = 1; shard < shard_count; ++shard) {
    const std::filesystem::path path =
        std::filesystem::path(options.path) / "shards" / std::to_string(shard);
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      return absl::InternalError(absl::StrCat("embedded log: cannot create ",
                                              path.parent_path().string(), ": ", error.message()));
    }
    absl::StatusOr<std::unique_ptr<rocksdb::DB>> db = open(path.string());
    if (!db.ok()) return db.status();
    dbs.push_back(*std::move(db));
  }
  std::vector<int64_t> ends(static_cast<size_t>(partition_count), 0);
  for (int32_t p = 0; p < partition_count; ++p) {
    absl::StatusOr<int64_t> end = RecoverEnd(*dbs[static_cast<size_t>(p % shard_count)], p);
    if (!end.ok()) return end.status();
    ends[static_cast<size_t>(p)] = *end;
  }
  return std::make_unique<EmbeddedLogImpl>(std::move(dbs), partition_count, std::move(ends));
}

}  // namespace reviewtrail::eventlog
