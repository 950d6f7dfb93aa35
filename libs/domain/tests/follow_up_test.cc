#include "domain_fixture.h"

namespace reviewtrail::domain::testing {
namespace {

class FollowUpTest : public DomainTest {
 protected:
  v1::RecordReminderRequest Reminder(const std::string& id, const std::string& command_id) {
    v1::RecordReminderRequest reminder;
    reminder.set_command_id(command_id);
    reminder.set_action_id(id);
    reminder.set_recipient_id("olga");
    reminder.set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    reminder.set_days_before_due(7);
    return reminder;
  }
  v1::RecordEscalationRequest Escalation(const std::string& id, const std::string& command_id) {
    v1::RecordEscalationRequest escalation;
    escalation.set_command_id(command_id);
    escalation.set_action_id(id);
    escalation.set_level(1);
    escalation.set_recipient_id("mia");
    escalation.set_channel(v1::NOTIFICATION_CHANNEL_WEBHOOK);
    escalation.set_days_overdue(1);
    return escalation;
  }
  // The day after the action from AssignAction() falls due.
  CommandContext ServiceAfterDue() {
    return ContextFor("notifier", {v1::ROLE_SERVICE}, kToday.AddDays(31));
  }
};

TEST_F(FollowUpTest, ReminderIsRecordedWithTheDueDate) {
  const std::string id = AssignAction();
  const Decision decision = Accept(Reminder(id, "rm1"), service_);
  EXPECT_EQ(CivilDate::FromProto(decision.events[0].reminder_sent().due_date()),
            kToday.AddDays(30));
  EXPECT_EQ(Action(id).reminders_sent, 1);
}

TEST_F(FollowUpTest, OnlyTheServiceRecordsFollowUps) {
  const std::string id = AssignAction();
  EXPECT_THAT(Run(Reminder(id, "rm1"), manager_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
  EXPECT_THAT(Run(Escalation(id, "es1"), manager_),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

TEST_F(FollowUpTest, EscalationNeedsAnOverdueAction) {
  const std::string id = AssignAction();
  const auto early = Run(Escalation(id, "es1"), service_);
  EXPECT_THAT(early, IsError(ErrorCode::kFailedPrecondition, "NOT_OVERDUE"));
  const Decision decision = Accept(Escalation(id, "es2"), ServiceAfterDue());
  EXPECT_EQ(decision.events[0].escalation_raised().level(), 1);
  EXPECT_EQ(Action(id).highest_escalation, 1);
}

TEST_F(FollowUpTest, NoFollowUpOnFinalActions) {
  const std::string id = AssignAction();
  v1::CancelActionRequest cancel;
  cancel.set_command_id("c1");
  cancel.set_action_id(id);
  cancel.set_reason("Dropped");
  Accept(cancel, manager_);
  EXPECT_THAT(Run(Reminder(id, "rm1"), service_),
              IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
  EXPECT_THAT(Run(Escalation(id, "es1"), ServiceAfterDue()),
              IsError(ErrorCode::kFailedPrecondition, "ACTION_FINAL"));
}

TEST_F(FollowUpTest, ValidatesLevelChannelAndRecipient) {
  const std::string id = AssignAction();
  auto escalation = Escalation(id, "es1");
  escalation.set_level(0);
  escalation.set_channel(v1::NOTIFICATION_CHANNEL_UNSPECIFIED);
  escalation.set_recipient_id("");
  const auto result = Run(escalation, ServiceAfterDue());
  EXPECT_THAT(result, HasViolation("level"));
  EXPECT_THAT(result, HasViolation("channel"));
  EXPECT_THAT(result, HasViolation("recipient_id"));
  auto reminder = Reminder(id, "rm1");
  reminder.set_recipient_id("nobody");
  EXPECT_THAT(Run(reminder, service_),
              IsError(ErrorCode::kFailedPrecondition, "RECIPIENT_NOT_PERSON"));
}

}  // namespace
}  // namespace reviewtrail::domain::testing
