#include "reviewtrail/runtime/time_zones.h"

#include <gtest/gtest.h>

#include "golden_scenario.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/readmodel/queries.h"
#include "reviewtrail/readmodel/query_projection.h"

namespace reviewtrail::readmodel {
namespace {

using runtime::TenantTimeZones;
using std::chrono::hours;
using std::chrono::minutes;

TEST(TenantTimeZoneDashboardTest, TheDaysBeforeMidnightUtcAreOverdueEastOfGreenwich) {
  const auto scenario = testing::BuildGoldenScenario();
  projection::MemoryChanges changes;
  QueryProjection projection{TenantTimeZones()};
  int64_t offset = 0;
  for (const auto& event : scenario.events)
    ASSERT_TRUE(projection.Apply({0, offset++}, event, changes).ok());
  ASSERT_TRUE(projection.Flush(changes).ok());
  projection::MemoryReadView view(changes);
  Queries queries(view);
  // A4 is due 2026-02-15. At 2026-02-15T23:30Z it is not yet overdue in UTC, but it is in +01:00.
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 2 / 15} + hours(23) + minutes(30);
  auto zones = *TenantTimeZones::Parse({"acme=+01:00"});
  EXPECT_EQ(
      queries.GetDashboard("acme", "", "oscar", TenantTimeZones().DayOf("acme", at))->overdue(), 0);
  EXPECT_EQ(queries.GetDashboard("acme", "", "oscar", zones.DayOf("acme", at))->overdue(), 1);
}

TEST(TenantTimeZoneDashboardTest, ASandboxsAdvanceIsFoldedAndMovesItsDay) {
  const auto scenario = testing::BuildGoldenScenario();
  projection::MemoryChanges changes;
  QueryProjection projection{TenantTimeZones()};
  int64_t offset = 0;
  for (const auto& event : scenario.events)
    ASSERT_TRUE(projection.Apply({0, offset++}, event, changes).ok());
  for (int64_t total : {86'400, 2 * 86'400}) {
    v1::EventEnvelope advanced;
    advanced.set_tenant_id("acme");
    advanced.set_aggregate_type(v1::AGGREGATE_TYPE_TENANT);
    advanced.set_aggregate_id("acme");
    advanced.mutable_test_clock_advanced()->mutable_advanced_by()->set_seconds(86'400);
    advanced.mutable_test_clock_advanced()->mutable_total_advance()->set_seconds(total);
    ASSERT_TRUE(projection.Apply({0, offset++}, advanced, changes).ok());
  }
  ASSERT_TRUE(projection.Flush(changes).ok());
  projection::MemoryReadView view(changes);
  Queries queries(view);
  EXPECT_EQ(*queries.TestClockAdvance("acme"), 2 * 86'400'000'000LL);
  EXPECT_EQ(*queries.TestClockAdvance("other"), 0);
  // A4 is due 2026-02-15: not overdue on the 14th, overdue two advanced days later.
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 2 / 14} + hours(12);
  auto zones = *TenantTimeZones::Parse({});
  EXPECT_EQ(queries.GetDashboard("acme", "", "oscar", zones.DayOf("acme", at, 0))->overdue(), 0);
  EXPECT_EQ(queries
                .GetDashboard("acme", "", "oscar",
                              zones.DayOf("acme", at, *queries.TestClockAdvance("acme")))
                ->overdue(),
            1);
}

}  // namespace
}  // namespace reviewtrail::readmodel
