#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/projection.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::projection {

struct ProjectorOptions {
  std::string name;         // the metrics label, e.g. "query" or "audit"
  size_t max_batch = 1000;  // events per read from the log (and per commit when live)
  std::chrono::milliseconds poll_timeout{200};
  // Events folded in memory before one commit while catching up: by CatchUp(), and by the runner
  // while every poll comes back full (it is behind). Each key the chunk touches is written once.
  size_t catch_up_chunk = 50'000;
  // Threads of CatchUp() when the Projector has a ProjectionFactory: each takes whole partitions
  // one after the other and folds them with its own projection into its own chunks. 0: the
  // machine's hardware threads.
  size_t catch_up_workers = 0;
};

// Makes a fresh instance of a projection, for one worker of a parallel catch-up. Only for a
// projection whose every key belongs to the events of one partition (e.g. starts with the tenant,
// all of whose events are in one partition): the workers then write disjoint keys, each with its
// partitions' positions in the same commit.
using ProjectionFactory = std::function<std::unique_ptr<Projection>()>;

// Feeds a Projection from the log: subscribes from the store's positions, applies each event to a
// batch and commits the batch with the new positions. While live, a batch is what one poll
// returned; while catching up, a chunk of up to catch_up_chunk events is folded in one batch in
// memory and committed with its positions in one write. Given a ProjectionFactory, CatchUp folds
// several partitions at once on as many threads, each with its own projection and chunks. Records
// that do not decode, and events whose payload this build does not know, are given to a projection
// that accounts for every record (Projection::AccountsForEveryRecord, the audit log), and otherwise
// counted, logged with their position and skipped — never fatal. Exposes how far it got, so queries
// can wait for their own writes.
//
// Metrics: reviewtrail_projection_events_total{projection, type},
//          reviewtrail_projection_skipped_total{projection, reason},
//          reviewtrail_projection_lag_events{projection, partition},
//          reviewtrail_projection_lag_seconds{projection, partition},
//          reviewtrail_projector_up{projection} (1 while the runner runs and its last poll and
//          commit succeeded), reviewtrail_projector_caught_up{projection} (1 once it applied
//          everything the log held when Start() ran).
//
// Thread-safety: Start/Stop from the owner's thread; WaitFor/Applied from any thread.
class Projector {
 public:
  Projector(eventlog::EventLog& log, ProjectionStore& store, Projection& projection,
            prometheus::Registry& registry, ProjectorOptions options,
            ProjectionFactory catch_up_projections = nullptr);
  ~Projector();
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  [[nodiscard]] absl::Status Start();
  void Stop();

  // Waits until every record of `position.partition` up to and including `position.offset` is
  // applied, or `deadline` passes. True when applied.
  [[nodiscard]] bool WaitFor(const eventlog::Position& position,
                             std::chrono::steady_clock::time_point deadline);
  // Applies everything the log holds now (for tools and tests that run without Start()): on the
  // caller's thread, or with a ProjectionFactory on catch_up_workers threads. The first failure
  // stops every worker and is returned; what was committed before it stays, with its positions.
  [[nodiscard]] absl::Status CatchUp();

  // Next offset to apply, per partition.
  [[nodiscard]] std::vector<int64_t> Applied() const;
  // The error of the runner's last attempt (a log failure it retries, or the projection failure
  // that stopped it); OK while healthy.
  [[nodiscard]] absl::Status health() const;

  // Whether the projector may serve: OK once it has applied, on every partition, everything up
  // to the end offsets the log reported when Start() ran (latched: falling behind later is lag,
  // not unreadiness), and while its runner runs and is healthy. Otherwise UNAVAILABLE saying why
  // (not started, catching up and how far behind, stopped, or the failure).
  [[nodiscard]] absl::Status Readiness() const;

 private:
  // Records folded into one batch and what to account for once it is committed.
  struct Chunk {
    explicit Chunk(ProjectionStore& store) : batch(store) {}
    ProjectionStore::Batch batch;
    size_t records = 0;
    std::map<int32_t, int64_t> next_offsets;
    std::map<int, double> applied_payloads;  // by payload field number; 0: unknown records
    std::map<std::string, double> skipped_reasons;
    std::map<int32_t, double> event_times;
  };

  void Run();
  [[nodiscard]] absl::Status Fold(const std::vector<eventlog::Record>& records,
                                  Projection& projection, Chunk& chunk);
  // Gives a record this build cannot turn into an event to a projection that accounts for every
  // record, with the record's headers (read again when it was read without them); whether it did.
  [[nodiscard]] absl::StatusOr<bool> ApplyUnknown(const eventlog::Record& record,
                                                  const v1::EventEnvelope* event,
                                                  Projection& projection, Chunk& chunk);
  // Commits the chunk with its positions, then publishes its progress and metrics.
  [[nodiscard]] absl::Status Commit(Projection& projection, Chunk& chunk);
  // Folds the partitions `next` hands out (from their positions), one after the other, in chunks
  // committed as they fill; returns early when `stop` is set.
  [[nodiscard]] absl::Status CatchUpPartitions(
      const std::function<std::optional<eventlog::Position>()>& next, Projection& projection,
      const std::atomic<bool>& stop);
  [[nodiscard]] size_t CatchUpWorkers(size_t partitions) const;
  void UpdateLag();
  // Publishes up / caught up (gauges) after the runner's state changed.
  void UpdateUp() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  eventlog::EventLog& log_;
  ProjectionStore& store_;
  Projection& projection_;
  ProjectorOptions options_;
  ProjectionFactory catch_up_projections_;
  std::unique_ptr<eventlog::Subscription> subscription_;

  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& skipped_;
  prometheus::Family<prometheus::Gauge>& lag_events_;
  prometheus::Family<prometheus::Gauge>& lag_seconds_;
  prometheus::Gauge& up_;
  prometheus::Gauge& caught_up_gauge_;

  mutable reviewtrail::Mutex mutex_;
  std::vector<int64_t> applied_ ABSL_GUARDED_BY(mutex_);
  std::vector<double> last_event_time_ ABSL_GUARDED_BY(mutex_);  // seconds since epoch
  absl::Status health_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool running_ ABSL_GUARDED_BY(mutex_) = false;  // the runner thread is in Run()
  // The end offsets when Start() ran; caught_up_ once applied_ reached them all.
  std::vector<int64_t> start_ends_ ABSL_GUARDED_BY(mutex_);
  bool caught_up_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
  std::chrono::steady_clock::time_point last_lag_update_;
};

}  // namespace reviewtrail::projection
