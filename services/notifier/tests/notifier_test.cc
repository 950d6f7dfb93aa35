#include <prometheus/text_serializer.h>

#include <algorithm>
#include <set>

#include "notifier_fixture.h"

namespace reviewtrail::notifier::testing {
namespace {

using Strings = std::vector<std::string>;

class NotifierTimelineTest : public NotifierTest {
 protected:
  void RunTo(
      std::chrono::system_clock::time_point end, const std::function<void()>& before_each = [] {}) {
    for (int guard = 0; guard < 100; ++guard) {
      std::optional<std::chrono::system_clock::time_point> next = notifier().NextWakeUp();
      if (!next.has_value() || *next > end) return;
      before_each();
      Step(*next);
    }
    FAIL() << "more than 100 wake-ups";
  }
};

TEST_F(NotifierTimelineTest, WeeksOfSimulatedTimeGiveExactlyThePlannedFollowUpsInOrder) {
  const std::string action = Assign("assign-a", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 11, 23, 10));
  ASSERT_TRUE(notifier().NextWakeUp().has_value());
  EXPECT_EQ(*notifier().NextWakeUp(), At(2026, 12, 8, 9));  // 7 days before, at 09:00 UTC

  RunTo(At(2027, 1, 10, 0));

  EXPECT_EQ(History(action),
            (Strings{"r7>olga", "r1>olga", "e1:1>mark", "e2:7>ciso", "e2:14>ciso", "e2:21>ciso"}));
  EXPECT_EQ(
      Delivered(),
      (Strings{"fu:r7:2026-12-15:" + action + ">olga", "fu:r1:2026-12-15:" + action + ">olga",
               "fu:e1.0:2026-12-15:" + action + ">mark", "fu:e2.0:2026-12-15:" + action + ">ciso",
               "fu:e2.1:2026-12-15:" + action + ">ciso",
               "fu:e2.2:2026-12-15:" + action + ">ciso"}));
  const Message first = channel_->sent().at(0);
  EXPECT_NE(first.text.find("Person olga (olga)"), std::string::npos) << first.text;
  EXPECT_NE(first.text.find("Due date:     2026-12-15"), std::string::npos) << first.text;
  EXPECT_EQ(first.recipient_email, "olga@acme.example");
  EXPECT_EQ(*notifier().NextWakeUp(), At(2027, 1, 12, 9));

  const std::string metrics = prometheus::TextSerializer().Serialize(registries_.back()->Collect());
  EXPECT_NE(metrics.find("reviewtrail_notifier_notifications_total{kind=\"escalation\",level=\"2\","
                         "result=\"recorded\"} 3"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("reviewtrail_notifier_deliveries_total{channel=\"log\",result=\"delivered\"} 6"),
      std::string::npos);
  // Per-tenant series are off by default: one series for all tenants, no tenant id on /metrics.
  EXPECT_NE(metrics.find("\nreviewtrail_notifier_actions_overdue 1\n"), std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("acme"), std::string::npos) << metrics;
}

TEST_F(NotifierTimelineTest, FollowUpsFallDueOnTheTenantsCalendar) {
  StopService();
  // The command service judges days the same way.
  time_zones_ = runtime::TenantTimeZones::Parse({"acme=+09:00"}).value();
  StartService();
  tenant_labels_ = 5;  // --metrics-tenant-labels 5
  const std::string action = Assign("assign-east", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 11, 23, 10));
  EXPECT_EQ(*notifier().NextWakeUp(), At(2026, 12, 8, 0));  // 09:00 at +09:00

  // 16:00Z on the 15th is 01:00 on the 16th there: overdue, with no escalation before 09:00.
  RunTo(At(2026, 12, 15, 16));
  Step(At(2026, 12, 15, 16));
  EXPECT_EQ(History(action), (Strings{"r7>olga", "r1>olga"}));
  const std::string metrics = prometheus::TextSerializer().Serialize(registries_.back()->Collect());
  EXPECT_NE(metrics.find("reviewtrail_notifier_actions_overdue{tenant=\"acme\"} 1"),
            std::string::npos)
      << metrics;
  RunTo(At(2026, 12, 16, 0));  // 09:00 local on the 16th
  EXPECT_EQ(History(action), (Strings{"r7>olga", "r1>olga", "e1:1>mark"}));
}

TEST_F(NotifierTimelineTest, ReschedulingReassigningClosingAndCancellingChangeThePlan) {
  const std::string moved = Assign("assign-moved", "olga", Day(2026, 12, 15));
  const std::string handed = Assign("assign-handed", "oscar", Day(2026, 12, 15));
  const std::string cancelled = Assign("assign-cancelled", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 12, 8, 10));
  EXPECT_EQ(History(moved), (Strings{"r7>olga"}));
  EXPECT_EQ(History(handed), (Strings{"r7>oscar"}));
  EXPECT_EQ(History(cancelled), (Strings{"r7>olga"}));

