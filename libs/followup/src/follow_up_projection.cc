#include "reviewtrail/followup/follow_up_projection.h"

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/followup/stored_records.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::followup {
namespace {

using domain::CivilDate;

std::optional<ActionFollowUp> LoadAction(projection::Changes& changes, const std::string& key) {
  std::optional<std::string> bytes = changes.Get(kActionsTable, key);
  if (!bytes.has_value()) return std::nullopt;
  return DecodeAction(*bytes);
}

}  // namespace

std::vector<std::string> FollowUpProjection::Tables() const {
  return {kActionsTable, kPersonsTable, kOutboxTable, kClocksTable};
}

absl::Status FollowUpProjection::Apply(const eventlog::Position& position,
                                       const v1::EventEnvelope& event,
                                       projection::Changes& changes) {
  const std::string& tenant = event.tenant_id();
  switch (event.payload_case()) {
    case v1::EventEnvelope::kPersonRegistered: {
      const auto& p = event.person_registered();
      changes.Put(
          kPersonsTable, TenantKey(tenant, p.person_id()),
          Encode(StoredPerson{
              .display_name = p.display_name(), .email = p.email(), .manager_id = p.manager_id()}));
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kActionAssigned: {
      const auto& a = event.action_assigned();
      ActionFollowUp action{.tenant_id = tenant,
                            .action_id = a.action_id(),
                            .title = a.title(),
                            .owner_id = a.owner_id(),
                            .due_date = CivilDate::FromProto(a.due_date())};
      changes.Put(kActionsTable, TenantKey(tenant, a.action_id()), Encode(action));
      listener_.ActionChanged(tenant, a.action_id(), position);
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kTestClockAdvanced:
      changes.Put(kClocksTable, tenant, event.test_clock_advanced().SerializeAsString());
      listener_.ClockAdvanced(tenant, position);
      return absl::OkStatus();
    case v1::EventEnvelope::kActionOwnerChanged:
    case v1::EventEnvelope::kActionDeadlineChanged:
    case v1::EventEnvelope::kReminderSent:
    case v1::EventEnvelope::kEscalationRaised:
      break;
    case v1::EventEnvelope::kClosureApproved:
    case v1::EventEnvelope::kActionCancelled: {
      const std::string& id = event.payload_case() == v1::EventEnvelope::kClosureApproved
                                  ? event.closure_approved().action_id()
                                  : event.action_cancelled().action_id();
      changes.Delete(kActionsTable, TenantKey(tenant, id));
      listener_.ActionChanged(tenant, id, position);
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }

  // The events that update a tracked action.
  std::string action_id;
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionOwnerChanged:
      action_id = event.action_owner_changed().action_id();
      break;
    case v1::EventEnvelope::kActionDeadlineChanged:
      action_id = event.action_deadline_changed().action_id();
      break;
    case v1::EventEnvelope::kReminderSent:
      action_id = event.reminder_sent().action_id();
      break;
    default:
      action_id = event.escalation_raised().action_id();
      break;
  }
  const std::string key = TenantKey(tenant, action_id);
  std::optional<ActionFollowUp> action = LoadAction(changes, key);
  if (!action.has_value()) {
    // Not tracked: final already, or assigned before a store that was started mid-log.
    spdlog::debug("notifier: event for untracked action {}/{}", tenant, action_id);
    return absl::OkStatus();
  }
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionOwnerChanged:
      action->owner_id = event.action_owner_changed().new_owner_id();
      break;
    case v1::EventEnvelope::kActionDeadlineChanged:
      action->due_date = CivilDate::FromProto(event.action_deadline_changed().new_due_date());
      break;
    case v1::EventEnvelope::kReminderSent: {
      const auto& r = event.reminder_sent();
      action->recorded.insert(ReminderKey(CivilDate::FromProto(r.due_date()), r.days_before_due()));
      QueueDelivery(position, event, key, changes, 0, r.days_before_due(), r.recipient_id(),
                    r.channel());
      break;
    }
    default: {
      const auto& e = event.escalation_raised();
      action->recorded.insert(
          EscalationKey(CivilDate::FromProto(e.due_date()), e.level(), e.days_overdue()));
      QueueDelivery(position, event, key, changes, e.level(), e.days_overdue(), e.recipient_id(),
                    e.channel());
      break;
    }
  }
  changes.Put(kActionsTable, key, Encode(*action));
  listener_.ActionChanged(tenant, action_id, position);
  return absl::OkStatus();
}

void FollowUpProjection::QueueDelivery(const eventlog::Position& position,
                                       const v1::EventEnvelope& event,
                                       const std::string& action_key, projection::Changes& changes,
                                       int level, int days, const std::string& recipient_id,
                                       v1::NotificationChannel channel) {
  const int64_t recorded_ms =
      google::protobuf::util::TimeUtil::TimestampToMilliseconds(event.recorded_at());
  const auto recorded =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(recorded_ms));
  if (clock_.Now() - recorded > delivery_window_) {
    spdlog::info("notifier: not delivering {} of {}: recorded outside the delivery window",
                 event.command_id(), event.tenant_id());
    return;
  }
  std::optional<ActionFollowUp> action = LoadAction(changes, action_key);
  DeliveryJob job{.tenant_id = event.tenant_id(),
                  .action_id = action->action_id,
                  .title = action->title,
                  .owner_id = action->owner_id,
                  .due_date = level == 0
                                  ? CivilDate::FromProto(event.reminder_sent().due_date())
                                  : CivilDate::FromProto(event.escalation_raised().due_date()),
                  .level = level,
                  .days = days,
                  .recipient_id = recipient_id,
                  .channel = channel,
                  .command_id = event.command_id(),
                  .event_id = event.event_id(),
                  .recorded_at_ms = recorded_ms};
  const std::string outbox_key = TenantKey(
      event.tenant_id(), event.command_id().empty() ? event.event_id() : event.command_id());
  changes.Put(kOutboxTable, outbox_key, Encode(job));
  listener_.DeliveryQueued(outbox_key, position);
}

}  // namespace reviewtrail::followup
