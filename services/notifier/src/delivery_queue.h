#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "notifier_metrics.h"
#include "reviewtrail/delivery/backoff.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/notifier/channel.h"
#include "reviewtrail/notifier/notifier_config.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::notifier {

using delivery::RetryPolicy;

using ChannelSet = std::map<v1::NotificationChannel, std::shared_ptr<Channel>>;

// Delivers the outbox: every job the projection queued is sent over its channel by a small pool
// of workers; a failed attempt is put back with a backoff so it never holds up the others; a job
// leaves the outbox when delivered or given up (permanent failure or attempts exhausted, counted
// and logged). Waits for a job's position to be committed before reading it.
//
// Thread-safety: Enqueue, WaitIdle from any thread; Start/Stop from the owner's thread.
class DeliveryQueue {
 public:
  using WaitApplied = std::function<bool(const eventlog::Position&)>;

  DeliveryQueue(projection::ProjectionStore& store, const NotifierConfig& config,
                ChannelSet channels, const runtime::Clock& clock, NotifierMetrics& metrics,
                RetryPolicy retry, int workers, WaitApplied wait_applied);
  ~DeliveryQueue();
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  // Queues every job already in the outbox (one scan) and starts the workers.
  [[nodiscard]] absl::Status Start();
  void Stop();

  // Queues the job stored under `outbox_key` once `position` is committed.
  void Enqueue(const std::string& outbox_key, const eventlog::Position& position);
  // True once nothing is queued, waiting for a retry or in flight (or false at `deadline`).
  [[nodiscard]] bool WaitIdle(std::chrono::steady_clock::time_point deadline);

 private:
  struct Entry {
    std::string key;
    std::optional<eventlog::Position> position;
    int attempt = 0;
  };
  void Work();
  // Delivers once; returns the wait before the next attempt, or nullopt when the job is done.
  std::optional<std::chrono::milliseconds> Attempt(Entry& entry);
  void Finish(const std::string& key);

  projection::ProjectionStore& store_;
  const NotifierConfig& config_;
  ChannelSet channels_;
  const runtime::Clock& clock_;
  NotifierMetrics& metrics_;
  delivery::Backoff backoff_;
  const int worker_count_;
  WaitApplied wait_applied_;

  reviewtrail::Mutex mutex_;
  reviewtrail::CondVar changed_;  // the queue changed, or stopping_
  std::multimap<std::chrono::steady_clock::time_point, Entry> queue_ ABSL_GUARDED_BY(mutex_);
  std::set<std::string> known_ ABSL_GUARDED_BY(mutex_);  // queued or in flight
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace reviewtrail::notifier
