#include "reviewtrail/eventlog/embedded_log.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "append_batch.h"
#include "record_codec.h"
#include "reviewtrail/eventlog/partitioner.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/write_batch.h"

namespace reviewtrail::eventlog {
namespace {

// Sorts after every log key: partitions are non-negative int32, so their first byte is < 0x80.
const std::string& MetaPartitionCountKey() {
  static const std::string* const kKey =
      new std::string(std::string(4, '\xff') + "partition_count");
  return *kKey;
}

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("embedded log: ", std::string(what), ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsBusy() || status.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

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
  EmbeddedLogImpl(std::unique_ptr<rocksdb::DB> db, int32_t partition_count,
                  std::vector<int64_t> ends)
      : db_(std::move(db)), partition_count_(partition_count), end_(std::move(ends)) {}

  int32_t PartitionCount() const override { return partition_count_; }

  int32_t PartitionFor(std::string_view tenant_id) const override {
    return KafkaPartitionFor(tenant_id, partition_count_);
  }

  std::vector<absl::StatusOr<std::vector<Position>>> AppendEach(
      std::span<const TenantEvents> appends) override;

  absl::StatusOr<int64_t> EndOffset(int32_t partition) override {
    if (absl::Status s = CheckPartition(partition); !s.ok()) return s;
    absl::MutexLock lock(&mu_);
    return end_[partition];
  }

  absl::StatusOr<std::vector<Record>> Read(int32_t partition, int64_t from,
                                           size_t max_records) override;

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::vector<Position> start) override;

  Stats GetStats() const override {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

  // Waits until some cursor's partition has records past it, or `deadline`. True if it has.
  bool AwaitRecords(const std::vector<Position>& cursors, absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Records [from, to) of `partition`; the caller checked that `to` is committed.
  absl::Status ReadCommitted(int32_t partition, int64_t from, int64_t to,
                             std::vector<Record>& out) const;

  int64_t CommittedEnd(int32_t partition) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return end_[partition];
  }

 private:
  // One tenant's records of an AppendEach.
  struct Part {
    size_t index = 0;  // in the AppendEach call
    int32_t partition = 0;
    std::vector<std::string> frames;
    std::vector<Position> positions;  // assigned by the leader
  };
  // One AppendEach waiting in the group-commit queue. Lives on its appender's stack.
  struct PendingAppend {
    std::vector<Part> parts;
    absl::Status status;
    bool done = false;
    absl::CondVar cv;  // signalled when done, or when it should take over as leader
  };

  absl::Status CheckPartition(int32_t partition) const {
    if (partition < 0 || partition >= partition_count_) {
      return absl::InvalidArgumentError(absl::StrCat("embedded log: partition ", partition,
                                                     " not in [0, ", partition_count_, ")"));
    }
    return absl::OkStatus();
  }

  // Writes everything queued as one synced batch. Called with mu_ held; drops it while writing.
  void LeadOneGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::unique_ptr<rocksdb::DB> db_;
  const int32_t partition_count_;

  mutable absl::Mutex mu_;
  // Per partition, the offset after the last committed (synced) record. Only the leader raises it.
  std::vector<int64_t> end_ ABSL_GUARDED_BY(mu_);
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(mu_);
  bool leader_active_ ABSL_GUARDED_BY(mu_) = false;
  Stats stats_ ABSL_GUARDED_BY(mu_);
  absl::CondVar committed_;  // signalled (all) after every successful commit
};

std::vector<absl::StatusOr<std::vector<Position>>> EmbeddedLogImpl::AppendEach(
    std::span<const TenantEvents> appends) {
  std::vector<absl::StatusOr<std::vector<Position>>> results;
  results.reserve(appends.size());
  PendingAppend request;
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
    Part& part = request.parts.emplace_back();
    part.index = i;
    part.partition = PartitionFor(append.tenant_id);
    part.frames.reserve(prepared->size());
    for (const internal::OutgoingRecord& record : *prepared) {
      part.frames.push_back(internal::EncodeFrame(append.tenant_id, record.headers, record.value));
    }
  }
  if (request.parts.empty()) return results;

  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(&request);
    while (!request.done) {
      if (!leader_active_) {
        LeadOneGroup();
      } else {
        request.cv.Wait(&mu_);
      }
    }
  }
  for (Part& part : request.parts) {
    if (request.status.ok()) {
      results[part.index] = std::move(part.positions);
    } else {
      results[part.index] = request.status;
    }
  }
  return results;
}

