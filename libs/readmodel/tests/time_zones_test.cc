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
  MemoryReadView view(changes);
  Queries queries(view);
  // A4 is due 2026-02-15. At 2026-02-15T23:30Z it is not yet overdue in UTC, but it is in +01:00.
  const auto at = std::chrono::sys_days{std::chrono::year{2026} / 2 / 15} + hours(23) + minutes(30);
  auto zones = *TenantTimeZones::Parse({"acme=+01:00"});
  EXPECT_EQ(
      queries.GetDashboard("acme", "", "oscar", TenantTimeZones().DayOf("acme", at))->overdue(), 0);
  EXPECT_EQ(queries.GetDashboard("acme", "", "oscar", zones.DayOf("acme", at))->overdue(), 1);
}

}  // namespace
}  // namespace reviewtrail::readmodel
