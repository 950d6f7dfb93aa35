#include "reviewtrail/followup/planner.h"

#include <gtest/gtest.h>

namespace reviewtrail::followup {
namespace {

using std::chrono::hours;
using Time = std::chrono::system_clock::time_point;

constexpr domain::CivilDate kDue{2026, 12, 15};

ActionFollowUp Action() {
  return ActionFollowUp{.tenant_id = "acme",
                        .action_id = "act-1",
                        .title = "Patch the VPN",
                        .owner_id = "olga",
                        .manager_id = "mark",
                        .escalation_contact_id = "ciso",
                        .due_date = kDue};
}

Time At(const domain::CivilDate& day, int hour) { return LocalTime(day, hours(hour)); }

absl::TimeZone Fixed(std::chrono::minutes offset) {
  return absl::FixedTimeZone(static_cast<int>(offset.count()) * 60);
}

absl::TimeZone Amsterdam() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &zone)) << "tzdata is not installed";
  return zone;
}

// Walks the plan day by day at `hour`, recording everything due, and returns the ids in order.
std::vector<std::string> Walk(const Policy& policy, ActionFollowUp action, Time from, Time to) {
  std::vector<std::string> ids;
  for (Time now = from; now <= to; now += hours(24)) {
    for (const Notification& n : PlanAt(policy, action, now).due) {
      ids.push_back(n.command_id + ">" + n.recipient_id);
      action.recorded.insert(n.key);
    }
  }
  return ids;
}

TEST(PlannerTest, WeeksOfTimeGiveRemindersThenEscalationsInOrder) {
  const auto ids = Walk(Policy{}, Action(), At({2026, 12, 1}, 12), At({2027, 1, 10}, 12));
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "fu:r7:2026-12-15:act-1>olga",
                     "fu:r1:2026-12-15:act-1>olga",
                     "fu:e1.0:2026-12-15:act-1>mark",
                     "fu:e2.0:2026-12-15:act-1>ciso",
                     "fu:e2.1:2026-12-15:act-1>ciso",
                     "fu:e2.2:2026-12-15:act-1>ciso",
                 }));
}

TEST(PlannerTest, NothingIsDueBeforeSendTimeAndNextAtNamesIt) {
  const Plan plan = PlanAt(Policy{}, Action(), At({2026, 12, 8}, 8));
  EXPECT_TRUE(plan.due.empty());
  ASSERT_TRUE(plan.next_at.has_value());
  EXPECT_EQ(*plan.next_at, At({2026, 12, 8}, 9));
}

TEST(PlannerTest, ASandboxClockPlansOnTheTenantsNowAndTimesOnTheRealClock) {
  const std::chrono::microseconds three_days = std::chrono::hours(72);
  // Real 2026-12-13 10:00 is 2026-12-16 10:00 on the tenant's clock: level 1 (due on the 16th at
  // 09:00) is due now, as it would be without the advance three days later.
  const Time real = At({2026, 12, 13}, 10);
  const Plan advanced = PlanAt(Policy{}, Action(), real, absl::UTCTimeZone(), three_days);
  const Plan later = PlanAt(Policy{}, Action(), real + hours(72));
  ASSERT_EQ(advanced.due.size(), 1u);
  EXPECT_EQ(advanced.due[0].command_id, "fu:e1.0:2026-12-15:act-1");
  EXPECT_EQ(advanced.due[0].command_id, later.due[0].command_id);
  // Instants come back on the real clock: three days before the tenant's.
  EXPECT_EQ(advanced.due[0].due_at, At({2026, 12, 16}, 9) - hours(72));
  ASSERT_TRUE(advanced.next_at.has_value());
  ASSERT_TRUE(later.next_at.has_value());
  EXPECT_EQ(*advanced.next_at, *later.next_at - hours(72));
  // No advance: the plan of the real now, before the due date (a reminder, no escalation).
  const Plan plain =
      PlanAt(Policy{}, Action(), real, absl::UTCTimeZone(), std::chrono::microseconds(0));
  ASSERT_EQ(plain.due.size(), 1u);
  EXPECT_EQ(plain.due[0].kind, Kind::kReminder);
}

