// docs/SUBSCRIBERS.md, run: every `sh` and `python` example of the guide is tagged with the setting
// it runs in (`test:kafka`, `test:stream`, `test:stream-python`) and runs here, in order, from a
// directory holding a copy of proto/, against librdkafka's mock cluster (Kafka) or the real
// reviewtrail-server (the gRPC stream). The `#   ` lines under an example are its output: each
// must match a line it printed (stdout or stderr), in order, `…` matching anything.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "server_process.h"

namespace reviewtrail::testing {
namespace {

namespace fs = std::filesystem;
constexpr auto kRunTimeout = std::chrono::seconds(120);
constexpr char kDone[] = "__example_done__";

struct Example {
  std::string language;  // sh or python
  std::string setting;   // kafka, stream, stream-python
  std::string file;      // python: the file it is saved as
  std::string code;
  std::vector<std::string> output;  // the `#   ` lines
  int line = 0;
};

std::vector<Example> ReadGuide() {
  std::ifstream in(fs::path(REVIEWTRAIL_SOURCE_DIR) / "docs" / "SUBSCRIBERS.md");
  EXPECT_TRUE(in.good());
  std::vector<Example> examples;
  std::string line;
  int number = 0;
  Example* open = nullptr;
  bool in_other_block = false;
  while (std::getline(in, line)) {
    ++number;
    if (open != nullptr) {
      if (line == "```") {
        open = nullptr;
        continue;
      }
      open->code += line + "\n";
      if (line.rfind("#   ", 0) == 0) open->output.push_back(line.substr(4));
      continue;
    }
    if (line.rfind("```", 0) != 0) continue;
    if (in_other_block) {
      in_other_block = false;
      continue;
    }
    std::istringstream info(line.substr(3));
    Example example;
    example.line = number;
    info >> example.language;
    std::string word;
    while (info >> word) {
      if (word.rfind("test:", 0) == 0) example.setting = word.substr(5);
      if (word.rfind("file=", 0) == 0) example.file = word.substr(5);
    }
    if (example.language != "sh" && example.language != "python") {
      in_other_block = true;
      continue;
    }
    examples.push_back(example);
    open = &examples.back();
  }
  return examples;
}

// "…" matches anything; the rest literally; surrounding spaces ignored.
bool LineMatches(const std::string& expected, const std::string& actual) {
  static const std::regex kSpecial(R"([.^$|()\[\]{}*+?\\])");
  static const std::string kEllipsis = "\xE2\x80\xA6";
  const auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(" \r") + 1);
    return s;
  };
  std::string pattern;
  const std::string text = trim(expected);
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, kEllipsis.size(), kEllipsis) == 0) {
      pattern += ".*";
      i += kEllipsis.size();
    } else {
      pattern += std::regex_replace(std::string(1, text[i]), kSpecial, R"(\$&)");
      ++i;
    }
  }
  return std::regex_match(trim(actual), std::regex(pattern));
}

