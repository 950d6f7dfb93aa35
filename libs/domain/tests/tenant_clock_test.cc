#include "reviewtrail/domain/tenant_clock.h"

#include "domain_fixture.h"
#include "google/protobuf/util/time_util.h"

namespace reviewtrail::domain::testing {
namespace {

using google::protobuf::util::TimeUtil;

constexpr Micros kHour = 3'600'000'000;
constexpr Micros kDay = 24 * kHour;

// 2026-11-23T03:00Z: still 2026-11-22 at -08:00.
constexpr Micros kEarlyUtc = 1'795'402'800'000'000;

const absl::TimeZone kUtc = absl::UTCTimeZone();
const absl::TimeZone kMinus8 = absl::FixedTimeZone(-8 * 3600);
const absl::TimeZone kPlus1 = absl::FixedTimeZone(3600);

absl::TimeZone Amsterdam() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &zone)) << "tzdata is not installed";
  return zone;
}

TEST(TenantDayTest, IsTheDayOfTheTenantsNowInItsZone) {
  ASSERT_EQ(TenantDay(kEarlyUtc, kUtc, 0), (CivilDate{2026, 11, 23}));
  EXPECT_EQ(TenantDay(kEarlyUtc, kMinus8, 0), (CivilDate{2026, 11, 22}));
  EXPECT_EQ(TenantDay(kEarlyUtc, kPlus1, 0), (CivilDate{2026, 11, 23}));
  // The advance moves the tenant's now, and its zone still applies.
  EXPECT_EQ(TenantNow(kEarlyUtc, 3 * kDay), kEarlyUtc + 3 * kDay);
  EXPECT_EQ(TenantDay(kEarlyUtc, kMinus8, 3 * kDay), (CivilDate{2026, 11, 25}));
  EXPECT_EQ(TenantDay(kEarlyUtc, kMinus8, 5 * kHour), (CivilDate{2026, 11, 23}));
  // Before 1970 too (floor, not truncation).
  EXPECT_EQ(TenantDay(-1, kUtc, 0), (CivilDate{1969, 12, 31}));
}

TEST(TenantDayTest, AnIanaZoneFollowsDaylightSaving) {
  const absl::TimeZone amsterdam = Amsterdam();
  // 22:30Z: in winter (+01:00) still the same day, in summer (+02:00) the next.
  constexpr Micros kWinter2230 = 1'795'473'000'000'000;  // 2026-11-23T22:30Z
  constexpr Micros kSummer2230 = 1'783'031'400'000'000;  // 2026-07-02T22:30Z
  EXPECT_EQ(TenantDay(kWinter2230, amsterdam, 0), (CivilDate{2026, 11, 23}));
  EXPECT_EQ(TenantDay(kSummer2230, amsterdam, 0), (CivilDate{2026, 7, 3}));
  EXPECT_EQ(TenantDay(kSummer2230, kPlus1, 0), (CivilDate{2026, 7, 2}));
  EXPECT_EQ(TenantUtcOffsetMinutes(kWinter2230, amsterdam, 0), 60);
  EXPECT_EQ(TenantUtcOffsetMinutes(kSummer2230, amsterdam, 0), 120);
  // The offset is the one at the tenant's now: advanced into winter, +01:00.
  EXPECT_EQ(TenantUtcOffsetMinutes(kSummer2230, amsterdam, 150 * kDay), 60);
}

TEST(TenantDayTest, LocalInstantReadsTheWallClock) {
  const absl::TimeZone amsterdam = Amsterdam();
  // 2027-03-28: 02:00 local jumps to 03:00.
  const CivilDate change{2027, 3, 28};
  constexpr Micros k0000Z = 1'806'192'000'000'000;  // 2027-03-28T00:00Z
  EXPECT_EQ(LocalInstant(change, absl::Hours(9), amsterdam), k0000Z + 7 * kHour);
  EXPECT_EQ(LocalInstant(change.AddDays(-1), absl::Hours(9), amsterdam), k0000Z - kDay + 8 * kHour);
  EXPECT_EQ(LocalInstant(change, absl::Minutes(150), amsterdam), k0000Z + 1 * kHour);  // the gap
  EXPECT_EQ(LocalInstant(change, absl::ZeroDuration(), kMinus8), k0000Z + 8 * kHour);
}

