#include "reviewtrail/server/server_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "reviewtrail/server/runtime_setup.h"
#include "status_matchers.h"

namespace reviewtrail::server {
namespace {

ServerConfig Parse(std::vector<std::string> arguments) {
  CLI::App app;
  ServerConfig config;
  AddServerOptions(app, config);
  std::reverse(arguments.begin(), arguments.end());
  app.parse(arguments);
  return config;
}

TEST(FinishKafkaConfigTest, OnlyTheCommandServiceCreatesTheTopicByDefault) {
  for (const std::string service : {"reviewtrail-command", "reviewtrail-server"}) {
    ServerConfig config = Parse({});
    ASSERT_EQ(FinishKafkaConfig(config, service), "");
    EXPECT_TRUE(config.kafka.create_topic) << service;
  }
  for (const std::string service :
       {"reviewtrail-query", "reviewtrail-audit", "reviewtrail-notifier"}) {
    ServerConfig config = Parse({"--kafka-topic-wait-s", "42"});
    ASSERT_EQ(FinishKafkaConfig(config, service), "");
    EXPECT_FALSE(config.kafka.create_topic) << service;
    EXPECT_EQ(config.kafka.topic_wait, std::chrono::seconds(42));
  }
  ServerConfig told = Parse({"--kafka-create-topic", "no"});
  ASSERT_EQ(FinishKafkaConfig(told, "reviewtrail-command"), "");
  EXPECT_FALSE(told.kafka.create_topic);
  told = Parse({"--kafka-create-topic", "yes"});
  ASSERT_EQ(FinishKafkaConfig(told, "reviewtrail-query"), "");
  EXPECT_TRUE(told.kafka.create_topic);
}

TEST(FinishKafkaConfigTest, ClientIdNamesTheServiceAndTheHostUnlessGiven) {
  std::array<char, 256> host{};
  ASSERT_EQ(::gethostname(host.data(), host.size() - 1), 0);
  ServerConfig config = Parse({});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-query"), "");
  EXPECT_EQ(config.kafka.client_id, "reviewtrail-query." + std::string(host.data()));
  config = Parse({"--kafka-client-id", "query-7"});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-query"), "");
  EXPECT_EQ(config.kafka.client_id, "query-7");
}

TEST(FinishKafkaConfigTest, TheProducersDeliveryTimeoutIsTheCommandDeadline) {
  ServerConfig config = Parse({});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-command"), "");
  EXPECT_EQ(config.kafka.delivery_timeout, std::chrono::seconds(10));
  config = Parse({"--command-deadline-ms", "2500"});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-command"), "");
  EXPECT_EQ(config.kafka.delivery_timeout, std::chrono::milliseconds(2500));
}

TEST(FinishKafkaConfigTest, KafkaStatisticsEveryFifteenSecondsUnlessTold) {
  ServerConfig config = Parse({});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-query"), "");
  EXPECT_EQ(config.kafka.statistics_interval, std::chrono::seconds(15));
  config = Parse({"--kafka-statistics-interval-ms", "0"});
  ASSERT_EQ(FinishKafkaConfig(config, "reviewtrail-query"), "");
  EXPECT_EQ(config.kafka.statistics_interval, std::chrono::milliseconds(0));
  EXPECT_THROW(Parse({"--kafka-statistics-interval-ms", "-1"}), CLI::ValidationError);
  EXPECT_THROW(Parse({"--kafka-statistics-interval-ms", "3600001"}), CLI::ValidationError);
}

TEST(MemoryBudgetOptionTest, DefaultsTo192MiBAndTakesUnitsOrBytes) {
  EXPECT_EQ(Parse({}).memory_budget_bytes, uint64_t{192} << 20);
  EXPECT_EQ(Parse({"--memory-budget", "256MiB"}).memory_budget_bytes, uint64_t{256} << 20);
  EXPECT_EQ(Parse({"--memory-budget", "1GiB"}).memory_budget_bytes, uint64_t{1} << 30);
  EXPECT_EQ(Parse({"--memory-budget", "67108864"}).memory_budget_bytes, uint64_t{64} << 20);
}

TEST(MemoryBudgetOptionTest, TheEnvironmentVariableSetsItAndTheFlagWins) {
  ::setenv("REVIEWTRAIL_MEMORY_BUDGET", "512MiB", 1);
  EXPECT_EQ(Parse({}).memory_budget_bytes, uint64_t{512} << 20);
  EXPECT_EQ(Parse({"--memory-budget", "1GiB"}).memory_budget_bytes, uint64_t{1} << 30);
  ::setenv("REVIEWTRAIL_MEMORY_BUDGET", "lots", 1);
  EXPECT_THROW(Parse({}), CLI::ValidationError);
  ::unsetenv("REVIEWTRAIL_MEMORY_BUDGET");
}

TEST(MemoryBudgetOptionTest, RefusesABadValueNamingTheFlagAndTheRule) {
  for (const char* bad : {"256MB", "1.5GiB", "16MiB", "-1", "lots"}) {
    try {
      (void)Parse({"--memory-budget", bad});
      ADD_FAILURE() << bad << " accepted";
    } catch (const CLI::ValidationError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("--memory-budget"), std::string::npos) << message;
      EXPECT_NE(message.find("optional binary unit KiB, MiB, GiB or TiB"), std::string::npos)
          << message;
      EXPECT_NE(message.find("at least 32MiB"), std::string::npos) << message;
    }
  }
}

TEST(FinishKafkaConfigTest, TopicReplicationDefaultsFitOneAndThreeOrMoreBrokers) {
  eventlog::KafkaLogConfig config;
  EXPECT_EQ(eventlog::KafkaLog::TopicReplication(config, 1), std::make_pair(int16_t{1}, 1));
  EXPECT_EQ(eventlog::KafkaLog::TopicReplication(config, 2), std::make_pair(int16_t{2}, 1));
  EXPECT_EQ(eventlog::KafkaLog::TopicReplication(config, 3), std::make_pair(int16_t{3}, 2));
  EXPECT_EQ(eventlog::KafkaLog::TopicReplication(config, 9), std::make_pair(int16_t{3}, 2));
  config.replication_factor = 5;
  config.min_insync_replicas = 3;
  EXPECT_EQ(eventlog::KafkaLog::TopicReplication(config, 9), std::make_pair(int16_t{5}, 3));
}

class LocalTokensTest : public ::testing::Test {
 protected:
  LocalTokensTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("local-tokens-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~LocalTokensTest() override { std::filesystem::remove_all(dir_); }

  ServerConfig Config(const std::string& issuer, const std::string& audience) {
    ServerConfig config;
    config.data_dir = dir_.string();
    config.tenant = "acme";
    config.token_issuer = issuer;
    config.token_audience = audience;
    return config;
  }

  std::filesystem::path dir_;
};

TEST_F(LocalTokensTest, TokensMintedLocallyCarryTheIssuerAndAudienceTheVerifierRequires) {
  const ServerConfig config = Config("https://idp.example.com/", "reviewtrail");
  auto auth = SetUpAuthentication(config);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto token = MintLocalToken(config, auth->local_key.key,
                              auth::Principal{"acme", "olga", {v1::ROLE_ACTION_OWNER}},
                              std::chrono::hours(1));
  ASSERT_TRUE(token.ok()) << token.status();
  auto principal = auth->verifier->Verify(*token, std::chrono::system_clock::now());
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->person_id, "olga");

