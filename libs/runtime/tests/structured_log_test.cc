#include "reviewtrail/runtime/structured_log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace reviewtrail::runtime {
namespace {

class StructuredLogTest : public ::testing::Test {
 protected:
  StructuredLogTest() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~StructuredLogTest() override {
    SetUpLogging("test", LogFormat::kText);
    spdlog::set_default_logger(previous_);
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(StructuredLogTest, JsonIsOneObjectPerLineWithTheFieldsInOrder) {
  SetUpLogging("reviewtrail-query", LogFormat::kJson);
  Log(spdlog::level::info, "rpc", {{"tenant", "acme"}, {"command_id", "c-\"1\"\n2"}});
  spdlog::warn("plain {}", 42);
  std::istringstream lines(out_.str());
  std::string first, second, rest;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, rest));  // the newline inside a value is escaped

  const nlohmann::ordered_json line = nlohmann::ordered_json::parse(first);
  std::vector<std::string> keys;
  for (const auto& [key, value] : line.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "level", "service", "message", "tenant",
                                            "command_id"}));
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["service"], "reviewtrail-query");
  EXPECT_EQ(line["message"], "rpc");
  EXPECT_EQ(line["command_id"], "c-\"1\"\n2");
  EXPECT_EQ(line["time"].get<std::string>().size(), std::string("2026-12-07T17:20:34.123Z").size());

  const nlohmann::json plain = nlohmann::json::parse(second);
  EXPECT_EQ(plain["level"], "warning");
  EXPECT_EQ(plain["message"], "plain 42");
  EXPECT_FALSE(plain.contains("tenant"));  // fields belong to their own line only
}

TEST_F(StructuredLogTest, TextAppendsTheFieldsThatHaveAValue) {
  SetUpLogging("reviewtrail-query", LogFormat::kText);
  Log(spdlog::level::info, "rpc", {{"tenant", "acme"}, {"subject", ""}, {"grpc_code", "OK"}});
  EXPECT_NE(out_.str().find("rpc tenant=acme grpc_code=OK"), std::string::npos) << out_.str();
}

}  // namespace
}  // namespace reviewtrail::runtime