TEST(TenantDayTest, OverdueCountsFromTheDayAfterTheDueDateForOpenActionsOnly) {
  const CivilDate due{2026, 11, 22};
  EXPECT_FALSE(IsOverdue(v1::ACTION_STATUS_OPEN, due, due));
  EXPECT_TRUE(IsOverdue(v1::ACTION_STATUS_OPEN, due, due.AddDays(1)));
  EXPECT_TRUE(IsOverdue(v1::ACTION_STATUS_CLOSURE_REQUESTED, due, due.AddDays(1)));
  EXPECT_FALSE(IsOverdue(v1::ACTION_STATUS_CLOSED, due, due.AddDays(1)));
  EXPECT_FALSE(IsOverdue(v1::ACTION_STATUS_CANCELLED, due, due.AddDays(1)));
  EXPECT_FALSE(IsOverdue(v1::ACTION_STATUS_OPEN, CivilDate{}, due));
}

class TestClockTest : public DomainTest {
 protected:
  static v1::AdvanceTestClockRequest Advance(const std::string& command_id, int64_t seconds) {
    v1::AdvanceTestClockRequest request;
    request.set_command_id(command_id);
    request.mutable_advance_by()->set_seconds(seconds);
    return request;
  }
  static CommandContext Sandbox(CommandContext context) {
    context.sandbox = true;
    return context;
  }
};

TEST_F(TestClockTest, ASandboxClockAdvancesOnTheTenantAggregateAndAddsUp) {
  const CommandContext manager = Sandbox(manager_);
  const Decision first = Accept(Advance("clock-1", 2 * 86'400), manager);
  ASSERT_EQ(first.events.size(), 1u);
  const v1::EventEnvelope& event = first.events[0];
  EXPECT_EQ(event.aggregate_type(), v1::AGGREGATE_TYPE_TENANT);
  EXPECT_EQ(event.aggregate_id(), "acme");
  EXPECT_EQ(event.aggregate_version(), 1);
  EXPECT_EQ(event.test_clock_advanced().advanced_by().seconds(), 2 * 86'400);
  EXPECT_EQ(event.test_clock_advanced().total_advance().seconds(), 2 * 86'400);
  ASSERT_NE(state_.FindTenantClock(), nullptr);
  EXPECT_EQ(state_.FindTenantClock()->advance, 2 * kDay);

  const Decision second = Accept(Advance("clock-2", 3600), manager);
  EXPECT_EQ(second.events[0].aggregate_version(), 2);
  EXPECT_EQ(second.events[0].test_clock_advanced().total_advance().seconds(), 2 * 86'400 + 3600);
  EXPECT_EQ(state_.FindTenantClock()->advance, 2 * kDay + kHour);
  EXPECT_EQ(AdvanceAfter(second.events[0]), 2 * kDay + kHour);
}

TEST_F(TestClockTest, AProductionTenantsClockNeverMoves) {
  EXPECT_THAT(Run(Advance("clock-1", 86'400), manager_),
              IsError(ErrorCode::kFailedPrecondition, kTenantNotSandbox));
  EXPECT_EQ(state_.FindTenantClock(), nullptr);
}

TEST_F(TestClockTest, BadInputNamesTheFieldAndTheClockNeverGoesBackwards) {
  const CommandContext manager = Sandbox(manager_);
  EXPECT_THAT(Run(Advance("clock-1", 0), manager), HasViolation("advance_by"));
  EXPECT_THAT(Run(Advance("clock-1", -3600), manager), HasViolation("advance_by"));
  v1::AdvanceTestClockRequest missing;
  missing.set_command_id("clock-1");
  EXPECT_THAT(Run(missing, manager), HasViolation("advance_by"));
  v1::AdvanceTestClockRequest fraction = Advance("clock-1", 10);
  fraction.mutable_advance_by()->set_nanos(5);
  EXPECT_THAT(Run(fraction, manager), HasViolation("advance_by"));
  EXPECT_THAT(Run(Advance("", 10), manager), HasViolation("command_id"));
  // At most kMaxTestClockAdvanceDays in all.
  Accept(Advance("clock-2", (kMaxTestClockAdvanceDays - 1) * 86'400), manager);
  EXPECT_THAT(Run(Advance("clock-3", 2 * 86'400), manager), HasViolation("advance_by"));
  Accept(Advance("clock-4", 86'400), manager);
  EXPECT_EQ(state_.FindTenantClock()->advance, kMaxTestClockAdvanceDays * kDay);
}

TEST_F(TestClockTest, OnlyAnIsmsManagerMovesTheClock) {
  EXPECT_THAT(Run(Advance("clock-1", 60), Sandbox(service_)),
              IsError(ErrorCode::kPermissionDenied, "ROLE_REQUIRED"));
}

}  // namespace
}  // namespace reviewtrail::domain::testing
