#include "reviewtrail/domain/civil_date.h"

#include <gtest/gtest.h>

namespace reviewtrail::domain {
namespace {

TEST(CivilDateTest, KnowsLeapYears) {
  EXPECT_TRUE((CivilDate{2024, 2, 29}).IsValid());
  EXPECT_FALSE((CivilDate{2023, 2, 29}).IsValid());
  EXPECT_FALSE((CivilDate{1900, 2, 29}).IsValid());
  EXPECT_TRUE((CivilDate{2000, 2, 29}).IsValid());
  EXPECT_FALSE((CivilDate{2026, 4, 31}).IsValid());
  EXPECT_FALSE((CivilDate{0, 1, 1}).IsValid());
  EXPECT_FALSE((CivilDate{2026, 13, 1}).IsValid());
}

TEST(CivilDateTest, RoundTripsThroughDaysSinceEpoch) {
  EXPECT_EQ((CivilDate{1970, 1, 1}).DaysSinceEpoch(), 0);
  EXPECT_EQ((CivilDate{2026, 11, 23}).DaysSinceEpoch(), 20780);
  for (int64_t day = -800000; day < 2900000; day += 997) {
    EXPECT_EQ(CivilDate::FromDaysSinceEpoch(day).DaysSinceEpoch(), day);
  }
}

TEST(CivilDateTest, CountsDaysAcrossMonthsAndYears) {
  EXPECT_EQ(DaysBetween(CivilDate{2026, 12, 31}, CivilDate{2027, 1, 1}), 1);
  EXPECT_EQ((CivilDate{2024, 2, 28}).AddDays(1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ((CivilDate{2026, 3, 1}).AddDays(-1), (CivilDate{2026, 2, 28}));
  EXPECT_EQ((CivilDate{2026, 3, 1}).ToString(), "2026-03-01");
}

}  // namespace
}  // namespace reviewtrail::domain
