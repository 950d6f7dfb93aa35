#include "reviewtrail/notifier/notifier.h"

#include "absl/time/time.h"
#include "channels.h"
#include "delivery_queue.h"
#include "follow_up_recorder.h"
#include "notifier_metrics.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/followup/follow_up_projection.h"
#include "reviewtrail/followup/follow_up_view.h"
#include "reviewtrail/followup/planner.h"
#include "reviewtrail/followup/stored_records.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/projection/read_view.h"
#include "spdlog/spdlog.h"
#include "timer_queue.h"

namespace reviewtrail::notifier {
namespace {

using Time = std::chrono::system_clock::time_point;

// Bounded waits for the projector: the notifier's own records come back within milliseconds.
constexpr std::chrono::seconds kApplyWait{10};

}  // namespace

// Hands what the projector applied over to the planning thread.
class Notifier::Listener final : public followup::FollowUpListener {
 public:
  explicit Listener(Notifier& notifier) : notifier_(notifier) {}

  void ActionChanged(const std::string& tenant_id, const std::string& action_id,
                     const eventlog::Position& position) override {
    {
      reviewtrail::MutexLock lock(&notifier_.mutex_);
      notifier_.changes_.push_back({followup::TenantKey(tenant_id, action_id), position});
      notifier_.woken_ = true;  // wakes RunTimer (it awaits woken_ or stopping_)
    }
  }

  void ClockAdvanced(const std::string& tenant_id, const eventlog::Position& position) override {
    {
      reviewtrail::MutexLock lock(&notifier_.mutex_);
      notifier_.changes_.push_back({followup::TenantKey(tenant_id, ""), position});
      notifier_.woken_ = true;
    }
  }

  void DeliveryQueued(const std::string& outbox_key, const eventlog::Position& position) override {
    notifier_.delivery_->Enqueue(outbox_key, position);
  }