TEST(PlannerTest, RecordedNotificationIsNotDueAgain) {
  ActionFollowUp action = Action();
  const Plan first = PlanAt(Policy{}, action, At({2026, 12, 8}, 10));
  ASSERT_EQ(first.due.size(), 1u);
  action.recorded.insert(first.due[0].key);
  const Plan second = PlanAt(Policy{}, action, At({2026, 12, 8}, 11));
  EXPECT_TRUE(second.due.empty());
  EXPECT_EQ(*second.next_at, At({2026, 12, 14}, 9));
}

TEST(PlannerTest, AfterDowntimeOnlyTheLatestOfEachGroupIsDue) {
  const Plan plan = PlanAt(Policy{}, Action(), At({2026, 12, 31}, 12));
  ASSERT_EQ(plan.due.size(), 2u);
  EXPECT_EQ(plan.due[0].command_id, "fu:e1.0:2026-12-15:act-1");
  EXPECT_EQ(plan.due[1].command_id, "fu:e2.1:2026-12-15:act-1");
  EXPECT_EQ(plan.due[1].days, 14);
  EXPECT_EQ(*plan.next_at, At({2027, 1, 5}, 9));
}

TEST(PlannerTest, RemindersStopOnceOverdue) {
  const Plan plan = PlanAt(Policy{}, Action(), At({2026, 12, 16}, 8));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_EQ(*plan.next_at, At({2026, 12, 16}, 9));
}

TEST(PlannerTest, RescheduledDueDateStartsAFreshPlan) {
  ActionFollowUp action = Action();
  action.recorded.insert(ReminderKey(kDue, 7));
  action.due_date = {2027, 1, 15};
  const Plan plan = PlanAt(Policy{}, action, At({2027, 1, 8}, 10));
  ASSERT_EQ(plan.due.size(), 1u);
  EXPECT_EQ(plan.due[0].command_id, "fu:r7:2027-01-15:act-1");
}

TEST(PlannerTest, EscalationsFallBackWhenARecipientIsMissing) {
  ActionFollowUp action = Action();
  action.manager_id.clear();
  EXPECT_EQ(PlanAt(Policy{}, action, At({2026, 12, 16}, 10)).due.at(0).recipient_id, "ciso");
  action.manager_id = "mark";
  action.escalation_contact_id.clear();
  EXPECT_EQ(PlanAt(Policy{}, action, At({2026, 12, 22}, 10)).due.at(0).recipient_id, "mark");
}

TEST(PlannerTest, NoRepeatMeansLevelTwoOnce) {
  Policy policy;
  policy.repeat_every_days = 0;
  ActionFollowUp action = Action();
  action.recorded = {ReminderKey(kDue, 7), ReminderKey(kDue, 1), EscalationKey(kDue, 1, 1),
                     EscalationKey(kDue, 2, 7)};
  const Plan plan = PlanAt(policy, action, At({2027, 3, 1}, 10));
  EXPECT_TRUE(plan.due.empty());
  EXPECT_FALSE(plan.next_at.has_value());
}

TEST(PlannerTest, DayOfAndLocalTimeRoundTrip) {
  const std::chrono::minutes midnight(0);
  EXPECT_EQ(DayOf(At(kDue, 23)), kDue);
  EXPECT_EQ(DayOf(LocalTime(kDue, midnight)), kDue);
  for (const absl::TimeZone& zone : {Fixed(hours(-8)), absl::UTCTimeZone(),
                                     Fixed(hours(5) + std::chrono::minutes(30)), Amsterdam()}) {
    EXPECT_EQ(DayOf(LocalTime(kDue, midnight, zone), zone), kDue) << zone;
    EXPECT_EQ(DayOf(LocalTime(kDue, midnight, zone) - std::chrono::seconds(1), zone),
              kDue.AddDays(-1))
        << zone;
  }
  EXPECT_EQ(LocalTime(kDue, midnight, Fixed(hours(9))), LocalTime(kDue, midnight) - hours(9));
}

