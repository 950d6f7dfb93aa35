#include "reviewtrail/followup/command_id.h"

#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/domain/limits.h"

namespace reviewtrail::followup {
namespace {

std::string Bounded(const std::string& text) {
  if (text.size() <= domain::kMaxCommandIdLength) return text;
  return "fu:" + digest::Sha256Hex(text);
}

}  // namespace

std::string ReminderCommandId(const std::string& action_id, const domain::CivilDate& due_date,
                              int days_before_due) {
  return Bounded("fu:r" + std::to_string(days_before_due) + ":" + due_date.ToString() + ":" +
                 action_id);
}

std::string EscalationCommandId(const std::string& action_id, int level,
                                const domain::CivilDate& due_date, int occurrence) {
  return Bounded("fu:e" + std::to_string(level) + "." + std::to_string(occurrence) + ":" +
                 due_date.ToString() + ":" + action_id);
}

}  // namespace reviewtrail::followup
