// Event webhooks against a real loopback receiver started by the test (webhook_sink.py, Debian's
// /usr/bin/python3) that fails, times out and recovers, over a real embedded log in a temp dir.
#include "reviewtrail/notifier/webhook_dispatcher.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "child_process.h"
#include "reviewtrail/eventlog/embedded_log.h"

namespace reviewtrail::notifier {
namespace {

using reviewtrail::testing::ChildProcess;
using std::chrono::milliseconds;
constexpr char kPython[] = "/usr/bin/python3";
constexpr auto kWait = std::chrono::seconds(60);

struct Request {
  int number = 0;
  std::string status;
  std::string id;
  std::string type;
  bool signed_ok = false;
  bool structured = false;
};

std::vector<Request> Requests(const std::string& output) {
  static const std::regex kLine(
      R"(request (\d+) status=(\S+) id=(\S+) type=(\S+) subject=\S* signature=(\S+) mode=(\S+))");
  std::vector<Request> requests;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, kLine)) continue;
    requests.push_back({std::stoi(m[1]), m[2], m[3], m[4], m[5] == "ok", m[6] == "ok"});
  }
  return requests;
}

// The ids answered 200, in the order they were answered.
std::vector<std::string> Acknowledged(const std::vector<Request>& requests) {
  std::vector<std::string> ids;
  for (const Request& request : requests) {
    if (request.status == "200") ids.push_back(request.id);
  }
  return ids;
}

