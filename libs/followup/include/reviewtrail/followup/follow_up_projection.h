#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "reviewtrail/projection/projection.h"
#include "reviewtrail/runtime/clock.h"

namespace reviewtrail::followup {

// Told what a projected event changed. Called on the projector's thread, before the batch is
// committed: a listener must wait for the position (Projector::WaitFor) before reading the store.
class FollowUpListener {
 public:
  virtual ~FollowUpListener() = default;
  // The follow-up facts of `action_id` changed (assigned, re-planned, followed up, or final).
  virtual void ActionChanged(const std::string& tenant_id, const std::string& action_id,
                             const eventlog::Position& position) = 0;
  // A delivery job was queued in the outbox under `outbox_key`.
  virtual void DeliveryQueued(const std::string& outbox_key,
                              const eventlog::Position& position) = 0;
  // A sandbox tenant's test clock moved: every action of the tenant is to be planned again.
  virtual void ClockAdvanced(const std::string& tenant_id, const eventlog::Position& position) = 0;
};

// The notifier's read model: every non-final action's owner, title, due date and follow-up
// history; every person's manager and e-mail; each sandbox tenant's test clock; and the outbox of
// recorded reminders/escalations still to deliver. A reminder or escalation enters the outbox in
// the same batch as the position of its event, so it is delivered after it is on record and
// survives any crash; events recorded longer than `delivery_window` ago (a rebuild from an old log)
// are not delivered again.
//
// Stateless between calls (all state is in Changes); `clock` only decides that window.
class FollowUpProjection final : public projection::Projection {
 public:
  FollowUpProjection(FollowUpListener& listener, const runtime::Clock& clock,
                     std::chrono::seconds delivery_window)
      : listener_(listener), clock_(clock), delivery_window_(delivery_window) {}

  [[nodiscard]] std::vector<std::string> Tables() const override;
  [[nodiscard]] absl::Status Apply(const eventlog::Position& position,
                                   const v1::EventEnvelope& event,
                                   projection::Changes& changes) override;

 private:
  void QueueDelivery(const eventlog::Position& position, const v1::EventEnvelope& event,
                     const std::string& action_key, projection::Changes& changes, int level,
                     int days, const std::string& recipient_id, v1::NotificationChannel channel);

  FollowUpListener& listener_;
  const runtime::Clock& clock_;
  std::chrono::seconds delivery_window_;
};

}  // namespace reviewtrail::followup
