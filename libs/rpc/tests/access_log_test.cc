#include "reviewtrail/rpc/access_log.h"

#include <gtest/gtest.h>

#include <regex>

#include "reviewtrail/runtime/structured_log.h"

namespace reviewtrail::rpc {
namespace {

const std::regex kTraceParent("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

TEST(ContinueTraceTest, KeepsTheCallersTraceAndFlagsWithASpanOfItsOwn) {
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
  const std::string continued = ContinueTrace(incoming);
  ASSERT_TRUE(std::regex_match(continued, kTraceParent)) << continued;
  EXPECT_EQ(continued.substr(0, 36), incoming.substr(0, 36));
  EXPECT_NE(continued.substr(36, 16), incoming.substr(36, 16));
  EXPECT_EQ(continued.substr(52), "-00");
  EXPECT_EQ(runtime::TraceIdOf(continued), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(ContinueTraceTest, StartsATraceWhenThereIsNoneOrItIsMalformed) {
  for (const std::string& incoming :
       {std::string(), std::string("garbage"),
        std::string("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),  // upper case
        std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),  // zero trace
        std::string("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),  // zero span
        std::string("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")}) {
    const std::string started = ContinueTrace(incoming);
    EXPECT_TRUE(std::regex_match(started, kTraceParent)) << started;
    EXPECT_EQ(started.substr(52), "-01") << incoming;
    EXPECT_NE(runtime::TraceIdOf(started), "4bf92f3577b34da6a3ce929d0e0e4736") << incoming;
    EXPECT_NE(runtime::TraceIdOf(started), std::string(32, '0'));
  }
  EXPECT_NE(ContinueTrace(""), ContinueTrace(""));
}

TEST(TraceIdOfTest, OnlyOfAWellFormedTraceParent) {
  EXPECT_EQ(runtime::TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(runtime::TraceIdOf(""), "");
  EXPECT_EQ(runtime::TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736"), "");
}

}  // namespace
}  // namespace reviewtrail::rpc