class SubscribersGuideTest : public ::testing::Test {
 protected:
  SubscribersGuideTest() {
    dir_ = fs::temp_directory_path() /
           ("subscribers-guide-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "config");
    fs::copy(fs::path(REVIEWTRAIL_SOURCE_DIR) / "proto", dir_ / "proto",
             fs::copy_options::recursive);
  }
  ~SubscribersGuideTest() override { fs::remove_all(dir_); }

  // Runs `script` with bash in the work directory, with the variables the previous scripts
  // exported (as a reader's shell keeps them); returns what it printed, or fails the test.
  std::string RunScript(const std::string& script, const std::string& env, int line) {
    const std::string path = (dir_ / "example.sh").string();
    std::ofstream(path) << "set -eo pipefail\ncd '" << dir_.string() << "'\n"
                        << "export PATH='"
                        << fs::path(REVIEWTRAIL_CLI_BINARY).parent_path().string() << ":"
                        << fs::path(REVIEWTRAIL_SERVER_BINARY).parent_path().string()
                        << ":/usr/bin:/bin'\nexport XDG_CONFIG_HOME='" << (dir_ / "config").string()
                        << "'\n"
                        << env << "[ -f exports.sh ] && . ./exports.sh\n"
                        << script << "\nexport -p > exports.sh\necho " << kDone << "\n";
    ChildProcess bash("/bin/bash", {path});
    const std::string done = bash.WaitForLine(kDone, kRunTimeout);
    EXPECT_FALSE(done.empty()) << "the example at docs/SUBSCRIBERS.md:" << line << " failed:\n"
                               << script << "\n--- its output:\n"
                               << bash.output();
    return bash.output();
  }

  // Runs the examples of `setting` in order: python ones are saved as their file, sh ones run.
  void RunExamples(const std::string& setting, const std::string& env) {
    int ran = 0;
    for (const Example& example : ReadGuide()) {
      if (example.setting != setting) continue;
      SCOPED_TRACE("docs/SUBSCRIBERS.md:" + std::to_string(example.line));
      if (example.language == "python") {
        ASSERT_FALSE(example.file.empty()) << "a python example needs file=NAME";
        std::ofstream(dir_ / example.file) << example.code;
        continue;
      }
      ++ran;
      const std::string output = RunScript(example.code, env, example.line);
      std::istringstream lines(output);
      std::string actual;
      for (const std::string& expected : example.output) {
        if (expected.find_first_not_of(" \xE2\x80\xA6") == std::string::npos) continue;  // "…"
        std::string wanted = expected;
        if (const size_t note = wanted.find("(on stderr)"); note != std::string::npos) {
          wanted.erase(note);
        }
        bool found = false;
        while (!found && std::getline(lines, actual)) found = LineMatches(wanted, actual);
        EXPECT_TRUE(found) << "expected output line '" << wanted << "' not printed by:\n"
                           << example.code << "\n--- it printed:\n"
                           << output;
        if (!found) break;
      }
    }
    EXPECT_GT(ran, 0) << "no example runs in " << setting;
  }

  fs::path dir_;
};

TEST(SubscribersGuideExamplesTest, EveryExampleSaysWhereItRuns) {
  const std::vector<Example> examples = ReadGuide();
  ASSERT_FALSE(examples.empty());
  for (const Example& example : examples) {
    EXPECT_TRUE(example.setting == "kafka" || example.setting == "stream" ||
                example.setting == "stream-python" || example.setting == "webhook-setup" ||
                example.setting == "webhook")
        << "docs/SUBSCRIBERS.md:" << example.line << " has no test:SETTING tag";
  }
}

TEST(SubscribersGuideExamplesTest, TheMatcherTakesTheEllipsisAsAWildcardOnly) {
  EXPECT_TRUE(LineMatches("0:1  reviewtrail.v1.ReviewHeld  rev-\xE2\x80\xA6",
                          "0:1  reviewtrail.v1.ReviewHeld  rev-42"));
  EXPECT_FALSE(LineMatches("0:1  reviewtrail.v1.ReviewHeld", "0:1  reviewtrailXv1.ReviewHeld"));
  EXPECT_FALSE(LineMatches("0:1 x", "0:12 x"));
}

TEST_F(SubscribersGuideTest, KafkaExamplesRunAgainstATopic) {
  auto cluster = eventlog::MockKafkaCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_TRUE((*cluster)->CreateTopic(eventlog::kDefaultEventTopic, 1, 1).ok());
  eventlog::KafkaLogConfig config;
  config.bootstrap_servers = (*cluster)->bootstrap_servers();
  config.partition_count = 1;
  auto log = eventlog::KafkaLog::Open(config);
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<v1::EventEnvelope> events(3);
  for (int i = 0; i < 3; ++i) {
    events[i].set_event_id("acme-e" + std::to_string(i));
    events[i].set_tenant_id("acme");
    events[i].mutable_occurred_at()->set_seconds(1'765'000'000 + i);
  }
  events[0].set_aggregate_id("rev-1");
  events[0].mutable_review_held()->set_review_id("rev-1");
  events[0].mutable_review_held()->set_title("ISMS management review Q4");
  events[1].set_aggregate_id("act-1");
  events[1].mutable_action_assigned()->set_action_id("act-1");
  events[1].mutable_action_assigned()->set_review_id("rev-1");
  events[2].set_aggregate_id("act-1");
  events[2].mutable_closure_approved()->set_action_id("act-1");
  ASSERT_TRUE((*log)->Append("acme", events).ok());

  RunExamples("kafka", "export BOOTSTRAP='" + (*cluster)->bootstrap_servers() + "'\n");
}

class SubscribersGuideStreamTest : public SubscribersGuideTest {
 protected:
  void SetUp() override { StartServerWithHistory({}); }

  // Starts reviewtrail-server (with `arguments` added) and records what the examples then read:
  // a person, a review and its decision, recorded by the admin.
  void StartServerWithHistory(const std::vector<std::string>& arguments) {
    std::vector<std::string> all{"--data-dir",       (dir_ / "data").string(),
                                 "--listen",         "127.0.0.1:0",
                                 "--metrics-listen", "",
                                 "--tenant",         "acme",
                                 "--partitions",     "1"};
    all.insert(all.end(), arguments.begin(), arguments.end());
    server_ = std::make_unique<ChildProcess>(REVIEWTRAIL_SERVER_BINARY, all);
    const std::string address = GrpcAddressOf(*server_, std::chrono::seconds(60));
    ASSERT_FALSE(address.empty());
    env_ += "export REVIEWTRAIL_ADDRESS=" + address + "\n";
    RunScript(R"(export REVIEWTRAIL_TOKEN=$(cat data/admin.token)
reviewtrail person register --person dana --display-name "Dana Schulz" --email dana@example.com
REVIEW=$(reviewtrail --json review record --title "ISMS management review Q4" \
  --held-on 2026-11-20 --chair dana --attendee dana --input a | jq -r .aggregate_id)
reviewtrail decision record --review "$REVIEW" --category improvement \
  --summary "Phishing awareness training" --rationale "Audit finding NC-2026-03")",
              env_, 0);
    fs::remove(dir_ / "exports.sh");  // the examples start without the admin's token
  }

  std::unique_ptr<ChildProcess> server_;
  std::string env_;
};

TEST_F(SubscribersGuideStreamTest, StreamExamplesRunAgainstTheServer) {
  RunExamples("stream", env_);
}

TEST_F(SubscribersGuideStreamTest, PythonStreamExampleRunsAgainstTheServer) {
  ChildProcess probe("/usr/bin/python3", {"-c", "import grpc, google.protobuf; print('grpc ok')"});
  if (probe.WaitForLine("grpc ok", std::chrono::seconds(30)).empty()) {
    GTEST_SKIP() << "python3-grpcio or python3-protobuf is not installed: " << probe.output();
  }
  // The token the guide's first stream example mints.
  RunExamples("stream-python",
              env_ +
                  "export REVIEWTRAIL_TOKEN=$(reviewtrail-server token --data-dir ./data "
                  "--tenant acme --subject warehouse --role subscriber)\n");
}

// The webhook section: its setup (the receiver, started in the background, and the configuration),
// then the server started with that configuration as the guide says, then what the receiver got.
class SubscribersGuideWebhookTest : public SubscribersGuideStreamTest {
 protected:
  void SetUp() override {}
  void TearDown() override {
    pid_t receiver = 0;
    if (std::ifstream(dir_ / "receiver.pid") >> receiver; receiver > 0) ::kill(receiver, SIGTERM);
  }

  // A port nobody listens on now (the kernel's choice), for the guide's receiver.
  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
  }
};

TEST_F(SubscribersGuideWebhookTest, WebhookExamplesReceiveSignedEventsFromTheServer) {
  env_ = "export PORT=" + std::to_string(FreePort()) + "\n";
  RunExamples("webhook-setup", env_);
  ASSERT_TRUE(fs::exists(dir_ / "webhooks.json"));
  StartServerWithHistory({"--webhooks-config", (dir_ / "webhooks.json").string()});
  RunExamples("webhook", env_);
}

}  // namespace
}  // namespace reviewtrail::testing
