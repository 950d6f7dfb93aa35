// The follow-up projection's rules over MemoryChanges (no database): what it keeps of each action
// that is not final, persons and sandbox clocks, the outbox of reminders and escalations on
// record (not for events outside the delivery window), and what it tells its listener.
#include "reviewtrail/followup/follow_up_projection.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/followup/follow_up_view.h"
#include "reviewtrail/followup/planner.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::followup {
namespace {

using google::protobuf::util::TimeUtil;

constexpr auto kNow = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1};

class RecordingListener final : public FollowUpListener {
 public:
  void ActionChanged(const std::string& tenant_id, const std::string& action_id,
                     const eventlog::Position& position) override {
    changed.push_back(tenant_id + "/" + action_id + "@" + std::to_string(position.offset));
  }
  void DeliveryQueued(const std::string& outbox_key, const eventlog::Position&) override {
    queued.push_back(outbox_key);
  }
  void ClockAdvanced(const std::string& tenant_id, const eventlog::Position&) override {
    clocks.push_back(tenant_id);
  }
  std::vector<std::string> changed;
  std::vector<std::string> queued;
  std::vector<std::string> clocks;
};

class FollowUpProjectionTest : public ::testing::Test {
 protected:
  void Apply(v1::EventEnvelope event) {
    event.set_tenant_id("acme");
    event.set_event_id("ev-" + std::to_string(offset_));
    if (!event.has_recorded_at()) {
      *event.mutable_recorded_at() = TimeUtil::MicrosecondsToTimestamp(
          std::chrono::duration_cast<std::chrono::microseconds>(kNow.time_since_epoch()).count());
    }
    ASSERT_TRUE(projection_.Apply({0, offset_++}, event, changes_).ok());
  }
  static v1::EventEnvelope Assigned(const std::string& action_id, int due_day) {
    v1::EventEnvelope event;
    auto* a = event.mutable_action_assigned();
    a->set_action_id(action_id);
    a->set_title("Patch the VPN");
    a->set_owner_id("olga");
    a->mutable_due_date()->set_year(2026);
    a->mutable_due_date()->set_month(12);
    a->mutable_due_date()->set_day(due_day);
    return event;
  }
  static v1::EventEnvelope Reminder(const std::string& action_id, const std::string& command_id) {
    v1::EventEnvelope event;
    event.set_command_id(command_id);
    auto* r = event.mutable_reminder_sent();
    r->set_action_id(action_id);
    r->set_recipient_id("olga");
    r->set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    r->set_days_before_due(7);
    r->mutable_due_date()->set_year(2026);
    r->mutable_due_date()->set_month(12);
    r->mutable_due_date()->set_day(15);
    return event;
  }
  std::optional<ActionFollowUp> Action(const std::string& id) {
    projection::MemoryReadView read(changes_);
    return FollowUpView(read).Action(TenantKey("acme", id));
  }

  runtime::FakeClock clock_{kNow};
  RecordingListener listener_;
  FollowUpProjection projection_{listener_, clock_, std::chrono::hours(24)};
  projection::MemoryChanges changes_;
  int64_t offset_ = 0;
};

TEST_F(FollowUpProjectionTest, AnAssignedActionIsFollowedUntilItIsFinal) {
  Apply(Assigned("act-1", 15));
  const std::optional<ActionFollowUp> action = Action("act-1");
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ(action->title, "Patch the VPN");
  EXPECT_EQ(action->owner_id, "olga");
  EXPECT_EQ(action->due_date, (domain::CivilDate{2026, 12, 15}));
  v1::EventEnvelope approved;
  approved.mutable_closure_approved()->set_action_id("act-1");
  Apply(approved);
  EXPECT_FALSE(Action("act-1").has_value());
  Apply(Assigned("act-2", 15));
  v1::EventEnvelope cancelled;
  cancelled.mutable_action_cancelled()->set_action_id("act-2");
  Apply(cancelled);
  EXPECT_FALSE(Action("act-2").has_value());
  EXPECT_EQ(listener_.changed, (std::vector<std::string>{"acme/act-1@0", "acme/act-1@1",
                                                         "acme/act-2@2", "acme/act-2@3"}));
}

TEST_F(FollowUpProjectionTest, OwnerAndDeadlineChangesUpdateTheFollowedAction) {
  Apply(Assigned("act-1", 15));
  v1::EventEnvelope owner;
  owner.mutable_action_owner_changed()->set_action_id("act-1");
  owner.mutable_action_owner_changed()->set_new_owner_id("mark");
  Apply(owner);
  v1::EventEnvelope deadline;
  deadline.mutable_action_deadline_changed()->set_action_id("act-1");
  deadline.mutable_action_deadline_changed()->mutable_new_due_date()->set_year(2027);
  deadline.mutable_action_deadline_changed()->mutable_new_due_date()->set_month(1);
  deadline.mutable_action_deadline_changed()->mutable_new_due_date()->set_day(10);
  Apply(deadline);
  EXPECT_EQ(Action("act-1")->owner_id, "mark");
  EXPECT_EQ(Action("act-1")->due_date, (domain::CivilDate{2027, 1, 10}));
  EXPECT_EQ(listener_.changed.size(), 3u);
}

