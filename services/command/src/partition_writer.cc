#include "partition_writer.h"

#include <algorithm>
#include <map>
#include <optional>

#include "reviewtrail/command/command_metrics.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::command {
namespace {

constexpr size_t kMaxBatch = 512;
constexpr size_t kCatchUpChunk = 1000;
constexpr size_t kCachedAggregatesPerPartition = 100'000;

// The answer to an accepted command; its log position is set once its events landed.
v1::CommandReply ReplyWithoutPosition(const domain::Decision& decision) {
  v1::CommandReply reply;
  reply.set_aggregate_id(decision.aggregate_id);
  reply.set_entity_id(domain::EntityIdOf(decision.events.back()));
  reply.set_version(decision.version);
  for (const auto& event : decision.events) reply.add_event_ids(event.event_id());
  return reply;
}

// The context of a sandbox tenant's command with its today on the tenant's test clock.
domain::CommandContext WithTestClock(const domain::StateView& view,
                                     const domain::CommandContext& context) {
  domain::CommandContext on_clock = context;
  if (const domain::TenantClockState* clock = view.FindTenantClock()) {
    on_clock.today = domain::TenantDay(context.now, context.time_zone, clock->advance);
  }
  return on_clock;
}

}  // namespace

PartitionWriter::PartitionWriter(std::vector<int32_t> partitions, eventlog::EventLog& log,
                                 WriteModel& model, CommandMetrics& metrics, size_t max_queue)
    : log_(log),
      model_(model),
      metrics_(metrics),
      max_queue_(max_queue),
      cache_(model, /*max_entries=*/kCachedAggregatesPerPartition * partitions.size()) {
  for (int32_t partition : partitions) next_offsets_[partition] = 0;
}

PartitionWriter::~PartitionWriter() { Stop(); }

