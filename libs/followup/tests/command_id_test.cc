#include "reviewtrail/followup/command_id.h"

#include <gtest/gtest.h>

namespace reviewtrail::followup {
namespace {

TEST(CommandIdTest, ReadableWhenShort) {
  EXPECT_EQ(ReminderCommandId("act-1", {2026, 12, 15}, 7), "fu:r7:2026-12-15:act-1");
  EXPECT_EQ(EscalationCommandId("act-1", 2, {2026, 12, 15}, 3), "fu:e2.3:2026-12-15:act-1");
}

TEST(CommandIdTest, HashedAndStableWhenLong) {
  const std::string long_id(120, 'a');
  const std::string id = EscalationCommandId(long_id, 1, {2026, 12, 15}, 0);
  EXPECT_EQ(id.size(), 3u + 64u);
  EXPECT_EQ(id.substr(0, 3), "fu:");
  EXPECT_EQ(id, EscalationCommandId(long_id, 1, {2026, 12, 15}, 0));
  EXPECT_NE(id, EscalationCommandId(long_id, 1, {2026, 12, 15}, 1));
}

}  // namespace
}  // namespace reviewtrail::followup
