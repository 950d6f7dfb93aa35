#pragma once

#include <string>

#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::followup {

// The command ids of reminders and escalations: a function of (action, kind and level, due date,
// occurrence) only, so a restart, a replay or a second notifier replica sends the same id and the
// command service records it at most once. Readable ("fu:r7:2026-12-01:act-7",
// "fu:e2.1:2026-12-01:act-7") when that fits the 128-character limit of command ids, otherwise
// "fu:" + the SHA-256 (hex) of that text.
[[nodiscard]] std::string ReminderCommandId(const std::string& action_id,
                                            const domain::CivilDate& due_date, int days_before_due);
[[nodiscard]] std::string EscalationCommandId(const std::string& action_id, int level,
                                              const domain::CivilDate& due_date, int occurrence);

}  // namespace reviewtrail::followup