class WebhookDispatcherTest : public ::testing::Test {
 protected:
  WebhookDispatcherTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("webhook-dispatcher-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto log = eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 1});
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }
  ~WebhookDispatcherTest() override {
    if (dispatcher_) dispatcher_->Stop();
    dispatcher_.reset();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Appends one event of `tenant` and returns its id. Every third is an ActionAssigned, the rest
  // ProgressReported.
  std::string Append(const std::string& tenant) {
    v1::EventEnvelope event;
    const int n = ++appended_;
    event.set_event_id(tenant + "-e" + std::to_string(n));
    event.set_tenant_id(tenant);
    event.set_aggregate_id("act-" + std::to_string(n));
    event.mutable_occurred_at()->set_seconds(1'765'000'000 + n);
    event.mutable_recorded_at()->set_seconds(1'765'000'000 + n);
    if (n % 3 == 0) {
      event.mutable_action_assigned()->set_action_id(event.aggregate_id());
      event.mutable_action_assigned()->set_title("Action " + std::to_string(n));
    } else {
      event.mutable_progress_reported()->set_action_id(event.aggregate_id());
      event.mutable_progress_reported()->set_note("step " + std::to_string(n));
    }
    EXPECT_TRUE(log_->Append(tenant, std::span(&event, 1)).ok());
    return event.event_id();
  }

  static int PortOf(ChildProcess& sink) {
    const std::string line = sink.WaitForLine("listening ", kWait);
    EXPECT_FALSE(line.empty()) << sink.output();
    return line.empty() ? 0 : std::stoi(line.substr(line.find("listening ") + 10));
  }

  static EventWebhook Endpoint(const std::string& name, int port,
                               std::vector<std::string> types = {}) {
    return EventWebhook{.tenant_id = "acme",
                        .name = name,
                        .target = {.url = "http://127.0.0.1:" + std::to_string(port) + "/events",
                                   .secret = "s3cret",
                                   .timeout = milliseconds(500)},
                        .event_types = std::move(types)};
  }

  void StartDispatcher() {
    config_.retry.initial_backoff = milliseconds(10);
    config_.retry.max_backoff = milliseconds(50);
    auto started = WebhookDispatcher::Start(
        *log_, clock_, registry_, {.store_path = (dir_ / "webhooks").string(), .config = config_});
    ASSERT_TRUE(started.ok()) << started.status();
    dispatcher_ = *std::move(started);
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  // Waits until the sink has printed a line holding `needle` answered 200.
  static void WaitForAcknowledged(ChildProcess& sink, const std::string& id) {
    ASSERT_FALSE(sink.WaitForLine("status=200 id=" + id + " ", kWait).empty()) << sink.output();
  }

  // Waits until the metrics hold `series`.
  bool WaitForMetric(const std::string& series) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Metrics().find(series) != std::string::npos) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  // Waits until the stored cursor of `label` is `offset`.
  bool WaitForCursor(const std::string& label, int64_t offset) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (std::chrono::steady_clock::now() < deadline) {
      auto cursor = dispatcher_->Cursor(label);
      if (cursor.ok() && cursor->offset == offset) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  runtime::SystemClock clock_;
  prometheus::Registry registry_;
  WebhooksConfig config_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
  int appended_ = 0;
};

TEST_F(WebhookDispatcherTest, DeliversEveryEventInLogOrderSignedThroughFailuresAndATimeout) {
  ChildProcess all(kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret", "--fail",
                             "2,3", "--stall", "5"});
  ChildProcess assignments(
      kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret", "--fail", "1"});
  config_.endpoints = {Endpoint("all", PortOf(all)),
                       Endpoint("assignments", PortOf(assignments), {"ActionAssigned"})};
  std::vector<std::string> acme;
  std::vector<std::string> assigned;
  for (int i = 0; i < 6; ++i) {
    acme.push_back(Append("acme"));
    if (appended_ % 3 == 0) assigned.push_back(acme.back());
    Append("beta");  // another tenant in the same partition: never sent
  }
  StartDispatcher();
  for (int i = 0; i < 6; ++i) {  // events appended while it delivers
    acme.push_back(Append("acme"));
    if (appended_ % 3 == 0) assigned.push_back(acme.back());
    Append("beta");
  }
  WaitForAcknowledged(all, acme.back());
  WaitForAcknowledged(assignments, assigned.back());

  const std::vector<Request> requests = Requests(all.output());
  EXPECT_EQ(Acknowledged(requests), acme) << all.output();
  EXPECT_EQ(Acknowledged(Requests(assignments.output())), assigned) << assignments.output();
  // Each failed or timed-out attempt is followed by the same event again.
  for (size_t i = 0; i + 1 < requests.size(); ++i) {
    if (requests[i].status != "200") {
      EXPECT_EQ(requests[i + 1].id, requests[i].id);
    }
  }
  for (const Request& request : requests) {
    EXPECT_TRUE(request.signed_ok) << request.number;
    EXPECT_TRUE(request.structured) << request.number;
    EXPECT_TRUE(request.type == "reviewtrail.v1.ProgressReported" ||
                request.type == "reviewtrail.v1.ActionAssigned")
        << request.type;
  }
  EXPECT_EQ(requests.size(), acme.size() + 3);  // 2 answered 500, 1 timed out
  EXPECT_TRUE(WaitForCursor("acme/all", log_->EndOffset(0).value())) << Metrics();
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("reviewtrail_webhook_deliveries_total{endpoint=\"acme/all\"} 12"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reviewtrail_webhook_failed_attempts_total{endpoint=\"acme/all\"} 3"),
            std::string::npos);
  EXPECT_NE(metrics.find("reviewtrail_webhook_deliveries_total{endpoint=\"acme/assignments\"} 4"),
            std::string::npos);
  EXPECT_NE(metrics.find("reviewtrail_webhook_endpoint_paused{endpoint=\"acme/all\"} 0"),
            std::string::npos);
}

TEST_F(WebhookDispatcherTest, PausesAfterRepeatedFailuresKeepsItsCursorAndResumesInOrder) {
  // Attempts 1-3 fail (paused after 3), the probes 4 and 5 fail too, the 6th is answered.
  ChildProcess sink(
      kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret", "--fail", "1,2,3,4,5"});
  config_.endpoints = {Endpoint("risk", PortOf(sink))};
  config_.pause_after_failures = 3;
  config_.probe_interval = milliseconds(1'000);
  std::vector<std::string> acme;
  for (int i = 0; i < 4; ++i) acme.push_back(Append("acme"));
  StartDispatcher();

  ASSERT_TRUE(WaitForMetric("reviewtrail_webhook_endpoint_paused{endpoint=\"acme/risk\"} 1"))
      << Metrics() << sink.output();
  auto cursor = dispatcher_->Cursor("acme/risk");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->offset, 0);  // nothing skipped while paused

  WaitForAcknowledged(sink, acme.back());
  const std::vector<Request> requests = Requests(sink.output());
  EXPECT_EQ(Acknowledged(requests), acme) << sink.output();
  ASSERT_GE(requests.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(requests[i].id, acme.front()) << sink.output();
  EXPECT_TRUE(WaitForMetric("reviewtrail_webhook_endpoint_paused{endpoint=\"acme/risk\"} 0"));
  EXPECT_TRUE(WaitForCursor("acme/risk", 4));
  EXPECT_NE(Metrics().find("reviewtrail_webhook_failed_attempts_total{endpoint=\"acme/risk\"} 5"),
            std::string::npos);
}

TEST_F(WebhookDispatcherTest, ARestartResumesFromTheCursorAndANewEndpointCanStartAtTheEnd) {
  ChildProcess sink(kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret"});
  const int port = PortOf(sink);
  config_.endpoints = {Endpoint("risk", port)};
  std::vector<std::string> acme;
  for (int i = 0; i < 3; ++i) acme.push_back(Append("acme"));
  StartDispatcher();
  WaitForAcknowledged(sink, acme.back());
  ASSERT_TRUE(WaitForCursor("acme/risk", 3));
  dispatcher_->Stop();
  dispatcher_.reset();

  for (int i = 0; i < 3; ++i) acme.push_back(Append("acme"));
  EventWebhook late = Endpoint("late", port);
  late.start_at_now = true;
  config_.endpoints.push_back(late);
  StartDispatcher();
  const std::string after = Append("acme");
  acme.push_back(after);
  WaitForAcknowledged(sink, after);
  ASSERT_TRUE(WaitForCursor("acme/risk", 7));
  ASSERT_TRUE(WaitForCursor("acme/late", 7));

  // "risk" got every event once; "late" only the one appended after it started.
  sink.Drain();  // both acknowledgements of `after` were printed before they were answered
  std::vector<std::string> acknowledged = Acknowledged(Requests(sink.output()));
  std::vector<std::string> expected = acme;
  expected.push_back(after);
  std::sort(acknowledged.begin(), acknowledged.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(acknowledged, expected) << sink.output();
}

}  // namespace
}  // namespace reviewtrail::notifier
