#include "delivery_queue.h"

#include "absl/time/time.h"
#include "message_composer.h"
#include "reviewtrail/projection/read_view.h"
#include "spdlog/spdlog.h"
#include "stored_records.h"

namespace reviewtrail::notifier {
namespace {

std::optional<StoredPerson> LoadPerson(projection::ProjectionStore& store,
                                       const std::string& tenant, const std::string& person) {
  absl::StatusOr<std::optional<std::string>> bytes =
      projection::StoreReadView(store).Get(kPersonsTable, TenantKey(tenant, person));
  if (!bytes.ok() || !bytes->has_value()) return std::nullopt;
  return DecodePerson(**bytes);
}

}  // namespace

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
  std::vector<std::string> keys;
  const absl::Status read = projection::StoreReadView(store_).Scan(
      kOutboxTable, "", "", [&keys](std::string_view key, std::string_view) {
        keys.emplace_back(key);
        return true;
      });
  if (!read.ok()) return read;
  {
    reviewtrail::MutexLock lock(&mutex_);
    for (const std::string& key : keys) {
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
  batch.Delete(kOutboxTable, key);
  const absl::Status deleted = store_.Commit(batch, {});
  if (!deleted.ok()) spdlog::error("notifier: removing delivered {}: {}", key, deleted.ToString());
}

std::optional<std::chrono::milliseconds> DeliveryQueue::Attempt(Entry& entry) {
  if (entry.position.has_value()) {
    if (!wait_applied_(*entry.position)) return std::chrono::milliseconds(100);
    entry.position.reset();
  }
  absl::StatusOr<std::optional<std::string>> read =
      projection::StoreReadView(store_).Get(kOutboxTable, entry.key);
  if (!read.ok()) return backoff_.After(1);
  if (!read->has_value()) return std::nullopt;  // delivered by an earlier attempt
  std::optional<DeliveryJob> job = DecodeJob(**read);
  if (!job.has_value()) {
    spdlog::error("notifier: dropping undecodable outbox entry");
    Finish(entry.key);
    return std::nullopt;
  }
  const std::string channel_name = ChannelName(job->channel);
  const TenantSettings& settings = config_.For(job->tenant_id);
  const Message message =
      ComposeMessage(*job, settings, LoadPerson(store_, job->tenant_id, job->owner_id),
                     LoadPerson(store_, job->tenant_id, job->recipient_id));
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
