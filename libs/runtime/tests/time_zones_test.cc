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
  EXPECT_EQ(zones->ZoneNameOf("globex"), "-05:30");
  EXPECT_EQ(zones->ZoneNameOf("unlisted"), "UTC");
}

TEST(TenantTimeZonesTest, AnIanaNameBringsItsDaylightSaving) {
  auto zones = TenantTimeZones::Parse({"acme=Europe/Amsterdam", "fixed=+01:00"});
  ASSERT_TRUE(zones.ok()) << zones.status();
  const auto summer_2230 =
      std::chrono::sys_days{std::chrono::year{2026} / 7 / 2} + hours(22) + minutes(30);
  EXPECT_EQ(zones->DayOf("acme", summer_2230), (domain::CivilDate{2026, 7, 3}));
  EXPECT_EQ(zones->DayOf("fixed", summer_2230), (domain::CivilDate{2026, 7, 2}));
  EXPECT_EQ(zones->DayOf("acme", k2330Utc), (domain::CivilDate{2026, 3, 2}));  // winter: +01:00
  EXPECT_EQ(zones->ZoneNameOf("acme"), "Europe/Amsterdam");
}

TEST(TenantTimeZonesTest, RefusesMalformedEntries) {
  for (const char* bad :
       {"acme", "=+01:00", "acme=+1:00", "acme=+15:00", "acme=Mars/Olympus_Mons", "acme="}) {
    EXPECT_EQ(TenantTimeZones::Parse({bad}).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  const absl::Status unknown = TenantTimeZones::Parse({"acme=Europe/Amsterdm"}).status();
  EXPECT_NE(unknown.message().find("acme=Europe/Amsterdm"), std::string::npos) << unknown;
  EXPECT_NE(unknown.message().find("unknown time zone name"), std::string::npos) << unknown;
  const absl::Status twice =
      TenantTimeZones::Parse({"acme=+01:00", "acme=Europe/Amsterdam"}).status();
  EXPECT_NE(twice.message().find("given twice"), std::string::npos) << twice;
}

}  // namespace
}  // namespace reviewtrail::runtime
