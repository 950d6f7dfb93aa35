#include "reviewtrail/runtime/time_zones.h"

#include <gtest/gtest.h>

namespace reviewtrail::runtime {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const auto k2330Utc =
    std::chrono::sys_days{std::chrono::year{2026} / 3 / 1} + hours(23) + minutes(30);

TEST(TenantTimeZonesTest, TodayFollowsTheTenantsOffset) {
  auto zones = TenantTimeZones::Parse({"acme=+01:00", "globex=-05:30", "initech=UTC"});
  ASSERT_TRUE(zones.ok()) << zones.status();
  EXPECT_EQ(zones->DayOf("acme", k2330Utc), (domain::CivilDate{2026, 3, 2}));
  EXPECT_EQ(zones->DayOf("globex", k2330Utc), (domain::CivilDate{2026, 3, 1}));
  EXPECT_EQ(zones->DayOf("initech", k2330Utc), (domain::CivilDate{2026, 3, 1}));
  EXPECT_EQ(zones->DayOf("unlisted", k2330Utc), (domain::CivilDate{2026, 3, 1}));
  EXPECT_EQ(zones->OffsetOf("globex"), minutes(-330));
}

TEST(TenantTimeZonesTest, RefusesMalformedEntries) {
  for (const char* bad : {"acme", "=+01:00", "acme=+1:00", "acme=+15:00", "acme=Europe/Paris"}) {
    EXPECT_EQ(TenantTimeZones::Parse({bad}).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace reviewtrail::runtime