TEST_F(FollowUpProjectionTest, AReminderOnRecordIsRememberedAndQueuedInTheOutbox) {
  Apply(Assigned("act-1", 15));
  Apply(Reminder("act-1", "fu:r7:act-1"));
  EXPECT_EQ(Action("act-1")->recorded, (std::set<std::string>{ReminderKey({2026, 12, 15}, 7)}));
  const std::string key = TenantKey("acme", "fu:r7:act-1");
  EXPECT_EQ(listener_.queued, std::vector<std::string>{key});
  projection::MemoryReadView read(changes_);
  const std::optional<DeliveryJob> job = **FollowUpView(read).Job(key);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->action_id, "act-1");
  EXPECT_EQ(job->title, "Patch the VPN");
  EXPECT_EQ(job->level, 0);
  EXPECT_EQ(job->days, 7);
  EXPECT_EQ(job->recipient_id, "olga");
  EXPECT_EQ(job->channel, v1::NOTIFICATION_CHANNEL_EMAIL);
  EXPECT_EQ(job->event_id, "ev-1");
}

TEST_F(FollowUpProjectionTest, AnEscalationOnRecordIsQueuedWithItsLevel) {
  Apply(Assigned("act-1", 15));
  v1::EventEnvelope raised;
  raised.set_command_id("fu:e2:act-1");
  auto* e = raised.mutable_escalation_raised();
  e->set_action_id("act-1");
  e->set_level(2);
  e->set_days_overdue(3);
  e->set_recipient_id("mark");
  e->mutable_due_date()->set_year(2026);
  e->mutable_due_date()->set_month(12);
  e->mutable_due_date()->set_day(15);
  Apply(raised);
  EXPECT_EQ(Action("act-1")->recorded,
            (std::set<std::string>{EscalationKey({2026, 12, 15}, 2, 3)}));
  projection::MemoryReadView read(changes_);
  const std::optional<DeliveryJob> job = **FollowUpView(read).Job(TenantKey("acme", "fu:e2:act-1"));
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->level, 2);
  EXPECT_EQ(job->days, 3);
  EXPECT_EQ(job->recipient_id, "mark");
}

TEST_F(FollowUpProjectionTest, AFollowUpRecordedOutsideTheDeliveryWindowIsNotDeliveredAgain) {
  Apply(Assigned("act-1", 15));
  v1::EventEnvelope old = Reminder("act-1", "fu:r7:act-1");
  *old.mutable_recorded_at() =
      TimeUtil::MicrosecondsToTimestamp(std::chrono::duration_cast<std::chrono::microseconds>(
                                            (kNow - std::chrono::hours(25)).time_since_epoch())
                                            .count());
  Apply(old);
  EXPECT_TRUE(listener_.queued.empty());
  EXPECT_TRUE(changes_.table(kOutboxTable).empty());
  // Still on record: it is not planned again.
  EXPECT_EQ(Action("act-1")->recorded.size(), 1u);
}

TEST_F(FollowUpProjectionTest, EventsOfAnUntrackedActionChangeNothing) {
  Apply(Reminder("act-9", "fu:r7:act-9"));
  EXPECT_TRUE(changes_.table(kActionsTable).empty());
  EXPECT_TRUE(changes_.table(kOutboxTable).empty());
  EXPECT_TRUE(listener_.changed.empty());
}

TEST_F(FollowUpProjectionTest, PersonsAndSandboxClocksAreKept) {
  v1::EventEnvelope person;
  auto* p = person.mutable_person_registered();
  p->set_person_id("olga");
  p->set_display_name("Olga");
  p->set_email("olga@acme.example");
  p->set_manager_id("mark");
  Apply(person);
  v1::EventEnvelope advanced;
  advanced.mutable_test_clock_advanced()->mutable_advanced_by()->set_seconds(86400);
  advanced.mutable_test_clock_advanced()->mutable_total_advance()->set_seconds(2 * 86400);
  Apply(advanced);
  projection::MemoryReadView read(changes_);
  const FollowUpView view(read);
  ASSERT_TRUE(view.Person("acme", "olga").has_value());
  EXPECT_EQ(view.Person("acme", "olga")->manager_id, "mark");
  EXPECT_EQ(view.Person("acme", "olga")->email, "olga@acme.example");
  EXPECT_EQ(view.ClockAdvance("acme"), 2LL * 86400 * 1000000);
  EXPECT_EQ(view.ClockAdvance("globex"), 0);
  EXPECT_EQ(listener_.clocks, std::vector<std::string>{"acme"});
}

}  // namespace
}  // namespace reviewtrail::followup
