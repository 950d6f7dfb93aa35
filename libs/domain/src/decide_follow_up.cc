// Deciders of the follow-up history: reminders and escalations, recorded by the notifier.
#include "action_checks.h"
#include "decide_support.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/limits.h"
#include "validation.h"

namespace reviewtrail::domain {
namespace {

void RequireChannel(Violations& violations, v1::NotificationChannel channel) {
  if (channel == v1::NOTIFICATION_CHANNEL_UNSPECIFIED ||
      !v1::NotificationChannel_IsValid(channel)) {
    violations.Add("channel", "is required: LOG, WEBHOOK or EMAIL");
  }
}

std::optional<DomainError> RequireRecipient(const StateView& state, const std::string& id) {
  if (state.FindPerson(id) != nullptr) return std::nullopt;
  return Precondition("RECIPIENT_NOT_PERSON", PersonName(id), "UNKNOWN",
                      "recipient '" + id + "' is not a registered person");
}

}  // namespace

Result<Decision> Decide(const StateView& state, const v1::RecordReminderRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_SERVICE}, "recording a reminder")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireId("recipient_id", command.recipient_id());
  RequireChannel(violations, command.channel());
  if (command.days_before_due() < 0) violations.Add("days_before_due", "must not be negative");
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto final_state = RequireNotFinal(current, "send a reminder for")) return *final_state;
  if (auto bad = RequireRecipient(state, command.recipient_id())) return *bad;

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* reminder = builder.AddEvent().mutable_reminder_sent();
  reminder->set_action_id(current.id);
  reminder->set_recipient_id(command.recipient_id());
  reminder->set_channel(command.channel());
  *reminder->mutable_due_date() = current.due_date.ToProto();
  reminder->set_days_before_due(command.days_before_due());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::RecordEscalationRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_SERVICE}, "recording an escalation")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireId("recipient_id", command.recipient_id());
  RequireChannel(violations, command.channel());
  if (command.level() < 1 || command.level() > kMaxEscalationLevel) {
    violations.Add("level", "must be between 1 and " + std::to_string(kMaxEscalationLevel));
  }
  if (command.days_overdue() < 1) violations.Add("days_overdue", "must be at least 1");
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto final_state = RequireNotFinal(current, "escalate")) return *final_state;
  if (DaysBetween(current.due_date, context.today) < 1) {
    return Precondition("NOT_OVERDUE", ActionName(current.id), StatusName(current.status),
                        "the action is due on " + current.due_date.ToString() +
                            " and is not overdue today (" + context.today.ToString() + ")");
  }
  if (auto bad = RequireRecipient(state, command.recipient_id())) return *bad;

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* escalation = builder.AddEvent().mutable_escalation_raised();
  escalation->set_action_id(current.id);
  escalation->set_level(command.level());
  escalation->set_recipient_id(command.recipient_id());
  escalation->set_channel(command.channel());
  *escalation->mutable_due_date() = current.due_date.ToProto();
  escalation->set_days_overdue(command.days_overdue());
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