TEST(PlannerTest, SendTimeIsTheWallClockOnDaylightSavingDaysToo) {
  // Amsterdam moves from +01:00 to +02:00 at 02:00 on 2027-03-28: 09:00 local is 08:00Z the day
  // before and 07:00Z that day, not 08:00Z + 24 h.
  const absl::TimeZone amsterdam = Amsterdam();
  const std::chrono::minutes nine(9 * 60);
  EXPECT_EQ(LocalTime({2027, 3, 27}, nine, amsterdam), At({2027, 3, 27}, 8));
  EXPECT_EQ(LocalTime({2027, 3, 28}, nine, amsterdam), At({2027, 3, 28}, 7));
  // 02:30 does not exist that day: the instant the gap ends (03:00 local, 01:00Z).
  EXPECT_EQ(LocalTime({2027, 3, 28}, std::chrono::minutes(150), amsterdam), At({2027, 3, 28}, 1));
  // 22:30Z on 2027-07-01 is the 2nd in Amsterdam (+02:00) but still the 1st at a fixed +01:00.
  const Time late = At({2027, 7, 1}, 22) + std::chrono::minutes(30);
  EXPECT_EQ(DayOf(late, amsterdam), (domain::CivilDate{2027, 7, 2}));
  EXPECT_EQ(DayOf(late, Fixed(hours(1))), (domain::CivilDate{2027, 7, 1}));

  // An action due on 2027-03-21 with level 2 repeating every 3 days: each occurrence is due at
  // 09:00 local, before and after the change.
  ActionFollowUp action = Action();
  action.due_date = {2027, 3, 21};
  action.recorded = {ReminderKey(action.due_date, 7), ReminderKey(action.due_date, 1),
                     EscalationKey(action.due_date, 1, 1), EscalationKey(action.due_date, 2, 7)};
  Policy policy;
  policy.repeat_every_days = 3;
  const Plan plan = PlanAt(policy, action, At({2027, 3, 29}, 12), amsterdam);
  ASSERT_EQ(plan.due.size(), 0u);  // the 28th's occurrence (7 days overdue) is on record
  ASSERT_TRUE(plan.next_at.has_value());
  EXPECT_EQ(*plan.next_at, At({2027, 3, 31}, 7));  // 10 days overdue, 09:00 at +02:00
}

TEST(PlannerTest, DaysAndSendTimeAreTheTenantsLocalCalendar) {
  // +09:00: the reminder 7 days before is due at 09:00 local, which is midnight UTC.
  const Plan east = PlanAt(Policy{}, Action(), At({2026, 12, 7}, 23), Fixed(hours(9)));
  EXPECT_TRUE(east.due.empty());
  EXPECT_EQ(*east.next_at, At({2026, 12, 8}, 0));
  EXPECT_EQ(PlanAt(Policy{}, Action(), At({2026, 12, 8}, 0), Fixed(hours(9))).due.size(), 1u);

  // -08:00, reminders sent: at 10:00Z on the 16th it is still the 15th locally, the due date, so
  // nothing is due; the first escalation is due at 09:00 local on the 16th, 17:00Z. In UTC the
  // same instant is 09:00 past it.
  ActionFollowUp reminded = Action();
  reminded.recorded = {ReminderKey(kDue, 7), ReminderKey(kDue, 1)};
  const Plan west = PlanAt(Policy{}, reminded, At({2026, 12, 16}, 10), Fixed(hours(-8)));
  EXPECT_TRUE(west.due.empty());
  EXPECT_EQ(*west.next_at, At({2026, 12, 16}, 17));
  const Plan later = PlanAt(Policy{}, reminded, At({2026, 12, 16}, 17), Fixed(hours(-8)));
  ASSERT_EQ(later.due.size(), 1u);
  EXPECT_EQ(later.due[0].kind, Kind::kEscalation);
  EXPECT_EQ(PlanAt(Policy{}, reminded, At({2026, 12, 16}, 10)).due.size(), 1u);
}

}  // namespace
}  // namespace reviewtrail::followup
