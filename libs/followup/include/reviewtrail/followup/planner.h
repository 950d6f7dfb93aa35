#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

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

// The plan of `action` under `policy`, evaluated at `now`, for a tenant whose calendar runs
// `utc_offset` ahead of UTC (its days and `policy.send_at` are local):
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
                          std::chrono::minutes utc_offset = std::chrono::minutes(0));

// The plan of a sandbox tenant's action whose test clock runs `advance` ahead of the real one: the
// plan at the tenant's now (domain::TenantNow(now, advance)), with every instant in it (due_at,
// next_at) on the real clock, so that timers set from it fire when the tenant's clock shows them.
[[nodiscard]] Plan PlanAt(const Policy& policy, const ActionFollowUp& action,
                          std::chrono::system_clock::time_point now,
                          std::chrono::minutes utc_offset, std::chrono::microseconds advance);

// The calendar day of `time` at `utc_offset` from UTC.
[[nodiscard]] domain::CivilDate DayOf(std::chrono::system_clock::time_point time,
                                      std::chrono::minutes utc_offset = std::chrono::minutes(0));
// The instant local midnight starts `day` at `utc_offset` from UTC.
[[nodiscard]] std::chrono::system_clock::time_point StartOf(
    const domain::CivilDate& day, std::chrono::minutes utc_offset = std::chrono::minutes(0));

}  // namespace reviewtrail::followup
