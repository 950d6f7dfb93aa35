#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "reviewtrail/followup/follow_up_state.h"
#include "reviewtrail/followup/policy.h"

namespace reviewtrail::followup {

enum class Kind { kReminder, kEscalation };

// One reminder or escalation an action's plan calls for. A plain value.
struct Notification {
  Kind kind = Kind::kReminder;
  int level = 0;       // 0 for a reminder; 1 or 2 for an escalation
  int days = 0;        // days before due (reminder) or days overdue (escalation), as planned
  int occurrence = 0;  // 0, then 1, 2, ... for the repeats of level 2
  domain::CivilDate due_date;
  std::chrono::system_clock::time_point due_at;
  std::string recipient_id;  // empty: nobody to send it to (no manager and no contact)
  std::string command_id;    // deterministic: the same notification always has the same id
  std::string key;           // its RecordedKey
};

// The plan of `action` under `policy`, evaluated at `now`, for a tenant in time zone `zone` (its
// days and `policy.send_at` are local, daylight saving included):
// - due: the notifications to record now, in due order. Of each group (reminders, level 1,
//   level 2) only the latest one due is considered, and only when it is not on record yet; an
//   earlier one of the same group is superseded (after a downtime nobody gets a stale reminder).
//   Reminders stop being due once the action is overdue.
// - next_at: when the next notification after `now` falls due (nullopt: none ever).
// Deterministic and pure.
struct Plan {
  std::vector<Notification> due;
  std::optional<std::chrono::system_clock::time_point> next_at;
};
[[nodiscard]] Plan PlanAt(const Policy& policy, const ActionFollowUp& action,
                          std::chrono::system_clock::time_point now,
                          const absl::TimeZone& zone = absl::UTCTimeZone());

// The plan of a sandbox tenant's action whose test clock runs `advance` ahead of the real one: the
// plan at the tenant's now (domain::TenantNow(now, advance)), with every instant in it (due_at,
// next_at) on the real clock, so that timers set from it fire when the tenant's clock shows them.
[[nodiscard]] Plan PlanAt(const Policy& policy, const ActionFollowUp& action,
                          std::chrono::system_clock::time_point now, const absl::TimeZone& zone,
                          std::chrono::microseconds advance);

// The calendar day of `time` in `zone` (domain::TenantDay).
[[nodiscard]] domain::CivilDate DayOf(std::chrono::system_clock::time_point time,
                                      const absl::TimeZone& zone = absl::UTCTimeZone());
// The instant the local clock of `zone` shows `time_of_day` on `day` (domain::LocalInstant).
[[nodiscard]] std::chrono::system_clock::time_point LocalTime(
    const domain::CivilDate& day, std::chrono::minutes time_of_day,
    const absl::TimeZone& zone = absl::UTCTimeZone());

}  // namespace reviewtrail::followup
