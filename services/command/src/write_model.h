#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/domain/idempotency.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/store_memory.h"
#include "reviewtrail/v1/commands.pb.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::command {

// A command id already answered: its reply and its first use.
struct AnsweredCommand {
  v1::CommandReply reply;
  domain::CommandOrigin origin;
};

// One event as it sits in the log.
struct LoggedEvent {
  eventlog::Position position;
  const v1::EventEnvelope* event = nullptr;
};

// The command side's durable index of the log, in RocksDB: every aggregate's events, the answer to
// every command id (for idempotent retries), the review of every decision, and per partition the
// next log offset not yet indexed. Everything of one Index() call lands in one WriteBatch with the
// checkpoint, so after a crash the index is exactly the log up to its checkpoint and catching up
// from there neither skips nor doubles anything.
//
// Layout (keys, '\0'-separated; tenant and ids never contain '\0'):
//   e <tenant> <aggregate type> <aggregate id> <version: 8 bytes BE>  -> EventEnvelope
//   c <tenant> <command id>                                           -> CommandReply
//   f <tenant> <command id>     -> its origin: fingerprint '\0' command '\0' subject
//   d <tenant> <decision id>                                          -> review id
//   p <partition: 4 bytes BE>                                         -> next offset (8 bytes BE)
//
// Thread-safe (RocksDB is); each partition is indexed by one writer only.
class WriteModel {
 public:
  // `memory`: the block cache and memtable budget it draws from; null: the process's
  // (eventlog::ProcessStoreMemory()).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<WriteModel>> Open(
      const std::string& path, std::shared_ptr<eventlog::StoreMemory> memory = nullptr);

  // The next offset of `partition` not yet indexed (0 for a fresh store).
  [[nodiscard]] absl::StatusOr<int64_t> Checkpoint(int32_t partition) const;
  // After a write failed for want of storage (eventlog::IsStorageUnavailable): lets RocksDB take
  // writes again once the volume does; fails while it does not.
  [[nodiscard]] absl::Status ResumeWrites();

  // Whether the events of one command may be split across Index() calls. A catch-up reads the log
  // in chunks, which may split a command; the writer's own batches always hold whole commands.
  enum class Commands { kWhole, kMaybeSplit };

  // Indexes `events` (consecutive records of `partition`) and moves its checkpoint to
  // `next_offset`, atomically. Neither synced nor written ahead: the log is the record, and after
  // a crash the write model reopens at its last flushed checkpoint and catches up from the log.
  [[nodiscard]] absl::Status Index(int32_t partition, std::span<const LoggedEvent> events,
                                   int64_t next_offset, Commands commands);

  // The events of one aggregate, in version order.
  [[nodiscard]] absl::StatusOr<std::vector<v1::EventEnvelope>> LoadAggregate(
      const std::string& tenant_id, v1::AggregateType type, const std::string& id) const;

  // The answer recorded for a command id and its first use, if it was accepted before. A command
  // indexed before origins were kept gets the origin of nothing known (it answers every retry).
  [[nodiscard]] absl::StatusOr<std::optional<AnsweredCommand>> FindReply(
      const std::string& tenant_id, const std::string& command_id) const;

  [[nodiscard]] absl::StatusOr<std::optional<std::string>> FindReviewOfDecision(
      const std::string& tenant_id, const std::string& decision_id) const;

  // The write model's RocksDB figures (store "write_model"). Thread-safe.
  [[nodiscard]] eventlog::StoreStatistics Statistics() const {
    return eventlog::ReadStoreStatistics(*db_, "write_model");
  }

 private:
  explicit WriteModel(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace reviewtrail::command
