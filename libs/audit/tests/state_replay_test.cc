// GetStateAsOf's replay (pure): an action's or a review's records folded up to an instant, the
// test clock advance in effect then, and overdue judged on the day the caller gives (the tenant's).
#include "reviewtrail/audit/state_replay.h"

#include <gtest/gtest.h>

#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/runtime/clock.h"
#include "test_events.h"

namespace reviewtrail::audit {
namespace {

using testing::EventFactory;

class StateReplayTest : public ::testing::Test {
 protected:
  void Apply(const v1::EventEnvelope& event) {
    ASSERT_TRUE(projection_.Apply({0, offset_++}, event, changes_).ok());
  }
  std::vector<AuditView::Record> Records(IndexKind kind, const std::string& id) {
    projection::MemoryReadView read(changes_);
    return *AuditView(read).Indexed("acme", kind, id);
  }
  v1::EventEnvelope Advance(int64_t total_seconds) {
    v1::EventEnvelope event = acme_.Review("acme", "clock");
    event.set_aggregate_type(v1::AGGREGATE_TYPE_TENANT);
    event.set_aggregate_id("acme");
    event.mutable_test_clock_advanced()->mutable_advanced_by()->set_seconds(86400);
    event.mutable_test_clock_advanced()->mutable_total_advance()->set_seconds(total_seconds);
    return event;
  }

  runtime::FakeClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}};
  EventFactory acme_{clock_, "acme"};
  projection::MemoryChanges changes_;
  AuditProjection projection_;
  int64_t offset_ = 0;
};

TEST_F(StateReplayTest, AnActionIsReplayedUpToTheInstant) {
  Apply(acme_.Review("r1", "Q4"));
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Progress("a1", "olga", "half", 50));
  Apply(acme_.Progress("a1", "olga", "most", 80));
  const std::vector<AuditView::Record> records = Records(IndexKind::kAction, "a1");
  ASSERT_EQ(records.size(), 3u);

  const Replayed all = Replay(records, std::nullopt);
  ASSERT_EQ(all.actions.size(), 1u);
  EXPECT_EQ(all.actions[0].state.percent_complete, 80);
  EXPECT_EQ(all.actions[0].trail.size(), 3u);
  EXPECT_EQ(all.events, 3);
  EXPECT_EQ(all.last_sequence, 4);

  const Replayed then = Replay(records, records[1].entry.recorded_at);
  EXPECT_EQ(then.actions[0].state.percent_complete, 50);
  EXPECT_EQ(then.actions[0].state.version, 2);
  EXPECT_EQ(then.last_sequence, 3);
  EXPECT_TRUE(Replay(records, records[0].entry.recorded_at - 1).actions.empty());
}

TEST_F(StateReplayTest, AReviewIsReplayedWithItsActionsInOrderOfTheirFirstEvent) {
  Apply(acme_.Review("r1", "Q4"));
  Apply(acme_.Decision("r1", "d1", "train"));
  Apply(acme_.Assign("r1", "d1", "a2", "audit", "olga", 21));
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Progress("a2", "olga", "begun", 10));
  const Replayed replayed = Replay(Records(IndexKind::kReview, "r1"), std::nullopt);
  EXPECT_EQ(replayed.review.title, "Q4");
  EXPECT_EQ(replayed.review.decisions.size(), 1u);
  EXPECT_EQ(replayed.review_trail.size(), 2u);
  ASSERT_EQ(replayed.actions.size(), 2u);
  EXPECT_EQ(replayed.actions[0].state.id, "a2");
  EXPECT_EQ(replayed.actions[0].trail.size(), 2u);
  EXPECT_EQ(replayed.actions[1].state.id, "a1");
  const v1::ReviewSnapshot snapshot = ToSnapshot(replayed, {2026, 11, 23});
  ASSERT_EQ(snapshot.actions_size(), 2);
  EXPECT_EQ(snapshot.actions(0).percent_complete(), 10);
}

TEST_F(StateReplayTest, TheAdvanceInEffectIsTheLastRecordedAtOrBeforeTheInstant) {
  Apply(Advance(86400));
  Apply(Advance(3 * 86400));
  const std::vector<AuditView::Record> clock = Records(IndexKind::kTenant, "acme");
  ASSERT_EQ(clock.size(), 2u);
  constexpr Micros kDay = 86400LL * 1000000;
  EXPECT_EQ(AdvanceAsOf(clock, clock[0].entry.recorded_at - 1), 0);
  EXPECT_EQ(AdvanceAsOf(clock, clock[0].entry.recorded_at), kDay);
  EXPECT_EQ(AdvanceAsOf(clock, clock[1].entry.recorded_at), 3 * kDay);
}

TEST_F(StateReplayTest, OverdueIsJudgedOnTheGivenDayAndNeverForAnActionNotOnRecord) {
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));  // due 2026-12-20
  const Replayed replayed = Replay(Records(IndexKind::kAction, "a1"), std::nullopt);
  const domain::ActionState& action = replayed.actions[0].state;
  EXPECT_FALSE(IsOverdue(action, {2026, 12, 20}));
  EXPECT_TRUE(IsOverdue(action, {2026, 12, 21}));
  EXPECT_TRUE(ToSnapshot(action, {2026, 12, 21}).overdue());
  EXPECT_FALSE(ToSnapshot(action, {2026, 12, 20}).overdue());
  EXPECT_FALSE(IsOverdue(domain::ActionState{}, {2026, 12, 21}));
}

TEST_F(StateReplayTest, AClosedActionIsNeverOverdue) {
  Apply(acme_.Assign("r1", "d1", "a1", "train", "olga", 20));
  Apply(acme_.Evidence("a1", "e1", std::string(64, 'a')));
  Apply(acme_.RequestClosure("a1", "e1"));
  Apply(acme_.Approve("a1"));
  const Replayed replayed = Replay(Records(IndexKind::kAction, "a1"), std::nullopt);
  EXPECT_EQ(replayed.actions[0].state.status, v1::ACTION_STATUS_CLOSED);
  EXPECT_FALSE(IsOverdue(replayed.actions[0].state, {2027, 1, 1}));
}

}  // namespace
}  // namespace reviewtrail::audit
