#include "delivery_queue.h"

#include "absl/time/time.h"
#include "message_composer.h"
#include "reviewtrail/followup/follow_up_view.h"
#include "reviewtrail/followup/stored_records.h"
#include "reviewtrail/projection/read_view.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::notifier {

DeliveryQueue::DeliveryQueue(projection::ProjectionStore& store, const NotifierConfig& config,
                             ChannelSet channels, const runtime::Clock& clock,
                             NotifierMetrics& metrics, RetryPolicy retry, int workers,
                             WaitApplied wait_applied)
    : store_(store),
      config_(config),
      channels_(std::move(channels)),
      clock_(clock),
      metrics_(metrics),
      backoff_(retry),
      worker_count_(std::max(1, workers)),
      wait_applied_(std::move(wait_applied)) {}

DeliveryQueue::~DeliveryQueue() { Stop(); }

absl::Status DeliveryQueue::Start() {
  const projection::StoreReadView snapshot(store_);
  absl::StatusOr<std::vector<std::string>> keys = followup::FollowUpView(snapshot).OutboxKeys();
  if (!keys.ok()) return keys.status();
  {
    reviewtrail::MutexLock lock(&mutex_);
    for (const std::string& key : *keys) {
      if (known_.insert(key).second) {
        queue_.emplace(std::chrono::steady_clock::now(), Entry{.key = key});
      }
    }
    metrics_.SetPendingDeliveries(static_cast<double>(known_.size()));
  }
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { Work(); });
  return absl::OkStatus();
}

void DeliveryQueue::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  changed_.SignalAll();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void DeliveryQueue::Enqueue(const std::string& outbox_key, const eventlog::Position& position) {
  {
    reviewtrail::MutexLock lock(&mutex_);
    if (!known_.insert(outbox_key).second) return;
    queue_.emplace(std::chrono::steady_clock::now(),
                   Entry{.key = outbox_key, .position = position});
    metrics_.SetPendingDeliveries(static_cast<double>(known_.size()));
  }
  changed_.SignalAll();
}

bool DeliveryQueue::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  reviewtrail::MutexLock lock(&mutex_);
  const auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return known_.empty(); };
  return mutex_.AwaitWithTimeout(reviewtrail::Condition(&idle),
                                 absl::FromChrono(deadline - std::chrono::steady_clock::now()));
}

void DeliveryQueue::Work() {
  reviewtrail::MutexLock lock(&mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      changed_.Wait(&mutex_);
      continue;
    }
    const auto first = queue_.begin()->first;
    if (const auto now = std::chrono::steady_clock::now(); first > now) {
      changed_.WaitWithTimeout(&mutex_, absl::FromChrono(first - now));
      continue;
    }
    Entry entry = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    mutex_.Unlock();
    const std::optional<std::chrono::milliseconds> again = Attempt(entry);
    mutex_.Lock();
    if (again.has_value()) {
      queue_.emplace(std::chrono::steady_clock::now() + *again, std::move(entry));
    } else {
      known_.erase(entry.key);
      metrics_.SetPendingDeliveries(static_cast<double>(known_.size()));
    }
    changed_.SignalAll();
  }
}

void DeliveryQueue::Finish(const std::string& key) {
  projection::ProjectionStore::Batch batch(store_);
  batch.Delete(followup::kOutboxTable, key);
  const absl::Status deleted = store_.Commit(batch, {});
  if (!deleted.ok()) spdlog::error("notifier: removing delivered {}: {}", key, deleted.ToString());
}

std::optional<std::chrono::milliseconds> DeliveryQueue::Attempt(Entry& entry) {
  if (entry.position.has_value()) {
    if (!wait_applied_(*entry.position)) return std::chrono::milliseconds(100);
    entry.position.reset();
  }
  std::optional<followup::DeliveryJob> job;
  std::optional<followup::StoredPerson> owner;
  std::optional<followup::StoredPerson> recipient;
  {
    const projection::StoreReadView snapshot(store_);
    const followup::FollowUpView view(snapshot);
    absl::StatusOr<std::optional<followup::DeliveryJob>> read = view.Job(entry.key);
    if (absl::IsDataLoss(read.status())) {
      spdlog::error("notifier: dropping undecodable outbox entry");
      Finish(entry.key);
      return std::nullopt;
    }
    if (!read.ok()) return backoff_.After(1);
    if (!read->has_value()) return std::nullopt;  // delivered by an earlier attempt
    job = **std::move(read);
    owner = view.Person(job->tenant_id, job->owner_id);
    recipient = view.Person(job->tenant_id, job->recipient_id);
  }
  const std::string channel_name = ChannelName(job->channel);
  const TenantSettings& settings = config_.For(job->tenant_id);
  const Message message = ComposeMessage(*job, settings, owner, recipient);
  auto channel = channels_.find(job->channel);
  ++entry.attempt;
  const absl::Status sent = channel == channels_.end()
                                ? absl::FailedPreconditionError("no such channel")
                                : channel->second->Send(settings, message);
  if (sent.ok()) {
    metrics_.CountDelivery(channel_name, "delivered");
    const auto recorded =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(job->recorded_at_ms));
    metrics_.ObserveDeliveryLatency(
        channel_name,
        std::max(0.0, std::chrono::duration<double>(clock_.Now() - recorded).count()));
    Finish(entry.key);
    return std::nullopt;
  }
  const bool transient = absl::IsUnavailable(sent) || absl::IsDeadlineExceeded(sent);
  if (transient && entry.attempt < backoff_.policy().max_attempts) {
    metrics_.CountDelivery(channel_name, "retried");
    spdlog::warn("notifier: delivery of {} over {} failed (attempt {}), retrying: {}",
                 job->command_id, channel_name, entry.attempt, sent.ToString());
    return backoff_.After(entry.attempt);
  }
  metrics_.CountDelivery(channel_name, "failed");
  spdlog::error("notifier: giving up delivery of {} to {} over {} after {} attempt(s): {}",
                job->command_id, job->recipient_id, channel_name, entry.attempt, sent.ToString());
  Finish(entry.key);
  return std::nullopt;
}

}  // namespace reviewtrail::notifier