 private:
  Notifier& notifier_;
};

Notifier::Notifier(eventlog::EventLog& log, const runtime::Clock& clock, NotifierOptions options)
    : log_(log),
      clock_(clock),
      options_(std::move(options)),
      timers_(new TimerQueue()),
      record_backoff_(delivery::RetryPolicy{.initial_backoff = options_.record_retry_initial,
                                            .max_backoff = options_.record_retry_max,
                                            .multiplier = 2.0,
                                            .jitter = 0.0}) {}

Notifier::~Notifier() { Stop(); }

absl::StatusOr<std::unique_ptr<Notifier>> Notifier::Start(
    eventlog::EventLog& log, const runtime::Clock& clock, prometheus::Registry& registry,
    std::shared_ptr<v1::CommandService::StubInterface> commands,
    std::shared_ptr<TokenSource> tokens, NotifierOptions options) {
  if (commands == nullptr || tokens == nullptr) {
    return absl::InvalidArgumentError("the notifier needs a command service stub and tokens");
  }
  std::unique_ptr<Notifier> notifier(new Notifier(log, clock, std::move(options)));
  notifier->tokens_ = std::move(tokens);
  if (absl::Status opened = notifier->Open(registry, std::move(commands)); !opened.ok()) {
    notifier->Stop();
    return opened;
  }
  return notifier;
}

absl::Status Notifier::Open(prometheus::Registry& registry,
                            std::shared_ptr<v1::CommandService::StubInterface> commands) {
  listener_ = std::make_unique<Listener>(*this);
  metrics_ = std::make_unique<NotifierMetrics>(registry, options_.metrics_tenant_labels);
  projection_ =
      std::make_unique<followup::FollowUpProjection>(*listener_, clock_, options_.delivery_window);
  auto store = projection::ProjectionStore::Open(options_.store_path, projection_->Tables());
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  recorder_ =
      std::make_unique<FollowUpRecorder>(std::move(commands), *tokens_, options_.record_deadline);
  ChannelSet channels = options_.channels;
  channels.try_emplace(v1::NOTIFICATION_CHANNEL_LOG, std::make_shared<LogChannel>());
  channels.try_emplace(v1::NOTIFICATION_CHANNEL_WEBHOOK, std::make_shared<WebhookChannel>());
  channels.try_emplace(v1::NOTIFICATION_CHANNEL_EMAIL, std::make_shared<EmailChannel>());
  delivery_ = std::make_unique<DeliveryQueue>(
      *store_, options_.config, std::move(channels), clock_, *metrics_,
      RetryPolicy{.max_attempts = options_.delivery_max_attempts,
                  .initial_backoff = options_.delivery_initial_backoff,
                  .max_backoff = options_.delivery_max_backoff},
      options_.delivery_workers,
      [this](const eventlog::Position& position) { return WaitApplied(position); });
  projector_ = std::make_unique<projection::Projector>(
      log_, *store_, *projection_, registry, projection::ProjectorOptions{.name = "notifier"});

  // Catch up on this thread, then plan every tracked action once; from here on only changes and
  // timers drive the work.
  if (absl::Status caught_up = projector_->CatchUp(); !caught_up.ok()) return caught_up;
  {
    reviewtrail::MutexLock work(&work_mutex_);
    {
      reviewtrail::MutexLock lock(&mutex_);
      changes_.clear();
    }
    const Time now = clock_.Now();
    // One snapshot for the whole start-up scan: every action and its owner as of the catch-up.
    const projection::StoreReadView snapshot(*store_);
    const followup::FollowUpView view(snapshot);
    absl::StatusOr<std::vector<std::string>> keys = view.AllActionKeys();
    if (!keys.ok()) return keys.status();
    for (const std::string& key : *keys) Replan(key, now, view);
    UpdateGauges(now);
  }
  if (absl::Status started = projector_->Start(); !started.ok()) return started;
  if (absl::Status started = delivery_->Start(); !started.ok()) return started;
  if (options_.run_timer) timer_thread_ = std::thread([this] { RunTimer(); });
  return absl::OkStatus();
}

std::vector<eventlog::StoreStatistics> Notifier::StorageStatistics() const {
  return {store_->Statistics("notifier")};
}

void Notifier::Stop() {
  {
    reviewtrail::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (timer_thread_.joinable()) timer_thread_.join();
  if (projector_) projector_->Stop();
  if (delivery_) delivery_->Stop();
}

bool Notifier::WaitApplied(const eventlog::Position& position) {
  return projector_->WaitFor(position, std::chrono::steady_clock::now() + kApplyWait);
}

absl::Status Notifier::CatchUpWithLog() {
  for (int32_t partition = 0; partition < log_.PartitionCount(); ++partition) {
    absl::StatusOr<int64_t> end = log_.EndOffset(partition);
    if (!end.ok()) return end.status();
    if (*end > 0 && !WaitApplied({partition, *end - 1})) {
      absl::Status health = projector_->health();
      return health.ok() ? absl::DeadlineExceededError("the notifier projection lags the log")
                         : health;
    }
  }
  return absl::OkStatus();
}

absl::Status Notifier::RunDueWork() {
  reviewtrail::MutexLock work(&work_mutex_);
  if (absl::Status caught_up = CatchUpWithLog(); !caught_up.ok()) return caught_up;
  const Time now = clock_.Now();
  ProcessChanges(now);
  for (const std::string& key : timers_->PopDue(now)) Fire(key, now);
  ProcessChanges(now);
  UpdateGauges(now);
  return absl::OkStatus();
}

void Notifier::ProcessChanges(Time now) {
  std::vector<Changed> changes;
  {
    reviewtrail::MutexLock lock(&mutex_);
    changes.swap(changes_);
  }
  std::map<std::string, eventlog::Position> latest;
  for (Changed& change : changes) latest[change.action_key] = change.position;
  for (const auto& [key, position] : latest) {
    if (!WaitApplied(position)) {
      spdlog::warn("notifier: projection has not applied {}:{} yet", position.partition,
                   position.offset);
    }
    const auto split = followup::SplitTenantKey(key);
    if (split.has_value() && split->second.empty()) {
      ReplanTenant(split->first, now);
    } else {
      Replan(key, now);
    }
  }
}

void Notifier::ReplanTenant(const std::string& tenant, Time now) {
  const projection::StoreReadView snapshot(*store_);
  const followup::FollowUpView view(snapshot);
  absl::StatusOr<std::vector<std::string>> keys = view.ActionKeys(tenant);
  if (!keys.ok()) {
    spdlog::warn("notifier: scanning the actions of {}: {}", tenant, keys.status().ToString());
    keys = std::vector<std::string>();
  }
  spdlog::info("notifier: the test clock of {} moved; planning its {} actions again", tenant,
               keys->size());
  for (const std::string& key : *keys) Replan(key, now, view);
}

std::chrono::microseconds Notifier::AdvanceOf(const std::string& tenant,
                                              const followup::FollowUpView& view) const {
  if (!options_.time_zones.IsSandbox(tenant)) return std::chrono::microseconds(0);
  return std::chrono::microseconds(view.ClockAdvance(tenant));
}

void Notifier::Track(const std::string& action_key, const std::string& tenant,
                     std::optional<domain::CivilDate> due_date) {
  auto it = tracked_.find(action_key);
  if (it != tracked_.end()) {
    auto& dates = due_dates_[it->second.first];
    if (--dates[it->second.second] == 0) dates.erase(it->second.second);
    tracked_.erase(it);
  }
  if (due_date.has_value()) {
    tracked_[action_key] = {tenant, *due_date};
    ++due_dates_[tenant][*due_date];
  }
}

std::optional<followup::ActionFollowUp> Notifier::LoadForPlanning(
    const std::string& action_key, const followup::FollowUpView& view) {
  std::optional<followup::ActionFollowUp> action = view.Action(action_key);
  if (!action.has_value()) return std::nullopt;
  if (std::optional<followup::StoredPerson> owner =
          view.Person(action->tenant_id, action->owner_id)) {
    action->manager_id = owner->manager_id;
  }
  action->escalation_contact_id = options_.config.For(action->tenant_id).escalation_contact_id;
  const auto& settled = settled_[action_key];
  action->recorded.insert(settled.begin(), settled.end());
  return action;
}

void Notifier::Replan(const std::string& action_key, Time now) {
  const projection::StoreReadView snapshot(*store_);
  Replan(action_key, now, followup::FollowUpView(snapshot));
}

void Notifier::Replan(const std::string& action_key, Time now, const followup::FollowUpView& view) {
  std::optional<followup::ActionFollowUp> action = LoadForPlanning(action_key, view);
  if (!action.has_value()) {
    timers_->Cancel(action_key);
    settled_.erase(action_key);
    retries_.erase(action_key);
    if (auto split = followup::SplitTenantKey(action_key))
      Track(action_key, split->first, std::nullopt);
    return;
  }
  Track(action_key, action->tenant_id, action->due_date);
  const TenantSettings& settings = options_.config.For(action->tenant_id);
  const followup::Plan plan =
      followup::PlanAt(settings.policy, *action, now, options_.time_zones.ZoneOf(action->tenant_id),
                       AdvanceOf(action->tenant_id, view));
  if (!plan.due.empty()) {
    auto retry = retries_.find(action_key);
    timers_->Schedule(action_key, retry == retries_.end() ? now : std::max(now, retry->second.at));
  } else if (plan.next_at.has_value()) {
    timers_->Schedule(action_key, *plan.next_at);
  } else {
    timers_->Cancel(action_key);
  }
}

void Notifier::Fire(const std::string& action_key, Time now) {
  std::optional<followup::ActionFollowUp> action;
  std::chrono::microseconds advance(0);
  {
    const projection::StoreReadView snapshot(*store_);
    const followup::FollowUpView view(snapshot);
    action = LoadForPlanning(action_key, view);
    if (!action.has_value()) return Replan(action_key, now, view);
    advance = AdvanceOf(action->tenant_id, view);
  }
  const TenantSettings& settings = options_.config.For(action->tenant_id);
  auto& settled = settled_[action_key];

  bool retry = false;
  const followup::Plan plan = followup::PlanAt(
      settings.policy, *action, now, options_.time_zones.ZoneOf(action->tenant_id), advance);
  for (const followup::Notification& due : plan.due) {
    const bool reminder = due.kind == followup::Kind::kReminder;
    if (due.recipient_id.empty()) {
      metrics_->CountNotification(reminder, due.level, "unroutable");
      spdlog::warn("notifier: {} of {}: nobody to send it to (no manager, no escalation contact)",
                   due.command_id, action->tenant_id);
      settled.insert(due.key);
      continue;
    }
    const RecordOutcome outcome = recorder_->Record(action->tenant_id, action->action_id, due,
                                                    settings.ChannelFor(due.recipient_id));
    switch (outcome.result) {
      case RecordOutcome::Result::kRecorded: {
        metrics_->CountNotification(reminder, due.level, "recorded");
        retries_.erase(action_key);
        const auto& at = outcome.reply.log_position();
        if (!WaitApplied({at.partition(), at.offset()})) settled.insert(due.key);
        break;
      }
      case RecordOutcome::Result::kRefused:
        metrics_->CountNotification(reminder, due.level, "refused");
        spdlog::warn("notifier: {} of {} refused: {}", due.command_id, action->tenant_id,
                     outcome.reason);
        settled.insert(due.key);
        break;
      case RecordOutcome::Result::kRetry:
        metrics_->CountNotification(reminder, due.level, "retry");
        spdlog::warn("notifier: {} of {} not recorded, will retry: {}", due.command_id,
                     action->tenant_id, outcome.reason);
        retry = true;
        break;
    }
  }
  if (retry) {
    Retry& state = retries_[action_key];
    ++state.attempts;
    state.at = now + record_backoff_.After(state.attempts);
  }
  Replan(action_key, now);
}

void Notifier::UpdateGauges(Time now) {
  std::map<std::string, double> overdue_by_tenant;
  const projection::StoreReadView snapshot(*store_);
  const followup::FollowUpView view(snapshot);
  for (const auto& [tenant, dates] : due_dates_) {
    const domain::CivilDate today =
        options_.time_zones.DayOf(tenant, now, AdvanceOf(tenant, view).count());
    int overdue = 0;
    for (const auto& [due, count] : dates) {
      if (followup::IsOverdue(due, today)) overdue += count;
    }
    overdue_by_tenant[tenant] = overdue;
  }
  metrics_->SetOverdue(overdue_by_tenant);
  metrics_->SetTracked(static_cast<double>(tracked_.size()));
  const std::optional<Time> next = timers_->NextAt();
  metrics_->SetNextWakeUp(
      next.has_value() ? std::chrono::duration<double>(next->time_since_epoch()).count() : 0);
  reviewtrail::MutexLock lock(&mutex_);
  next_wakeup_ = next;
}

std::optional<Time> Notifier::NextWakeUp() const {
  reviewtrail::MutexLock lock(&mutex_);
  return next_wakeup_;
}

bool Notifier::WaitForDeliveries(std::chrono::steady_clock::time_point deadline) {
  return delivery_->WaitIdle(deadline);
}

void Notifier::RunTimer() {
  while (true) {
    {
      reviewtrail::MutexLock lock(&mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    if (absl::Status ran = RunDueWork(); !ran.ok()) {
      spdlog::warn("notifier: {}", ran.ToString());
    }
    // Sleep until the next timer, a change from the log, or max_sleep (against clock jumps).
    std::chrono::system_clock::duration sleep = options_.max_sleep;
    if (std::optional<Time> next = NextWakeUp()) {
      sleep = std::clamp<std::chrono::system_clock::duration>(
          *next - clock_.Now(), std::chrono::milliseconds(0), options_.max_sleep);
    }
    reviewtrail::MutexLock lock(&mutex_);
    const auto woken = [this]()
                           ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return stopping_ || woken_; };
    mutex_.AwaitWithTimeout(reviewtrail::Condition(&woken), absl::FromChrono(sleep));
  }
}

}  // namespace reviewtrail::notifier