  v1::RescheduleActionRequest reschedule;
  reschedule.set_command_id("reschedule-1");
  reschedule.set_action_id(moved);
  *reschedule.mutable_new_due_date() = Day(2026, 12, 29);
  reschedule.set_reason("Vendor patch slipped");
  ASSERT_TRUE(Send(&Stub::RescheduleAction, reschedule, Manager()).status.ok());
  v1::ReassignActionRequest reassign;
  reassign.set_command_id("reassign-1");
  reassign.set_action_id(handed);
  reassign.set_new_owner_id("olga");
  reassign.set_reason("Oscar moved teams");
  ASSERT_TRUE(Send(&Stub::ReassignAction, reassign, Manager()).status.ok());
  v1::CancelActionRequest cancel;
  cancel.set_command_id("cancel-1");
  cancel.set_action_id(cancelled);
  cancel.set_reason("Superseded by decision 2");
  ASSERT_TRUE(Send(&Stub::CancelAction, cancel, Manager()).status.ok());

  Step(At(2026, 12, 14, 10));  // 1 day before the old due date
  Step(At(2026, 12, 16, 10));  // first overdue day of the old due date
  EXPECT_EQ(History(moved), (Strings{"r7>olga"}));
  EXPECT_EQ(History(handed), (Strings{"r7>oscar", "r1>olga", "e1:1>mark"}));
  EXPECT_EQ(History(cancelled), (Strings{"r7>olga"}));

  // The handed-over action is closed with evidence and an independent approval.
  v1::AttachEvidenceRequest evidence;
  evidence.set_command_id("evidence-1");
  evidence.set_action_id(handed);
  evidence.set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
  evidence.set_uri("https://vpn.acme.example/config-export");
  evidence.set_sha256(std::string(64, 'a'));
  evidence.set_size_bytes(100);
  evidence.set_media_type("text/plain");
  ASSERT_TRUE(Send(&Stub::AttachEvidence, evidence, Manager()).status.ok());
  v1::RequestClosureRequest request;
  request.set_command_id("request-1");
  request.set_action_id(handed);
  const Answer requested =
      Send(&Stub::RequestClosure, request, Token("olga", {v1::ROLE_ACTION_OWNER}));
  ASSERT_TRUE(requested.status.ok()) << requested.status.error_message();
  v1::ApproveClosureRequest approve;
  approve.set_command_id("approve-1");
  approve.set_action_id(handed);
  ASSERT_TRUE(Send(&Stub::ApproveClosure, approve, Manager()).status.ok());

  RunTo(At(2027, 1, 1, 0));
  EXPECT_EQ(History(moved), (Strings{"r7>olga", "r7>olga", "r1>olga", "e1:1>mark"}));
  EXPECT_EQ(History(handed), (Strings{"r7>oscar", "r1>olga", "e1:1>mark"}));
  EXPECT_EQ(History(cancelled), (Strings{"r7>olga"}));
  EXPECT_EQ(Delivered().size(), 8u);
}

TEST_F(NotifierTimelineTest, RestartAtEveryStepLosesAndDoublesNothing) {
  const std::string late = Assign("assign-late", "olga", Day(2026, 12, 15));
  const std::string other = Assign("assign-other", "oscar", Day(2026, 12, 20));
  StartNotifier();
  int restarts = 0;
  RunTo(At(2027, 1, 6, 0), [&] {
    RestartNotifier();
    ++restarts;
  });
  // And once more with deliveries possibly still queued when the process stops.
  clock_.Set(At(2027, 1, 13, 10));
  ASSERT_TRUE(notifier().RunDueWork().ok());
  RestartNotifier();
  ASSERT_TRUE(notifier().RunDueWork().ok());
  ASSERT_TRUE(
      notifier().WaitForDeliveries(std::chrono::steady_clock::now() + std::chrono::seconds(20)));

  EXPECT_GE(restarts, 8);
  EXPECT_EQ(History(late), (Strings{"r7>olga", "r1>olga", "e1:1>mark", "e2:7>ciso", "e2:14>ciso",
                                    "e2:21>ciso", "e2:28>ciso"}));
  EXPECT_EQ(History(other),
            (Strings{"r7>oscar", "r1>oscar", "e1:1>mia", "e2:7>ciso", "e2:14>ciso", "e2:21>ciso"}));
  const Strings delivered = Delivered();
  const std::set<std::string> unique(delivered.begin(), delivered.end());
  EXPECT_EQ(unique.size(), delivered.size());
  EXPECT_EQ(delivered.size(), 13u);
}

TEST_F(NotifierTest, TwoReplicasRecordEachFollowUpOnce) {
  const std::string action = Assign("assign-a", "olga", Day(2026, 12, 15));
  StartNotifier("replica-1");
  StartNotifier("replica-2");
  for (auto at : {At(2026, 12, 8, 10), At(2026, 12, 14, 10), At(2026, 12, 16, 10)}) Step(at);
  EXPECT_EQ(History(action), (Strings{"r7>olga", "r1>olga", "e1:1>mark"}));
}

TEST_F(NotifierTest, EscalationWithoutAnyRecipientIsCountedNotRecorded) {
  config_.defaults.escalation_contact_id.clear();
  const std::string action = Assign("assign-a", "mark", Day(2026, 12, 15));  // mark: no manager
  StartNotifier();
  Step(At(2026, 12, 16, 10));
  Step(At(2026, 12, 16, 11));
  EXPECT_TRUE(History(action).empty());
  const std::string metrics = prometheus::TextSerializer().Serialize(registries_.back()->Collect());
  EXPECT_NE(metrics.find("reviewtrail_notifier_notifications_total{kind=\"escalation\",level=\"1\","
                         "result=\"unroutable\"} 1"),
            std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace reviewtrail::notifier::testing
