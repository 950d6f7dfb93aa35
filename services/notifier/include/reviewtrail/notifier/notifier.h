#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "reviewtrail/delivery/backoff.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/followup/follow_up_state.h"
#include "reviewtrail/notifier/channel.h"
#include "reviewtrail/notifier/notifier_config.h"
#include "reviewtrail/notifier/token_source.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/sync/mutex.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::projection {
class ProjectionStore;
class Projector;
}  // namespace reviewtrail::projection

namespace reviewtrail::followup {
class FollowUpProjection;
class FollowUpView;
}  // namespace reviewtrail::followup

namespace reviewtrail::notifier {

class DeliveryQueue;
class FollowUpRecorder;
class NotifierMetrics;
class TimerQueue;

struct NotifierOptions {
  std::string store_path;  // a RocksDB directory owned by the notifier
  NotifierConfig config;
  // Each tenant's time zone: reminder and escalation days are the tenant's calendar days, sent at
  // the policy's `send_at` local time (the command service judges "overdue" the same way).
  runtime::TenantTimeZones time_zones;
  // Delivery retries: exponential backoff with jitter (defaults: 8 attempts, 1 s .. 5 min).
  int delivery_max_attempts = 8;
  std::chrono::milliseconds delivery_initial_backoff{1'000};
  std::chrono::milliseconds delivery_max_backoff{300'000};
  int delivery_workers = 2;
  // Reminders/escalations recorded longer ago than this are not delivered (a rebuild from an
  // old log does not resend history).
  std::chrono::seconds delivery_window{std::chrono::hours(48)};
  std::chrono::milliseconds record_deadline{10'000};  // per RecordReminder/RecordEscalation call
  // Backoff of a recording the command service could not take (unavailable, not overdue yet).
  std::chrono::seconds record_retry_initial{5};
  std::chrono::seconds record_retry_max{600};
  // The timer thread re-reads the clock at least this often (against clock jumps).
  std::chrono::seconds max_sleep{30};
  // --metrics-tenant-labels: per-tenant reviewtrail_notifier_actions_overdue series for up to
  // this many tenants (the rest under tenant="other"); 0: one series for all tenants.
  size_t metrics_tenant_labels = 0;
  bool run_timer = true;  // false: no timer thread; call RunDueWork() (tests with a FakeClock)
  // Channels by kind; missing ones get the built-in log, webhook (libcurl) and e-mail channels.
  std::map<v1::NotificationChannel, std::shared_ptr<Channel>> channels;
};

// The notifier, a process manager. It follows the log with a Projector into its own
// ProjectionStore (each non-final action's owner, due date and follow-up history; each person's
// manager; the outbox), keeps one timer per action at its next due instant, and when a timer
// fires asks the pure planner (libs/followup) what is due. Each reminder/escalation is first
// recorded through the command service with a deterministic command id (a retry or a second
// replica gets the original reply), and only its event in the log puts it in the outbox, from
// which it is delivered with retries over the log, webhook or e-mail channel.
//
// Thread-safety: Start/Stop from the owner's thread; RunDueWork, NextWakeUp, WaitForDeliveries
// from any thread (RunDueWork calls are serialised).
class Notifier {
 public:
  // Opens the store, catches up with the log, plans every tracked action, starts the projector,
  // the delivery workers and (with options.run_timer) the timer thread. `commands` is a
  // reviewtrail.v1.CommandService stub (e.g. over a channel to the command service, or its
  // in-process channel); `tokens` gives the `service` bearer token of each tenant.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Notifier>> Start(
      eventlog::EventLog& log, const runtime::Clock& clock, prometheus::Registry& registry,
      std::shared_ptr<v1::CommandService::StubInterface> commands,
      std::shared_ptr<TokenSource> tokens, NotifierOptions options);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Stops the timer thread, the projector and the delivery workers. Idempotent.
  void Stop();

  // The RocksDB figures of the follow-up store (store "notifier"), for metrics. Thread-safe.
  [[nodiscard]] std::vector<eventlog::StoreStatistics> StorageStatistics() const;

  // The follow-up projector: its Readiness() decides the notifier's health.
  [[nodiscard]] const projection::Projector& projector() const { return *projector_; }

  // One pass: waits until the projector has applied what the log holds now, re-plans the changed
  // actions, records everything due at clock.Now() (waiting for each record to come back through
  // the log) and re-plans again. The timer thread runs exactly this.
  [[nodiscard]] absl::Status RunDueWork();
  // When the next timer fires (nullopt: nothing planned).
  [[nodiscard]] std::optional<std::chrono::system_clock::time_point> NextWakeUp() const;
  // True once the outbox is empty (delivered or given up), false at `deadline`.
  [[nodiscard]] bool WaitForDeliveries(std::chrono::steady_clock::time_point deadline);

 private:
  class Listener;
  struct Changed {
    std::string action_key;  // followup::TenantKey(tenant, ""): every action of the tenant
    eventlog::Position position;
  };

  Notifier(eventlog::EventLog& log, const runtime::Clock& clock, NotifierOptions options);
  [[nodiscard]] absl::Status Open(prometheus::Registry& registry,
                                  std::shared_ptr<v1::CommandService::StubInterface> commands);
  void RunTimer();
  [[nodiscard]] absl::Status CatchUpWithLog();
  void ProcessChanges(std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  // The stored facts of an action, as `view` reads them, with its recipients resolved and this
  // process's settled follow-ups counted as recorded; nullopt when it is final or unknown.
  [[nodiscard]] std::optional<followup::ActionFollowUp> LoadForPlanning(
      const std::string& action_key, const followup::FollowUpView& view)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  // Plans an action again from what `view` reads (a pass over many actions reads them all
  // through one snapshot); without a view, through a snapshot of its own taken now.
  void Replan(const std::string& action_key, std::chrono::system_clock::time_point now,
              const followup::FollowUpView& view) ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  void Replan(const std::string& action_key, std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  // Plans every tracked action of `tenant` again (its test clock moved).
  void ReplanTenant(const std::string& tenant, std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  // The test clock advance of a sandbox tenant as `view` reads it; 0 for any other tenant.
  [[nodiscard]] std::chrono::microseconds AdvanceOf(const std::string& tenant,
                                                    const followup::FollowUpView& view) const;
  void Fire(const std::string& action_key, std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  void UpdateGauges(std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  void Track(const std::string& action_key, const std::string& tenant,
             std::optional<domain::CivilDate> due_date) ABSL_EXCLUSIVE_LOCKS_REQUIRED(work_mutex_);
  [[nodiscard]] bool WaitApplied(const eventlog::Position& position);

  eventlog::EventLog& log_;
  const runtime::Clock& clock_;
  const NotifierOptions options_;
  std::shared_ptr<TokenSource> tokens_;

  std::unique_ptr<Listener> listener_;
  std::unique_ptr<NotifierMetrics> metrics_;
  std::unique_ptr<followup::FollowUpProjection> projection_;
  std::unique_ptr<projection::ProjectionStore> store_;
  std::unique_ptr<projection::Projector> projector_;
  std::unique_ptr<FollowUpRecorder> recorder_;
  std::unique_ptr<DeliveryQueue> delivery_;

  reviewtrail::Mutex work_mutex_
      ABSL_ACQUIRED_BEFORE(mutex_);  // one pass at a time; guards the planning state below
  std::unique_ptr<TimerQueue> timers_ ABSL_GUARDED_BY(work_mutex_);
  // Follow-ups not to plan again in this process: refused for good, unroutable, or recorded but
  // not yet seen back in the log. Keyed by action key.
  std::map<std::string, std::set<std::string>> settled_ ABSL_GUARDED_BY(work_mutex_);
  struct Retry {
    int attempts = 0;
    std::chrono::system_clock::time_point at;
  };
  // Recordings the command service could not take yet, by action key: not before `at`.
  std::map<std::string, Retry> retries_ ABSL_GUARDED_BY(work_mutex_);
  // The waits between those attempts: record_retry_initial doubling up to record_retry_max, no
  // jitter (the timers of one pass are spread by the actions' own due times).
  delivery::Backoff record_backoff_;
  // For the overdue gauge: each tracked action's tenant and due date, and per tenant the count of
  // actions per due date.
  std::map<std::string, std::pair<std::string, domain::CivilDate>> tracked_
      ABSL_GUARDED_BY(work_mutex_);
  std::map<std::string, std::map<domain::CivilDate, int>> due_dates_ ABSL_GUARDED_BY(work_mutex_);

  mutable reviewtrail::Mutex mutex_;  // guards what the projector thread hands over
  std::vector<Changed> changes_ ABSL_GUARDED_BY(mutex_);
  std::optional<std::chrono::system_clock::time_point> next_wakeup_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  bool woken_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread timer_thread_;
};

}  // namespace reviewtrail::notifier
