#include <gtest/gtest.h>

#include <thread>

#include "reviewtrail/server/runtime_setup.h"

namespace reviewtrail::server {
namespace {

TEST(CatchUpWorkersTest, EveryHardwareThreadOverTheEmbeddedLogOneOverKafka) {
  ServerConfig config;
  config.log = "embedded";
  EXPECT_EQ(CatchUpWorkers(config), std::max(1u, std::thread::hardware_concurrency()));
  config.log = "kafka";
  EXPECT_EQ(CatchUpWorkers(config), 1u);
}

}  // namespace
}  // namespace reviewtrail::server