void EmbeddedLogImpl::LeadOneGroup() {
  leader_active_ = true;
  std::vector<PendingAppend*> group(queue_.begin(), queue_.end());
  queue_.clear();
  // Offsets are assigned in queue order. Only the leader assigns them, so end_ cannot move
  // meanwhile.
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
  const absl::Status written = FromRocks(db_->Write(sync_write, &batch), "synced append");
  mu_.Lock();

  if (written.ok()) {
    end_ = std::move(next);
    ++stats_.commits;
    stats_.records += static_cast<int64_t>(records);
  }
  for (PendingAppend* request : group) {
    request->status = written;
    request->done = true;
    request->cv
        .Signal();  // mu_ is held, so the waiter cannot return (and free it) before we unlock
  }
  leader_active_ = false;
  if (!queue_.empty()) queue_.front()->cv.Signal();  // the next waiter leads the next group
  if (written.ok()) committed_.SignalAll();
}

absl::Status EmbeddedLogImpl::ReadCommitted(int32_t partition, int64_t from, int64_t to,
                                            std::vector<Record>& out) const {
  if (from >= to) return absl::OkStatus();
  const std::string upper = internal::EncodeLogKey(partition, to);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
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
    if (absl::Status s = internal::DecodeFrame(it->value().ToStringView(), record); !s.ok()) {
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

absl::StatusOr<std::vector<Record>> EmbeddedLogImpl::Read(int32_t partition, int64_t from,
                                                          size_t max_records) {
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
  if (absl::Status s = ReadCommitted(partition, from, to, records); !s.ok()) return s;
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
  absl::MutexLock lock(&mu_);
  const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::any_of(cursors.begin(), cursors.end(),
                       [&](const Position& c) { return end_[c.partition] > c.offset; });
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

absl::StatusOr<int32_t> LoadOrStorePartitionCount(rocksdb::DB& db, int32_t requested) {
  std::string stored;
  const rocksdb::Status got = db.Get(rocksdb::ReadOptions(), MetaPartitionCountKey(), &stored);
  if (got.IsNotFound()) {
    if (requested <= 0) {
      return absl::FailedPreconditionError(
          "embedded log: new log needs a positive partition count");
    }
    rocksdb::WriteOptions sync_write;
    sync_write.sync = true;
    if (absl::Status s =
            FromRocks(db.Put(sync_write, MetaPartitionCountKey(), std::to_string(requested)),
                      "store partition count");
        !s.ok()) {
      return s;
    }
    return requested;
  }
  if (absl::Status s = FromRocks(got, "load partition count"); !s.ok()) return s;
  int32_t count = 0;
  const auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), count);
  if (error != std::errc() || end != stored.data() + stored.size() || count <= 0) {
    return absl::DataLossError(
        absl::StrCat("embedded log: bad stored partition count '", stored, "'"));
  }
  if (requested != 0 && requested != count) {
    return absl::FailedPreconditionError(
        absl::StrCat("embedded log: log has ", count, " partitions, opened with ", requested));
  }
  return count;
}

absl::StatusOr<std::vector<int64_t>> RecoverEnds(rocksdb::DB& db, int32_t partition_count) {
  std::vector<int64_t> ends(static_cast<size_t>(partition_count), 0);
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  for (int32_t p = 0; p < partition_count; ++p) {
    it->SeekForPrev(internal::EncodeLogKey(p, std::numeric_limits<int64_t>::max()));
    int32_t partition = 0;
    int64_t offset = 0;
    if (it->Valid() && internal::DecodeLogKey(it->key().ToStringView(), partition, offset) &&
        partition == p) {
      ends[p] = offset + 1;
    }
  }
  if (absl::Status s = FromRocks(it->status(), "recover end offsets"); !s.ok()) return s;
  return ends;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedLog>> EmbeddedLog::Open(const EmbeddedLogOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("embedded log: empty path");
  if (options.partition_count < 0) {
    return absl::InvalidArgumentError("embedded log: negative partition count");
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.IncreaseParallelism(2);
  // A record torn by a crash mid-write is dropped from the WAL tail; it was never acknowledged.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // Records are appended at the end of their partition: a per-partition insert hint (the key's
  // first 4 bytes) spares the memtable a search from its top for each one. Only the group-commit
  // leader writes, so concurrent memtable writes (which ignore the hint) buy nothing.
  db_options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(4));
  db_options.allow_concurrent_memtable_write = false;
  rocksdb::DB* raw_db = nullptr;
  if (absl::Status s = FromRocks(rocksdb::DB::Open(db_options, options.path, &raw_db), "open");
      !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);
  absl::StatusOr<int32_t> count = LoadOrStorePartitionCount(*db, options.partition_count);
  if (!count.ok()) return count.status();
  absl::StatusOr<std::vector<int64_t>> ends = RecoverEnds(*db, *count);
  if (!ends.ok()) return ends.status();
  return std::make_unique<EmbeddedLogImpl>(std::move(db), *count, *std::move(ends));
}

}  // namespace reviewtrail::eventlog
