#include "message_composer.h"

#include <nlohmann/json.hpp>

namespace reviewtrail::notifier {
namespace {

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string Named(const std::string& id, const std::optional<followup::StoredPerson>& person) {
  if (!person.has_value() || person->display_name.empty()) return id;
  return person->display_name + " (" + id + ")";
}

}  // namespace

Message ComposeMessage(const followup::DeliveryJob& job, const TenantSettings& settings,
                       const std::optional<followup::StoredPerson>& owner,
                       const std::optional<followup::StoredPerson>& recipient) {
  std::string link = settings.link_template;
  ReplaceAll(link, "{tenant_id}", job.tenant_id);
  ReplaceAll(link, "{action_id}", job.action_id);
  const std::string due = job.due_date.ToString();
  const bool reminder = job.level == 0;

  Message message;
  message.tenant_id = job.tenant_id;
  message.command_id = job.command_id;
  message.recipient_id = job.recipient_id;
  message.recipient_name = recipient.has_value() ? recipient->display_name : "";
  auto email = settings.recipient_emails.find(job.recipient_id);
  message.recipient_email = email != settings.recipient_emails.end() ? email->second
                            : recipient.has_value()                  ? recipient->email
                                                                     : "";
  message.subject = reminder ? "[ReviewTrail] Reminder: \"" + job.title + "\" is due on " + due
                             : "[ReviewTrail] Escalation level " + std::to_string(job.level) +
                                   ": \"" + job.title + "\" is " + std::to_string(job.days) +
                                   (job.days == 1 ? " day overdue" : " days overdue");
  std::string text;
  text += reminder ? "This is a reminder about an action from a management review.\n\n"
                   : "An action from a management review is overdue and is escalated to you "
                     "(level " +
                         std::to_string(job.level) + ").\n\n";
  text += "Action:       " + job.title + " (" + job.action_id + ")\n";
  text += "Owner:        " + Named(job.owner_id, owner) + "\n";
  text += "Due date:     " + due + "\n";
  text += reminder ? "Days to due:  " + std::to_string(job.days) + "\n"
                   : "Days overdue: " + std::to_string(job.days) + "\n";
  text += "Link:         " + link + "\n\n";
  text += "This notice is on record in the action's follow-up history (" + job.command_id + ").\n";
  message.text = std::move(text);

  nlohmann::json body = {{"type", reminder ? "reminder" : "escalation"},
                         {"command_id", job.command_id},
                         {"event_id", job.event_id},
                         {"tenant_id", job.tenant_id},
                         {"action_id", job.action_id},
                         {"title", job.title},
                         {"owner_id", job.owner_id},
                         {"recipient_id", job.recipient_id},
                         {"due_date", due},
                         {"link", link}};
  if (reminder) {
    body["days_before_due"] = job.days;
  } else {
    body["level"] = job.level;
    body["days_overdue"] = job.days;
  }
  message.json = body.dump();
  return message;
}

}  // namespace reviewtrail::notifier
