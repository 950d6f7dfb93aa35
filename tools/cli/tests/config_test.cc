#include "reviewtrail/cli/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "temp_dir.h"

namespace reviewtrail::cli {
namespace {

using ::testing::HasSubstr;

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(ResolveConnectionTest, DefaultsWithoutAnySource) {
  Result<ConnectionSettings> settings = ResolveConnection({}, FakeEnv({}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings->address, "127.0.0.1:7443");
  EXPECT_EQ(settings->token, "");
  EXPECT_FALSE(settings->tls);
  EXPECT_EQ(settings->timeout, std::chrono::seconds(10));
}

TEST(ResolveConnectionTest, FlagBeatsEnvironmentBeatsConfigFile) {
  test_support::TempDir dir;
  const std::string config = dir.Write("cli.ini",
                                       "address = \"config:1\"\n"
                                       "timeout = 30\n"
                                       "tls = true\n"
                                       "token = config-token\n");
  ConnectionFlags flags;
  flags.config_file = config;
  flags.address = "flag:1";
  Result<ConnectionSettings> settings = ResolveConnection(
      flags, FakeEnv({{"REVIEWTRAIL_ADDRESS", "env:1"}, {"REVIEWTRAIL_TIMEOUT", "2.5"}}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_EQ(settings->address, "flag:1");
  EXPECT_EQ(settings->timeout, std::chrono::milliseconds(2500));
  EXPECT_TRUE(settings->tls);
  EXPECT_EQ(settings->token, "config-token");
}

TEST(ResolveConnectionTest, FindsTheConfigFileThroughEnvironmentOrXdgDefault) {
  test_support::TempDir dir;
  dir.Write("named.ini", "address = named:1\n");
  std::filesystem::create_directories(dir.path() / "reviewtrail");
  dir.Write("reviewtrail/cli.ini", "address = xdg:1\n");
  const std::string home = dir.path().string();

  Result<ConnectionSettings> named = ResolveConnection(
      {}, FakeEnv({{"REVIEWTRAIL_CONFIG", home + "/named.ini"}, {"XDG_CONFIG_HOME", home}}));
  ASSERT_TRUE(named.ok()) << named.error();
  EXPECT_EQ(named->address, "named:1");

  Result<ConnectionSettings> xdg = ResolveConnection({}, FakeEnv({{"XDG_CONFIG_HOME", home}}));
  ASSERT_TRUE(xdg.ok()) << xdg.error();
  EXPECT_EQ(xdg->address, "xdg:1");
  EXPECT_EQ(DefaultConfigPath(FakeEnv({{"HOME", "/home/dana"}})),
            "/home/dana/.config/reviewtrail/cli.ini");
}

TEST(ResolveConnectionTest, ReadsTheTokenFileAndPrefersATokenOfTheSameLevel) {
  test_support::TempDir dir;
  const std::string token_file = dir.Write("token", "  file-token\n");
  Result<ConnectionSettings> from_file =
      ResolveConnection({}, FakeEnv({{"REVIEWTRAIL_TOKEN_FILE", token_file}}));
  ASSERT_TRUE(from_file.ok()) << from_file.error();
  EXPECT_EQ(from_file->token, "file-token");

  Result<ConnectionSettings> both = ResolveConnection(
      {}, FakeEnv({{"REVIEWTRAIL_TOKEN_FILE", token_file}, {"REVIEWTRAIL_TOKEN", "env-token"}}));
  ASSERT_TRUE(both.ok()) << both.error();
  EXPECT_EQ(both->token, "env-token");

  ConnectionFlags flags;
  flags.token_file = token_file;
  Result<ConnectionSettings> flag_file =
      ResolveConnection(flags, FakeEnv({{"REVIEWTRAIL_TOKEN", "env-token"}}));
  ASSERT_TRUE(flag_file.ok()) << flag_file.error();
  EXPECT_EQ(flag_file->token, "file-token");
}

TEST(ResolveConnectionTest, CertificatesImplyTls) {
  ConnectionFlags flags;
  flags.ca_cert = "/etc/reviewtrail/ca.pem";
  Result<ConnectionSettings> settings = ResolveConnection(flags, FakeEnv({}));
  ASSERT_TRUE(settings.ok()) << settings.error();
  EXPECT_TRUE(settings->tls);
}

TEST(ResolveConnectionTest, ExplainsMistakesNamingTheirSource) {
  test_support::TempDir dir;
  ConnectionFlags missing_config;
  missing_config.config_file = (dir.path() / "nope.ini").string();
  EXPECT_THAT(ResolveConnection(missing_config, FakeEnv({})).error(),
              HasSubstr("--config: config file"));

  ConnectionFlags unknown_key;
  unknown_key.config_file = dir.Write("bad.ini", "adress = x:1\n");
  EXPECT_THAT(ResolveConnection(unknown_key, FakeEnv({})).error(),
              HasSubstr("unknown setting 'adress'"));

  EXPECT_THAT(ResolveConnection({}, FakeEnv({{"REVIEWTRAIL_TIMEOUT", "soon"}})).error(),
              HasSubstr("REVIEWTRAIL_TIMEOUT: must be a number of seconds"));
  EXPECT_THAT(ResolveConnection({}, FakeEnv({{"REVIEWTRAIL_TLS", "maybe"}})).error(),
              HasSubstr("REVIEWTRAIL_TLS: must be true or false"));
  EXPECT_THAT(
      ResolveConnection({}, FakeEnv({{"REVIEWTRAIL_TOKEN_FILE", "/no/such/token"}})).error(),
      HasSubstr("cannot read token file"));

  ConnectionFlags half_mtls;
  half_mtls.client_cert = "/etc/reviewtrail/me.pem";
  EXPECT_THAT(ResolveConnection(half_mtls, FakeEnv({})).error(), HasSubstr("--client-key"));
}

}  // namespace
}  // namespace reviewtrail::cli