  auto admin = EnsureAdminToken(config, auth->local_key.key, *auth->verifier);
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_TRUE(auth->verifier->Verify(*admin, std::chrono::system_clock::now()).ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir_ / "admin.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
}

TEST_F(LocalTokensTest, AnAdminTokenTheVerifierNoLongerAcceptsIsMintedAnew) {
  const ServerConfig before = Config("", "");
  auto first = SetUpAuthentication(before);
  ASSERT_TRUE(first.ok()) << first.status();
  auto old_token = EnsureAdminToken(before, first->local_key.key, *first->verifier);
  ASSERT_TRUE(old_token.ok()) << old_token.status();
  // Same token while it is accepted.
  EXPECT_EQ(*EnsureAdminToken(before, first->local_key.key, *first->verifier), *old_token);

  // An identity provider is configured later: the old token lacks its issuer and audience.
  const ServerConfig after = Config("https://idp.example.com/", "reviewtrail");
  auto second = SetUpAuthentication(after);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->verifier->Verify(*old_token, std::chrono::system_clock::now()),
              reviewtrail::testing::IsError(absl::StatusCode::kUnauthenticated,
                                            "is not the configured issuer"));
  auto new_token = EnsureAdminToken(after, second->local_key.key, *second->verifier);
  ASSERT_TRUE(new_token.ok()) << new_token.status();
  EXPECT_NE(*new_token, *old_token);
  EXPECT_TRUE(second->verifier->Verify(*new_token, std::chrono::system_clock::now()).ok());
  std::string stored;
  std::getline(std::ifstream(dir_ / "admin.token"), stored);
  EXPECT_EQ(stored, *new_token);
}

}  // namespace
}  // namespace reviewtrail::server
