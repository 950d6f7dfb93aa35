#include "reviewtrail/cli/export_progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "reviewtrail/cli/text_table.h"

namespace reviewtrail::cli {
namespace {

using ::testing::HasSubstr;

TEST(RowCounterTest, CountsCsvRowsOutsideQuotesWithoutTheHeader) {
  RowCounter csv(/*csv=*/true);
  csv.Add("a,b\r\n1,\"x\r");
  csv.Add("\ny \"\"q\"\"\"\r\n2,z\r\n");
  EXPECT_EQ(csv.rows(), 2);

  RowCounter jsonl(/*csv=*/false);
  jsonl.Add("{\"a\":\"x\\ny\"}\n{\"a\"");
  EXPECT_EQ(jsonl.rows(), 1);
  jsonl.Add(":1}\n");
  EXPECT_EQ(jsonl.rows(), 2);
}

TEST(FormatBytesTest, UsesBinaryUnits) {
  EXPECT_EQ(FormatBytes(812), "812 B");
  EXPECT_EQ(FormatBytes(4096), "4.0 KiB");
  EXPECT_EQ(FormatBytes(5 * 1024 * 1024 + 200 * 1024), "5.2 MiB");
}

TEST(ProgressMeterTest, ShowsAtMostOncePerIntervalAndTheFinalFigures) {
  std::chrono::steady_clock::time_point now{};
  std::ostringstream err;
  ProgressMeter meter(
      err, /*enabled=*/true, /*in_place=*/true, [&now] { return now; },
      std::chrono::milliseconds(250));
  now += std::chrono::milliseconds(100);
  meter.Update(1, 100);  // too soon
  EXPECT_EQ(err.str(), "");
  now += std::chrono::milliseconds(200);
  meter.Update(2, 200);
  EXPECT_THAT(err.str(), HasSubstr("\rexported 2 rows, 200 B"));
  now += std::chrono::milliseconds(10);
  meter.Update(3, 300);  // too soon again
  EXPECT_THAT(err.str(), ::testing::Not(HasSubstr("3 rows")));
  meter.Finish(4, 400);
  EXPECT_THAT(err.str(), HasSubstr("exported 4 rows, 400 B"));
  EXPECT_EQ(err.str().back(), '\n');

  std::ostringstream silent;
  ProgressMeter off(silent, /*enabled=*/false, /*in_place=*/false);
  off.Update(1, 1);
  off.Finish(1, 1);
  EXPECT_EQ(silent.str(), "");
}

TEST(TextTableTest, AlignsByCodePointsAndFlattensNewlines) {
  TextTable table({"ID", "NAME", "NOTE"});
  table.AddRow({"per-1", "Jürgen", "a\nb"});
  table.AddRow({"per-22", "Ann"});
  EXPECT_EQ(table.Render(),
            "ID      NAME    NOTE\n"
            "per-1   Jürgen  a b\n"
            "per-22  Ann\n");
}

}  // namespace
}  // namespace reviewtrail::cli
