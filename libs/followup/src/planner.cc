#include "reviewtrail/followup/planner.h"

#include <algorithm>

#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/followup/command_id.h"

namespace reviewtrail::followup {
namespace {

using Time = std::chrono::system_clock::time_point;

void ConsiderNext(std::optional<Time>& next, Time candidate) {
  if (!next.has_value() || candidate < *next) next = candidate;
}

Notification Reminder(const ActionFollowUp& action, const Policy& policy,
                      const absl::TimeZone& zone, int days_before) {
  const domain::CivilDate day = action.due_date.AddDays(-days_before);
  return Notification{
      .kind = Kind::kReminder,
      .level = 0,
      .days = days_before,
      .occurrence = 0,
      .due_date = action.due_date,
      .due_at = LocalTime(day, policy.send_at, zone),
      .recipient_id = action.owner_id,
      .command_id = ReminderCommandId(action.action_id, action.due_date, days_before),
      .key = ReminderKey(action.due_date, days_before)};
}

Notification Escalation(const ActionFollowUp& action, const Policy& policy,
                        const absl::TimeZone& zone, int level, int days, int occurrence) {
  const domain::CivilDate day = action.due_date.AddDays(days);
  const std::string& first = level == 1 ? action.manager_id : action.escalation_contact_id;
  const std::string& fallback = level == 1 ? action.escalation_contact_id : action.manager_id;
  return Notification{
      .kind = Kind::kEscalation,
      .level = level,
      .days = days,
      .occurrence = occurrence,
      .due_date = action.due_date,
      .due_at = LocalTime(day, policy.send_at, zone),
      .recipient_id = first.empty() ? fallback : first,
      .command_id = EscalationCommandId(action.action_id, level, action.due_date, occurrence),
      .key = EscalationKey(action.due_date, level, days)};
}

// Of one group: the latest notification due at `now` goes to `plan.due` unless recorded; the first
// one after `now` is a candidate for `plan.next_at`.
void PlanGroup(const ActionFollowUp& action, std::vector<Notification> group, Time now,
               Plan& plan) {
  std::sort(group.begin(), group.end(),
            [](const Notification& a, const Notification& b) { return a.due_at < b.due_at; });
  const Notification* latest_due = nullptr;
  for (const Notification& notification : group) {
    if (notification.due_at <= now) {
      latest_due = &notification;
    } else if (!action.recorded.contains(notification.key)) {
      ConsiderNext(plan.next_at, notification.due_at);
      break;
    }
  }
  if (latest_due != nullptr && !action.recorded.contains(latest_due->key)) {
    plan.due.push_back(*latest_due);
  }
}

}  // namespace

domain::CivilDate DayOf(Time time, const absl::TimeZone& zone) {
  return domain::TenantDay(
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count(), zone,
      0);
}

Time LocalTime(const domain::CivilDate& day, std::chrono::minutes time_of_day,
               const absl::TimeZone& zone) {
  return Time(
      std::chrono::microseconds(domain::LocalInstant(day, absl::FromChrono(time_of_day), zone)));
}

std::string ReminderKey(const domain::CivilDate& due_date, int days_before_due) {
  return "r:" + due_date.ToString() + ":" + std::to_string(days_before_due);
}

bool IsOverdue(const domain::CivilDate& due_date, const domain::CivilDate& today) {
  // Any status that is not final stands for a followed action.
  return domain::IsOverdue(v1::ACTION_STATUS_OPEN, due_date, today);
}

std::string EscalationKey(const domain::CivilDate& due_date, int level, int days_overdue) {
  return "e:" + due_date.ToString() + ":" + std::to_string(level) + ":" +
         std::to_string(days_overdue);
}

Plan PlanAt(const Policy& policy, const ActionFollowUp& action, Time now,
            const absl::TimeZone& zone) {
  Plan plan;
  const bool overdue = DayOf(now, zone) > action.due_date;

  if (!overdue) {
    std::vector<Notification> reminders;
    for (int days : policy.reminder_days_before) {
      if (days >= 0) reminders.push_back(Reminder(action, policy, zone, days));
    }
    PlanGroup(action, std::move(reminders), now, plan);
  }

  if (policy.level1_days_overdue >= 1) {
    PlanGroup(action, {Escalation(action, policy, zone, 1, policy.level1_days_overdue, 0)}, now,
              plan);
  }

  if (policy.level2_days_overdue >= 1) {
    // Level 2 repeats without end: only the occurrence due now and the next one matter.
    const Notification first = Escalation(action, policy, zone, 2, policy.level2_days_overdue, 0);
    std::vector<Notification> level2 = {first};
    if (policy.repeat_every_days > 0 && now >= first.due_at) {
      // Counted in the tenant's calendar days (a daylight-saving day is 23 or 25 hours long); the
      // occurrence before is a candidate too, in case today's has not reached send_at yet.
      const int64_t days_since_first =
          DayOf(now, zone).DaysSinceEpoch() -
          action.due_date.AddDays(policy.level2_days_overdue).DaysSinceEpoch();
      const auto current = static_cast<int>(days_since_first / policy.repeat_every_days);
      level2.clear();
      for (int occurrence : {current - 1, current, current + 1}) {
        if (occurrence < 0) continue;
        level2.push_back(Escalation(
            action, policy, zone, 2,
            policy.level2_days_overdue + occurrence * policy.repeat_every_days, occurrence));
      }
    }
    PlanGroup(action, std::move(level2), now, plan);
  }

  std::sort(plan.due.begin(), plan.due.end(),
            [](const Notification& a, const Notification& b) { return a.due_at < b.due_at; });
  return plan;
}

Plan PlanAt(const Policy& policy, const ActionFollowUp& action, Time now,
            const absl::TimeZone& zone, std::chrono::microseconds advance) {
  using std::chrono::microseconds;
  const auto shift = std::chrono::duration_cast<Time::duration>(advance);
  // Planned on the tenant's clock, handed back on the real one.
  const microseconds tenant_now(domain::TenantNow(
      std::chrono::duration_cast<microseconds>(now.time_since_epoch()).count(), advance.count()));
  Plan plan =
      PlanAt(policy, action, Time(std::chrono::duration_cast<Time::duration>(tenant_now)), zone);
  for (Notification& notification : plan.due) notification.due_at -= shift;
  if (plan.next_at.has_value()) *plan.next_at -= shift;
  return plan;
}

}  // namespace reviewtrail::followup
