#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/request_builders.h"

namespace reviewtrail::cli {
namespace {

constexpr char kServiceRoleNote[] =
    " Recorded by the notifier (service role) after it has sent the notification, so the "
    "follow-up of overdue actions is part of the audit trail.";

template <typename Request>
void AddRecipientAndChannel(CLI::App& app, Request* request, const std::string& who) {
  app.add_option("--recipient", *request->mutable_recipient_id(), who)
      ->type_name("PERSON_ID")
      ->required();
  AddParsedFlag(
      app, "--channel", ParseNotificationChannel,
      [request](v1::NotificationChannel channel) { request->set_channel(channel); },
      "How the notification was sent: log, webhook or email.")
      ->type_name(NotificationChannelChoices())
      ->required();
}

}  // namespace

void AddFollowUpCommands(CLI::App& app, CommandRegistry& registry) {
  CLI::App* reminder_area =
      app.add_subcommand("reminder", "Reminders sent to an action's owner before the due date.");
  reminder_area->require_subcommand(1);
  auto reminder = registry.Add<v1::RecordReminderRequest>(
      *reminder_area, "record",
      std::string("Record that a reminder about an action was sent.") + kServiceRoleNote,
      "Recorded reminder for action", &CommandStub::RecordReminder);
  reminder.app
      ->add_option("--action", *reminder.request->mutable_action_id(), "The action (act-...).")
      ->type_name("ACTION_ID")
      ->required();
  AddRecipientAndChannel(*reminder.app, reminder.request,
                         "The person reminded, usually the action's owner.");
  reminder.app
      ->add_option_function<int32_t>(
          "--days-before-due",
          [request = reminder.request](int32_t days) { request->set_days_before_due(days); },
          "How many days before the due date the reminder went out (0 = on the due date).")
      ->type_name("DAYS")
      ->check(CLI::NonNegativeNumber.description(""))
      ->required();

  CLI::App* escalation_area = app.add_subcommand(
      "escalation", "Escalations of overdue actions, level by level up the management chain.");
  escalation_area->require_subcommand(1);
  auto escalation = registry.Add<v1::RecordEscalationRequest>(
      *escalation_area, "record",
      std::string("Record that an overdue action was escalated.") + kServiceRoleNote,
      "Recorded escalation of action", &CommandStub::RecordEscalation);
  escalation.app
      ->add_option("--action", *escalation.request->mutable_action_id(), "The action (act-...).")
      ->type_name("ACTION_ID")
      ->required();
  escalation.app
      ->add_option_function<int32_t>(
          "--level", [request = escalation.request](int32_t level) { request->set_level(level); },
          "How far up it went: 1 = the owner's manager, 2 = the next level, ... up to 9.")
      ->type_name("1-9")
      ->check(CLI::Range(1, 9).description(""))
      ->required();
  AddRecipientAndChannel(*escalation.app, escalation.request,
                         "The person the escalation went to, e.g. the owner's manager.");
  escalation.app
      ->add_option_function<int32_t>(
          "--days-overdue",
          [request = escalation.request](int32_t days) { request->set_days_overdue(days); },
          "How many days past the due date the action was when escalated (at least 1).")
      ->type_name("DAYS")
      ->check(CLI::PositiveNumber.description(""))
      ->required();
}

}  // namespace reviewtrail::cli
