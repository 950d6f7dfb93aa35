#pragma once

#include <set>
#include <string>

#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::followup {

// The follow-up facts of one non-final action, as the notifier folds them from the log: who owns
// it, when it is due, who escalations go to, and which reminders and escalations are already on
// record. A plain value.
struct ActionFollowUp {
  std::string tenant_id;
  std::string action_id;
  std::string title;
  std::string owner_id;
  std::string manager_id;             // the owner's manager; empty: none
  std::string escalation_contact_id;  // the tenant's ISMS owner / contact; empty: none
  domain::CivilDate due_date;
  std::set<std::string> recorded;  // RecordedKey()s of the follow-up history
};

// Overdue on the tenant's `today` (domain::IsOverdue): follow-up facts are kept for actions that
// are not final only (the store forgets an action once closed or cancelled), so the due date
// decides; never for an invalid due date.
[[nodiscard]] bool IsOverdue(const domain::CivilDate& due_date, const domain::CivilDate& today);

// The key under which a recorded reminder / escalation is remembered: the due date it was about
// and its days before due (reminder) or level and days overdue (escalation).
[[nodiscard]] std::string ReminderKey(const domain::CivilDate& due_date, int days_before_due);
[[nodiscard]] std::string EscalationKey(const domain::CivilDate& due_date, int level,
                                        int days_overdue);

}  // namespace reviewtrail::followup