absl::Status PartitionWriter::Start() {
  for (const auto& [partition, next] : next_offsets_) {
    if (absl::Status caught_up = CatchUp(partition); !caught_up.ok()) return caught_up;
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void PartitionWriter::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    stopping_ = true;  // wakes Run (it awaits the queue, a hand-over or stopping_)
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status PartitionWriter::Submit(PendingCommand command) {
  reviewtrail::MutexLock lock(&mutex_);
  if (stopping_) return absl::UnavailableError("the command service is shutting down");
  if (queue_.size() >= max_queue_) {
    return absl::ResourceExhaustedError("too many commands (" + std::to_string(max_queue_) +
                                        ") are waiting to be written; retry shortly");
  }
  // The writer thread awaits a non-empty queue (evaluated as the lock is let go); a busy holder
  // looks at the queue when it lets go of the writer.
  queue_.push_back(std::move(command));
  return absl::OkStatus();
}

absl::Status PartitionWriter::SubmitOrRun(PendingCommand command) {
  bool run_here = false;
  {
    reviewtrail::MutexLock lock(&mutex_);
    run_here = !busy_ && queue_.empty() && !stopping_;
    if (run_here) busy_ = true;
  }
  if (!run_here) return Submit(std::move(command));
  std::vector<PendingCommand> batch;
  batch.push_back(std::move(command));
  std::unique_ptr<Written> written = WriteAndReply(batch);
  // The reply goes out when this gRPC thread returns; the writer thread indexes meanwhile, still
  // holding the writer, so the next command (a retry of this one included) sees it indexed.
  {
    reviewtrail::MutexLock lock(&mutex_);
    to_index_ = std::move(written);
  }
  return absl::OkStatus();
}

void PartitionWriter::Run() {
  std::vector<PendingCommand> batch;
  while (true) {
    std::unique_ptr<Written> handed;
    {
      reviewtrail::MutexLock lock(&mutex_);
      const auto work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
        return to_index_ != nullptr || ((!queue_.empty() || stopping_) && !busy_);
      };
      mutex_.Await(reviewtrail::Condition(&work));
      if (to_index_ != nullptr) {
        handed = std::move(to_index_);  // busy_ is already held for this thread
      } else {
        if (queue_.empty()) return;  // stopping, and everything queued is done
        busy_ = true;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (handed != nullptr) {
      Index(*handed);
    } else {
      ProcessBatch(batch);
      batch.clear();
    }
    reviewtrail::MutexLock lock(&mutex_);
    busy_ = false;
  }
}

void PartitionWriter::ProcessBatch(std::vector<PendingCommand>& batch) {
  Index(*WriteAndReply(batch));
}

std::unique_ptr<PartitionWriter::Written> PartitionWriter::WriteAndReply(
    std::vector<PendingCommand>& batch) {
  cache_.TrimIfFull();
  // A partition in doubt is read again before any of its commands is decided.
  for (auto partition = in_doubt_.begin(); partition != in_doubt_.end();) {
    if (absl::Status caught_up = CatchUp(*partition); !caught_up.ok()) {
      spdlog::warn("partition {} is still unreadable after a failed append: {}", *partition,
                   caught_up.ToString());
      ++partition;
      continue;
    }
    cache_.Clear();
    partition = in_doubt_.erase(partition);
  }
  auto written = std::make_unique<Written>();
  written->decided = DecideAll(batch);
  DecidedBatch& decided = written->decided;
  written->landed = AppendAccepted(decided);
  // Every outcome is final once the log has answered: reply now. The write model is brought up to
  // date next, before the next batch is decided, so no later command misses it.
  for (size_t i = 0; i < batch.size(); ++i) {
    if (decided.repeat_of[i]) decided.outcomes[i] = decided.outcomes[*decided.repeat_of[i]];
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(*decided.outcomes[i]));
  return written;
}

void PartitionWriter::Index(const Written& written) {
  size_t events = 0;
  for (const auto& [partition, in_partition] : written.landed) {
    IndexLanded(partition, in_partition);
    events += in_partition.events.size();
  }
  metrics_.ObserveBatch(events);
}

PartitionWriter::DecidedBatch PartitionWriter::DecideAll(const std::vector<PendingCommand>& batch) {
  DecidedBatch decided{.outcomes = std::vector<std::optional<CommandOutcome>>(batch.size()),
                       .event_counts = std::vector<size_t>(batch.size(), 0),
                       .repeat_of = std::vector<std::optional<size_t>>(batch.size()),
                       .origins = std::vector<domain::CommandOrigin>(batch.size())};
  std::map<std::pair<std::string_view, std::string_view>, size_t> first_with_id;
  // In arrival order, each against the state the earlier ones left.
  for (size_t i = 0; i < batch.size(); ++i) {
    const PendingCommand& command = batch[i];
    const std::string& tenant = command.context.tenant_id;
    std::optional<CommandOutcome>& outcome = decided.outcomes[i];
    if (const int32_t partition = log_.PartitionFor(tenant); behind_.contains(partition)) {
      if (absl::Status recovered = Recover(partition); !recovered.ok()) {
        outcome = absl::Status(recovered.code(),
                               "nothing was recorded: the write model cannot catch up with the "
                               "event log: " +
                                   std::string(recovered.message()));
        continue;
      }
    }
    auto [first, inserted] = first_with_id.try_emplace({tenant, command.command_id}, i);
    if (!inserted && decided.event_counts[first->second] > 0) {
      if (auto reused = domain::CheckRetry(decided.origins[first->second], command.command_id,
                                           command.context.command_fingerprint)) {
        outcome = *std::move(reused);
      } else {
        decided.repeat_of[i] = first->second;
      }
      continue;
    }
    if (const int32_t partition = log_.PartitionFor(tenant); in_doubt_.contains(partition)) {
      outcome = absl::UnavailableError(
          "the log of partition " + std::to_string(partition) +
          " cannot be read since an append to it failed, so whether this command was already "
          "recorded is unknown; nothing was recorded now, retrying with the same command_id is "
          "safe");
      continue;
    }
    absl::StatusOr<std::optional<AnsweredCommand>> answered =
        model_.FindReply(tenant, command.command_id);
    if (!answered.ok()) {
      outcome = answered.status();
      continue;
    }
    if (answered->has_value()) {
      if (auto reused = domain::CheckRetry((*answered)->origin, command.command_id,
                                           command.context.command_fingerprint)) {
        outcome = *std::move(reused);
      } else {
        outcome = std::move((*answered)->reply);
      }
      continue;
    }
    if (std::chrono::system_clock::now() > command.deadline) {
      outcome = absl::DeadlineExceededError(
          "the command waited for its partition's writer past its deadline; nothing was "
          "recorded, retrying with the same command_id is safe");
      continue;
    }
    AggregateCache::TenantView view(cache_, tenant);
    domain::Result<domain::Decision> result =
        command.context.sandbox ? command.decide(view, WithTestClock(view, command.context))
                                : command.decide(view, command.context);
    if (absl::Status load_error = cache_.TakeError(); !load_error.ok()) {
      outcome = load_error;
      continue;
    }
    if (!result.ok()) {
      outcome = result.error();
      continue;
    }
    domain::Decision decision = std::move(result).value();
    for (const auto& event : decision.events) cache_.Apply(event);
    first->second = i;
    decided.event_counts[i] = decision.events.size();
    decided.origins[i] = domain::OriginOf(decision.events.front());
    outcome = ReplyWithoutPosition(decision);
    auto append = std::find_if(decided.appends.begin(), decided.appends.end(),
                               [&](const TenantAppend& each) { return each.tenant == tenant; });
    if (append == decided.appends.end()) {
      append = decided.appends.insert(decided.appends.end(), TenantAppend{.tenant = tenant});
    }
    append->commands.push_back(i);
    for (auto& event : decision.events) append->events.push_back(std::move(event));
  }
  return decided;
}

std::map<int32_t, PartitionWriter::Landed> PartitionWriter::AppendAccepted(DecidedBatch& decided) {
  std::vector<eventlog::TenantEvents> each;
  each.reserve(decided.appends.size());
  for (const TenantAppend& append : decided.appends) {
    each.push_back({append.tenant, append.events});
  }
  std::vector<absl::StatusOr<std::vector<eventlog::Position>>> positions = log_.AppendEach(each);

  std::map<int32_t, Landed> landed;
  for (size_t g = 0; g < decided.appends.size(); ++g) {
    const TenantAppend& append = decided.appends[g];
    if (!positions[g].ok()) {
      const int32_t partition = log_.PartitionFor(append.tenant);
      spdlog::error("append to partition {} failed: {}", partition,
                    positions[g].status().ToString());
      landed[partition].failed = true;
      for (size_t i : append.commands) decided.outcomes[i] = positions[g].status();
      continue;
    }
    const std::vector<eventlog::Position>& at = *positions[g];
    Landed& in_partition = landed[at.front().partition];
    for (size_t k = 0; k < append.events.size(); ++k) {
      in_partition.events.push_back({at[k], &append.events[k]});
    }
    size_t k = 0;
    for (size_t i : append.commands) {
      k += decided.event_counts[i];
      v1::LogPosition& last =
          *std::get<v1::CommandReply>(*decided.outcomes[i]).mutable_log_position();
      last.set_partition(at[k - 1].partition);
      last.set_offset(at[k - 1].offset);
    }
  }
  for (auto& [partition, in_partition] : landed) {
    std::sort(in_partition.events.begin(), in_partition.events.end(),
              [](const LoggedEvent& a, const LoggedEvent& b) {
                return a.position.offset < b.position.offset;
              });
  }
  return landed;
}

void PartitionWriter::IndexLanded(int32_t partition, const Landed& landed) {
  int64_t& next_offset = next_offsets_.at(partition);
  bool contiguous = true;
  for (size_t k = 0; k < landed.events.size(); ++k) {
    contiguous &= landed.events[k].position.offset == next_offset + static_cast<int64_t>(k);
  }
  if (landed.failed || !contiguous) {
    // Some events may have landed although an append reported failure, or another writer
    // appended: forget the optimistic state and index whatever the log really holds.
    if (!contiguous)
      spdlog::warn("partition {} holds records this writer did not append", partition);
    cache_.Clear();
    if (absl::Status caught_up = CatchUp(partition); !caught_up.ok()) {
      spdlog::error("catching up partition {}: {}", partition, caught_up.ToString());
      in_doubt_.insert(partition);
    }
    return;
  }
  if (landed.events.empty()) return;
  const int64_t next = landed.events.back().position.offset + 1;
  if (absl::Status indexed =
          model_.Index(partition, landed.events, next, WriteModel::Commands::kWhole);
      !indexed.ok()) {
    // The events are durable in the log; the partition's next command (or the next start)
    // catches the write model up with them first.
    spdlog::error("indexing partition {}: {}", partition, indexed.ToString());
    cache_.Clear();
    behind_.insert(partition);
    return;
  }
  next_offset = next;
}

absl::Status PartitionWriter::Recover(int32_t partition) {
  // Fails while the volume is still full, or RocksDB's own recovery is under way (Busy).
  if (absl::Status resumed = model_.ResumeWrites(); !resumed.ok()) return resumed;
  if (absl::Status caught_up = CatchUp(partition); !caught_up.ok()) return caught_up;
  spdlog::info("partition {}: the write model caught up with the event log again", partition);
  behind_.erase(partition);
  return absl::OkStatus();
}

absl::Status PartitionWriter::CatchUp(int32_t partition) {
  absl::StatusOr<int64_t> checkpoint = model_.Checkpoint(partition);
  if (!checkpoint.ok()) return checkpoint.status();
  absl::StatusOr<int64_t> end = log_.EndOffset(partition);
  if (!end.ok()) return end.status();
  int64_t next = *checkpoint;
  while (next < *end) {
    absl::StatusOr<std::vector<eventlog::Record>> records =
        log_.Read(partition, next, kCatchUpChunk);
    if (!records.ok()) return records.status();
    if (records->empty()) break;
    std::vector<v1::EventEnvelope> events(records->size());
    std::vector<LoggedEvent> logged;
    for (size_t k = 0; k < records->size(); ++k) {
      const eventlog::Record& record = (*records)[k];
      if (!events[k].ParseFromString(record.value)) {
        spdlog::error("skipping undecodable record at {}:{}", partition, record.position.offset);
        continue;
      }
      logged.push_back({record.position, &events[k]});
    }
    next = records->back().position.offset + 1;
    if (absl::Status indexed =
            model_.Index(partition, logged, next, WriteModel::Commands::kMaybeSplit);
        !indexed.ok()) {
      return indexed;
    }
  }
  next_offsets_.at(partition) = next;
  return absl::OkStatus();
}

}  // namespace reviewtrail::command
