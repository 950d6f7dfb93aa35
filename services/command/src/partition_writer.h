#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "aggregate_cache.h"
#include "reviewtrail/command/pending_command.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/sync/mutex.h"
#include "write_model.h"

namespace reviewtrail::command {

class CommandMetrics;

// The single writer of a set of log partitions (those of one commit lane of the log, so that its
// appends never wait for another writer's). Commands queue up; the writer thread takes everything
// waiting as one batch, decides each in arrival order against the state left by the ones before
// it, appends the accepted events of every tenant in the batch with one AppendEach, completes every
// command and then indexes the events in the write model. A command id already answered gets the
// stored answer. When the writer is idle and nothing waits, SubmitOrRun() decides, appends and
// completes one command on the calling thread, which saves handing it to the writer thread, and
// leaves only the indexing to that thread: a gRPC handler then returns (and its reply goes out)
// while the writer thread indexes. The writer stays held until the indexing is done.
//
// Thread-safety: Submit() and SubmitOrRun() from any thread. Deciding, appending and indexing run
// on whichever thread holds the writer (`busy_`): the writer thread or one SubmitOrRun() caller.
class PartitionWriter {
 public:
  // Writes `partitions` (each written by no other writer).
  PartitionWriter(std::vector<int32_t> partitions, eventlog::EventLog& log, WriteModel& model,
                  CommandMetrics& metrics, size_t max_queue);
  ~PartitionWriter();
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;

  // Indexes what the log holds beyond the write model's checkpoints, then starts the thread.
  [[nodiscard]] absl::Status Start();
  // Finishes every queued command, then stops the thread. Later submissions are refused.
  void Stop();

  // Queues a command of a tenant of one of this writer's partitions; RESOURCE_EXHAUSTED when the
  // queue is full, UNAVAILABLE once stopping.
  [[nodiscard]] absl::Status Submit(PendingCommand command);
  // Like Submit(), but when the writer is idle and nothing is queued, decides, appends and
  // completes the command on the calling thread before returning; the writer thread then indexes
  // it, still holding the writer, so the next command (a retry of this one included) sees it.
  [[nodiscard]] absl::Status SubmitOrRun(PendingCommand command);

 private:
  // The accepted events of one tenant in a batch.
  struct TenantAppend {
    std::string tenant;
    std::vector<size_t> commands;  // indexes into the batch
    std::vector<v1::EventEnvelope> events;
  };

  // What deciding a batch produced: per command an outcome, or the earlier command with the same
  // id it repeats; the accepted events grouped by tenant.
  struct DecidedBatch {
    std::vector<std::optional<CommandOutcome>> outcomes;
    std::vector<size_t> event_counts;  // events of each accepted command
    std::vector<std::optional<size_t>> repeat_of;
    std::vector<domain::CommandOrigin> origins;  // of each accepted command
    std::vector<TenantAppend> appends;           // one per tenant, in first-seen order
  };
  // What landed in one partition, in offset order, and whether an append to it failed.
  struct Landed {
    std::vector<LoggedEvent> events;  // point into DecidedBatch::appends
    bool failed = false;
  };

  // What writing a batch left to index: the landed events point into `decided`.
  struct Written {
    DecidedBatch decided;
    std::map<int32_t, Landed> landed;
  };

  void Run();
  void ProcessBatch(std::vector<PendingCommand>& batch);
  // Decides the batch, appends what was accepted and completes every command.
  std::unique_ptr<Written> WriteAndReply(std::vector<PendingCommand>& batch);
  // Brings the write model up to date with what a batch landed.
  void Index(const Written& written);
  DecidedBatch DecideAll(const std::vector<PendingCommand>& batch);
  // Appends every tenant's accepted events at once (one group commit) and completes the replies
  // with their positions, or fails the commands of a tenant whose append failed.
  std::map<int32_t, Landed> AppendAccepted(DecidedBatch& decided);
  // Indexes what landed in the write model, or catches the partition up from the log when that is
  // not exactly what this writer expected.
  void IndexLanded(int32_t partition, const Landed& landed);
  [[nodiscard]] absl::Status CatchUp(int32_t partition);
  // Brings a partition in behind_ up to date (resuming the write model's writes first); while
  // that fails, its commands are refused with the error: the write model lacks some of what the
  // log holds, so neither retries nor expected versions could be checked.
  [[nodiscard]] absl::Status Recover(int32_t partition);

  eventlog::EventLog& log_;
  WriteModel& model_;
  CommandMetrics& metrics_;
  const size_t max_queue_;
  // Used only by the thread holding the writer (see busy_).
  AggregateCache cache_;
  // Per partition of this writer, the offset its next append should get; holder of the writer only.
  std::map<int32_t, int64_t> next_offsets_;
  // Partitions whose append failed and whose log could not be read since: events of that append
  // may have landed all the same, so the write model may miss command ids the log holds. No
  // command of such a partition is decided (a retry would be recorded twice) until a catch-up
  // reads the log. Holder of the writer only.
  std::set<int32_t> in_doubt_;
  // Partitions whose write model could not index what landed (a full or read-only volume), to
  // catch up from the log before their next command; holder of the writer only.
  std::set<int32_t> behind_;

  reviewtrail::Mutex mutex_;
  std::deque<PendingCommand> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  // A thread is deciding, appending or indexing a batch: the writer thread or a SubmitOrRun()
  // caller. Whoever clears it looks at the queue again (the writer thread itself, or it is woken).
  bool busy_ ABSL_GUARDED_BY(mutex_) = false;
  // A batch a SubmitOrRun() caller wrote and answered, for the writer thread to index; the
  // writer stays busy (held for that thread) until it is indexed.
  std::unique_ptr<Written> to_index_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace reviewtrail::command
