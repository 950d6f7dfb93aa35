#include "reviewtrail/projection/projector.h"

#include <algorithm>
#include <optional>

#include "absl/time/time.h"
#include "applied_log.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/util/time_util.h"
#include "reviewtrail/eventlog/storage_status.h"
#include "spdlog/spdlog.h"
#include "without_perf_counters.h"

namespace reviewtrail::projection {
namespace {

std::string PayloadName(int payload_case) {
  if (payload_case == 0) return "unknown";  // a record accounted for by ApplyUnknown
  const auto* field = v1::EventEnvelope::descriptor()->FindFieldByNumber(payload_case);
  return field == nullptr ? "unknown" : field->name();
}

double SecondsSinceEpoch(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace

Projector::Projector(eventlog::EventLog& log, ProjectionStore& store, Projection& projection,
                     prometheus::Registry& registry, ProjectorOptions options,
                     ProjectionFactory catch_up_projections)
    : log_(log),
      store_(store),
      projection_(projection),
      options_(std::move(options)),
      catch_up_projections_(std::move(catch_up_projections)),
      events_(prometheus::BuildCounter()
                  .Name("reviewtrail_projection_events_total")
                  .Help("Events applied to a read model, by projection and event type")
                  .Register(registry)),
      skipped_(prometheus::BuildCounter()
                   .Name("reviewtrail_projection_skipped_total")
                   .Help("Records skipped by a projection: undecodable or unknown payload")
                   .Register(registry)),
      lag_events_(prometheus::BuildGauge()
                      .Name("reviewtrail_projection_lag_events")
                      .Help("Records in the log not yet applied, per partition")
                      .Register(registry)),
      lag_seconds_(prometheus::BuildGauge()
                       .Name("reviewtrail_projection_lag_seconds")
                       .Help("Age of the last applied event while records are waiting, per "
                             "partition; 0 when caught up")
                       .Register(registry)),
      up_(prometheus::BuildGauge()
              .Name("reviewtrail_projector_up")
              .Help("1 while the projection's runner runs and its last poll and commit succeeded")
              .Register(registry)
              .Add({{"projection", options_.name}})),
      caught_up_gauge_(prometheus::BuildGauge()
                           .Name("reviewtrail_projector_caught_up")
                           .Help("1 once the projection applied everything the log held when it "
                                 "started")
                           .Register(registry)
                           .Add({{"projection", options_.name}})) {
  // The skip counters exist at 0 from the start, so the first skip is an increase() too.
  for (const char* reason : {"undecodable", "unknown_payload"}) {
    skipped_.Add({{"projection", options_.name}, {"reason", reason}});
  }
  const auto partitions = static_cast<size_t>(log_.PartitionCount());
  reviewtrail::MutexLock lock(&mutex_);
  applied_.assign(partitions, 0);
  last_event_time_.assign(partitions, 0);
}

Projector::~Projector() { Stop(); }

absl::Status Projector::Start() {
  absl::StatusOr<std::vector<eventlog::Position>> positions =
      store_.LoadPositions(log_.PartitionCount());
  if (!positions.ok()) return positions.status();
  std::vector<int64_t> ends(static_cast<size_t>(log_.PartitionCount()), 0);
  for (int32_t partition = 0; partition < log_.PartitionCount(); ++partition) {
    absl::StatusOr<int64_t> end = log_.EndOffset(partition);
    if (!end.ok()) return end.status();
    ends[static_cast<size_t>(partition)] = *end;
  }
  {
    reviewtrail::MutexLock lock(&mutex_);
    for (const auto& position : *positions) {
      applied_[static_cast<size_t>(position.partition)] = position.offset;
    }
    start_ends_ = std::move(ends);
  }
  absl::StatusOr<std::unique_ptr<eventlog::Subscription>> subscription = log_.Subscribe(*positions);
  if (!subscription.ok()) return subscription.status();
  subscription_ = *std::move(subscription);
  {
    reviewtrail::MutexLock lock(&mutex_);
    running_ = true;
    UpdateUp();
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void Projector::UpdateUp() {
  if (!caught_up_ && !start_ends_.empty()) {
    caught_up_ = true;
    for (size_t partition = 0; partition < start_ends_.size(); ++partition) {
      if (applied_[partition] < start_ends_[partition]) caught_up_ = false;
    }
  }
  up_.Set(running_ && !stopping_ && health_.ok() ? 1 : 0);
  caught_up_gauge_.Set(caught_up_ ? 1 : 0);
}

absl::Status Projector::Readiness() const {
  reviewtrail::MutexLock lock(&mutex_);
  const std::string name = "projection " + options_.name;
  if (start_ends_.empty()) return absl::UnavailableError(name + " has not started");
  if (!running_ || stopping_) {
    return absl::UnavailableError(name + " stopped" +
                                  (health_.ok() ? std::string() : ": " + health_.ToString()));
  }
  if (!health_.ok()) return absl::UnavailableError(name + ": " + health_.ToString());
  if (!caught_up_) {
    int64_t behind = 0;
    for (size_t partition = 0; partition < start_ends_.size(); ++partition) {
      behind += std::max<int64_t>(0, start_ends_[partition] - applied_[partition]);
    }
    return absl::UnavailableError(name + " is catching up: " + std::to_string(behind) +
                                  " records behind the log's end at start");
  }
  return absl::OkStatus();
}

void Projector::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    stopping_ = true;
    // Only a started projector owns the gauges: a catch-up-only one (a rebuild) shares them.
    if (!start_ends_.empty()) UpdateUp();
  }
  if (thread_.joinable()) thread_.join();
}

void Projector::Run() {
  const WithoutPerfCounters quiet;
  const auto stopping = [this] {
    reviewtrail::MutexLock lock(&mutex_);
    return stopping_;
  };
  while (!stopping()) {
    Chunk chunk(store_);
    absl::Status log_failure;
    absl::Status applied;
    // Folds one poll into the chunk; true when it came back full (the runner is behind).
    const auto poll = [&](std::chrono::milliseconds timeout) {
      absl::StatusOr<std::vector<eventlog::Record>> records =
          subscription_->Poll(options_.max_batch, timeout);
      if (!records.ok()) {
        log_failure = records.status();
        return false;
      }
      applied = Fold(*records, projection_, chunk);
      return applied.ok() && records->size() >= options_.max_batch;
    };
    bool full = poll(options_.poll_timeout);
    while (full && chunk.records < options_.catch_up_chunk && !stopping()) {
      full = poll(std::chrono::milliseconds(0));
    }
    // What was folded is committed even when a later poll failed: the subscription is past it.
    if (applied.ok()) applied = Commit(projection_, chunk);
    if (applied.ok() && log_failure.ok()) {
      {
        reviewtrail::MutexLock lock(&mutex_);
        if (!health_.ok()) spdlog::info("projection {}: recovered", options_.name);
        health_ = absl::OkStatus();
        UpdateUp();
      }
      UpdateLag();
      continue;
    }
    const absl::Status failure = applied.ok() ? log_failure : applied;
    spdlog::error("projection {}: {}", options_.name, failure.ToString());
    reviewtrail::MutexLock lock(&mutex_);
    health_ = failure;
    if (!applied.ok()) {  // the projection itself failed: stop rather than skip events
      running_ = false;
      UpdateUp();
      return;
    }
    UpdateUp();
    // A passing failure of the log: retry after a pause.
    mutex_.AwaitWithTimeout(reviewtrail::Condition(&stopping_), absl::Seconds(1));
  }
  reviewtrail::MutexLock lock(&mutex_);
  running_ = false;
  UpdateUp();
}

absl::Status Projector::Fold(const std::vector<eventlog::Record>& records, Projection& projection,
                             Chunk& chunk) {
  // The events are parsed into one arena, freed at once when the records are folded.
  google::protobuf::Arena arena;
  for (const eventlog::Record& record : records) {
    ++chunk.records;
    chunk.next_offsets[record.position.partition] = record.position.offset + 1;
    v1::EventEnvelope& event = *google::protobuf::Arena::CreateMessage<v1::EventEnvelope>(&arena);
    const bool decoded = event.ParseFromString(record.value);
    if (!decoded || event.payload_case() == v1::EventEnvelope::PAYLOAD_NOT_SET) {
      absl::StatusOr<bool> accounted = false;
      if (projection.AccountsForEveryRecord()) {
        accounted = ApplyUnknown(record, decoded ? &event : nullptr, projection, chunk);
        if (!accounted.ok()) return accounted.status();
      }
      if (*accounted) {
        chunk.applied_payloads[0] += 1;
      } else {
        if (!decoded) {
          spdlog::warn("projection {}: skipping undecodable record at {}:{}", options_.name,
                       record.position.partition, record.position.offset);
        }
        chunk.skipped_reasons[decoded ? "unknown_payload" : "undecodable"] += 1;
      }
      continue;
    }
    if (absl::Status status = projection.Apply(record.position, event, chunk.batch); !status.ok()) {
      projection.Discard();
      return absl::Status(status.code(), "applying " + PayloadName(event.payload_case()) + " at " +
                                             std::to_string(record.position.partition) + ":" +
                                             std::to_string(record.position.offset) + ": " +
                                             std::string(status.message()));
    }
    chunk.applied_payloads[event.payload_case()] += 1;
    LogApplied(options_.name, record.position, event, PayloadName(event.payload_case()));
    chunk.event_times[record.position.partition] =
        static_cast<double>(
            google::protobuf::util::TimeUtil::TimestampToMilliseconds(event.recorded_at())) /
        1000.0;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Projector::ApplyUnknown(const eventlog::Record& record,
                                             const v1::EventEnvelope* event, Projection& projection,
                                             Chunk& chunk) {
  const eventlog::Record* full = &record;
  std::vector<eventlog::Record> again;
  if (record.headers.empty()) {
    // Read without headers (a catch-up): the projection gets the record as a live poll gives it.
    absl::StatusOr<std::vector<eventlog::Record>> read =
        log_.Read(record.position.partition, record.position.offset, 1);
    if (!read.ok()) return read.status();
    if (!read->empty() && read->front().position == record.position) {
      again = *std::move(read);
      full = &again.front();
    }
  }
  absl::StatusOr<bool> accounted = projection.ApplyUnknown(*full, event, chunk.batch);
  if (!accounted.ok()) {
    projection.Discard();
    return absl::Status(accounted.status().code(),
                        "applying an unknown record at " +
                            std::to_string(record.position.partition) + ":" +
                            std::to_string(record.position.offset) + ": " +
                            std::string(accounted.status().message()));
  }
  return accounted;
}

absl::Status Projector::Commit(Projection& projection, Chunk& chunk) {
  if (chunk.records == 0) return absl::OkStatus();
  if (absl::Status flushed = projection.Flush(chunk.batch); !flushed.ok()) return flushed;
  absl::Status committed = store_.Commit(chunk.batch, chunk.next_offsets);
  // A full or read-only volume: the chunk stays in memory (the subscription and the projection
  // are past it) and is committed again, every second, once the volume takes writes; meanwhile
  // the projector reports the error (Readiness, reviewtrail_projector_up 0).
  while (eventlog::IsStorageUnavailable(committed)) {
    {
      reviewtrail::MutexLock lock(&mutex_);
      if (health_.ok()) spdlog::error("projection {}: {}", options_.name, committed.ToString());
      health_ = committed;
      if (!start_ends_.empty()) UpdateUp();
      if (mutex_.AwaitWithTimeout(reviewtrail::Condition(&stopping_), absl::Seconds(1)))
        return committed;
    }
    // Resume fails while the volume is still full, or RocksDB's own recovery is under way (Busy):
    // either way the store is still unavailable, and the batch waits.
    if (store_.ResumeWrites().ok()) committed = store_.Commit(chunk.batch, chunk.next_offsets);
  }
  if (!committed.ok()) return committed;
  for (const auto& [payload, count] : chunk.applied_payloads) {
    events_.Add({{"projection", options_.name}, {"type", PayloadName(payload)}}).Increment(count);
  }
  for (const auto& [reason, count] : chunk.skipped_reasons) {
    skipped_.Add({{"projection", options_.name}, {"reason", reason}}).Increment(count);
  }
  {
    reviewtrail::MutexLock lock(&mutex_);
    for (const auto& [partition, offset] : chunk.next_offsets) {
      applied_[static_cast<size_t>(partition)] = offset;
    }
    for (const auto& [partition, time] : chunk.event_times) {
      last_event_time_[static_cast<size_t>(partition)] = time;
    }
  }
  return absl::OkStatus();  // WaitFor's waiters see applied_ when the lock is let go
}

absl::Status Projector::CatchUp() {
  absl::StatusOr<std::vector<eventlog::Position>> positions =
      store_.LoadPositions(log_.PartitionCount());
  if (!positions.ok()) return positions.status();
  {
    reviewtrail::MutexLock lock(&mutex_);
    for (const auto& position : *positions) {
      applied_[static_cast<size_t>(position.partition)] = position.offset;
    }
  }
  // Partitions are handed out whole, in order, to whichever worker asks next.
  reviewtrail::Mutex handing_out;
  size_t handed_out = 0;
  const auto next = [&]() -> std::optional<eventlog::Position> {
    reviewtrail::MutexLock lock(&handing_out);
    if (handed_out == positions->size()) return std::nullopt;
    return (*positions)[handed_out++];
  };
  std::atomic<bool> stop = false;
  const size_t workers = CatchUpWorkers(positions->size());
  if (workers <= 1) {
    const WithoutPerfCounters quiet;
    return CatchUpPartitions(next, projection_, stop);
  }
  reviewtrail::Mutex failing;
  absl::Status failure;
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (size_t worker = 0; worker < workers; ++worker) {
    threads.emplace_back([&] {
      const WithoutPerfCounters quiet;
      const std::unique_ptr<Projection> projection = catch_up_projections_();
      absl::Status status = CatchUpPartitions(next, *projection, stop);
      if (status.ok()) return;
      reviewtrail::MutexLock lock(&failing);
      if (failure.ok()) failure = std::move(status);
      stop = true;
    });
  }
  for (std::thread& thread : threads) thread.join();
  return failure;
}

size_t Projector::CatchUpWorkers(size_t partitions) const {
  if (!catch_up_projections_) return 1;
  const size_t wanted = options_.catch_up_workers > 0
                            ? options_.catch_up_workers
                            : std::max<size_t>(1, std::thread::hardware_concurrency());
  return std::min(wanted, partitions);
}

absl::Status Projector::CatchUpPartitions(
    const std::function<std::optional<eventlog::Position>()>& next, Projection& projection,
    const std::atomic<bool>& stop) {
  auto chunk = std::make_unique<Chunk>(store_);
  for (std::optional<eventlog::Position> start = next(); start.has_value(); start = next()) {
    absl::StatusOr<int64_t> end = log_.EndOffset(start->partition);
    if (!end.ok()) return end.status();
    for (int64_t offset = start->offset; offset < *end;) {
      if (stop) return absl::OkStatus();
      absl::StatusOr<std::vector<eventlog::Record>> records =
          log_.ReadWithoutHeaders(start->partition, offset, options_.max_batch);
      if (!records.ok()) return records.status();
      if (records->empty()) break;
      if (absl::Status folded = Fold(*records, projection, *chunk); !folded.ok()) return folded;
      offset = records->back().position.offset + 1;
      if (chunk->records >= options_.catch_up_chunk) {
        if (absl::Status committed = Commit(projection, *chunk); !committed.ok()) {
          return committed;
        }
        auto next_chunk = std::make_unique<Chunk>(store_);
        next_chunk->batch.Reserve(chunk->batch);
        chunk = std::move(next_chunk);
      }
    }
  }
  if (stop) return absl::OkStatus();
  return Commit(projection, *chunk);
}

bool Projector::WaitFor(const eventlog::Position& position,
                        std::chrono::steady_clock::time_point deadline) {
  reviewtrail::MutexLock lock(&mutex_);
  if (position.partition < 0 || static_cast<size_t>(position.partition) >= applied_.size()) {
    return false;
  }
  const auto applied = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return applied_[static_cast<size_t>(position.partition)] > position.offset;
  };
  return mutex_.AwaitWithTimeout(reviewtrail::Condition(&applied),
                                 absl::FromChrono(deadline - std::chrono::steady_clock::now()));
}

std::vector<int64_t> Projector::Applied() const {
  reviewtrail::MutexLock lock(&mutex_);
  return applied_;
}

absl::Status Projector::health() const {
  reviewtrail::MutexLock lock(&mutex_);
  return health_;
}

void Projector::UpdateLag() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_lag_update_ < std::chrono::seconds(1)) return;
  last_lag_update_ = now;
  const std::vector<int64_t> applied = Applied();
  std::vector<double> times;
  {
    reviewtrail::MutexLock lock(&mutex_);
    times = last_event_time_;
  }
  const double wall = SecondsSinceEpoch(std::chrono::system_clock::now());
  for (int32_t partition = 0; partition < static_cast<int32_t>(applied.size()); ++partition) {
    {
      reviewtrail::MutexLock lock(&mutex_);
      if (stopping_) return;
    }
    // On Kafka each end offset asks the partition's leader, waiting up to the request timeout:
    // when one cannot answer (the brokers are gone), the others are not asked this round, so a
    // stop is never held up by one timeout per partition. The gauges keep their last values.
    absl::StatusOr<int64_t> end = log_.EndOffset(partition);
    if (!end.ok()) return;
    const auto index = static_cast<size_t>(partition);
    const double waiting = static_cast<double>(*end - applied[index]);
    const std::map<std::string, std::string> labels = {{"projection", options_.name},
                                                       {"partition", std::to_string(partition)}};
    lag_events_.Add(labels).Set(waiting);
    lag_seconds_.Add(labels).Set(waiting > 0 && times[index] > 0 ? wall - times[index] : 0);
  }
}

}  // namespace reviewtrail::projection
