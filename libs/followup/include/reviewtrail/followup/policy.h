#pragma once

#include <chrono>
#include <vector>

namespace reviewtrail::followup {

// When an action's owner is reminded and when a late action is escalated. A plain value, read
// from configuration per tenant. Days count the tenant's calendar days relative to the due date;
// every notification of a day becomes due at `send_at` after that day's local midnight (the
// tenant's time zone is given to the planner beside the policy).
struct Policy {
  std::vector<int> reminder_days_before = {7, 1};  // reminders to the owner, days before due
  int level1_days_overdue = 1;                     // escalation to the owner's manager
  int level2_days_overdue = 7;                     // escalation to the escalation contact
  int repeat_every_days = 7;  // level 2 repeats this often while overdue; 0: never repeats
  std::chrono::minutes send_at{9 * 60};
};

}  // namespace reviewtrail::followup
