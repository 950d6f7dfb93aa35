// Delivery over real loopback servers started by the test: a webhook receiver and an SMTP sink
// (Debian's /usr/bin/python3), through the whole notifier.
#include <prometheus/text_serializer.h>

#include <regex>

#include "child_process.h"
#include "notifier_fixture.h"

namespace reviewtrail::notifier::testing {
namespace {

using reviewtrail::testing::ChildProcess;
constexpr char kPython[] = "/usr/bin/python3";
constexpr auto kWait = std::chrono::seconds(30);

int PortOf(ChildProcess& child) {
  const std::string line = child.WaitForLine("listening ", kWait);
  EXPECT_FALSE(line.empty()) << child.output();
  return line.empty() ? 0 : std::stoi(line.substr(line.find("listening ") + 10));
}

std::vector<std::string> Lines(const std::string& output, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

class ChannelDeliveryTest : public NotifierTest {
 protected:
  std::string Metrics() {
    return prometheus::TextSerializer().Serialize(registries_.back()->Collect());
  }

  void UseWebhook(int port) {
    config_.defaults.channel = v1::NOTIFICATION_CHANNEL_WEBHOOK;
    config_.defaults.webhook.url = "http://127.0.0.1:" + std::to_string(port) + "/hooks/rt";
    config_.defaults.webhook.secret = "s3cret";
    config_.defaults.webhook.timeout = std::chrono::milliseconds(500);
  }
};

TEST_F(ChannelDeliveryTest, WebhookRetriesAfter500AndTimeoutWithSignedBodyAndStableKey) {
  ChildProcess sink(kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret", "--fail",
                              "1", "--stall", "2"});
  UseWebhook(PortOf(sink));
  const std::string action = Assign("assign-a", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 12, 8, 10));
  ASSERT_FALSE(sink.WaitForLine("request 3 ", kWait).empty()) << sink.output();
  ASSERT_FALSE(sink.WaitForLine("request 2 ", kWait).empty()) << sink.output();

  const std::string key = "key=fu:r7:2026-12-15:" + action + " signature=ok recipient=olga";
  const std::vector<std::string> requests = Lines(sink.output(), "request ");
  ASSERT_EQ(requests.size(), 3u) << sink.output();
  for (const std::string& request : requests) {
    EXPECT_NE(request.find(key), std::string::npos) << request;
  }
  EXPECT_NE(sink.output().find("request 1 status=500"), std::string::npos);
  EXPECT_NE(sink.output().find("request 3 status=200"), std::string::npos);
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find(
                "reviewtrail_notifier_deliveries_total{channel=\"webhook\",result=\"retried\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find(
          "reviewtrail_notifier_deliveries_total{channel=\"webhook\",result=\"delivered\"} 1"),
      std::string::npos);
}

TEST_F(ChannelDeliveryTest, PermanentlyRefusedWebhookIsCountedAndDoesNotBlockOthers) {
  ChildProcess sink(
      kPython, {NOTIFIER_TEST_DIR "/webhook_sink.py", "--secret", "s3cret", "--refuse", "oscar"});
  UseWebhook(PortOf(sink));
  Assign("assign-a", "oscar", Day(2026, 12, 15));
  Assign("assign-b", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 12, 8, 10));
  ASSERT_FALSE(sink.WaitForLine("request 2 ", kWait).empty()) << sink.output();

  const std::vector<std::string> requests = Lines(sink.output(), "request ");
  ASSERT_EQ(requests.size(), 2u) << sink.output();  // the refused one is not retried
  EXPECT_NE(sink.output().find("status=400 key=fu:r7:2026-12-15:"), std::string::npos);
  EXPECT_NE(sink.output().find("status=200 key=fu:r7:2026-12-15:"), std::string::npos);
  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find(
                "reviewtrail_notifier_deliveries_total{channel=\"webhook\",result=\"failed\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find(
          "reviewtrail_notifier_deliveries_total{channel=\"webhook\",result=\"delivered\"} 1"),
      std::string::npos);
}

TEST_F(ChannelDeliveryTest, EscalationEmailNamesActionOwnerDueDateAndDaysOverdue) {
  ChildProcess sink(kPython, {"-W", "ignore", NOTIFIER_TEST_DIR "/smtp_sink.py"});
  const int port = PortOf(sink);
  config_.defaults.channel = v1::NOTIFICATION_CHANNEL_EMAIL;
  config_.defaults.email.smtp_url = "smtp://127.0.0.1:" + std::to_string(port);
  config_.defaults.email.from = "reviewtrail@acme.example";
  config_.defaults.link_template = "https://rt.acme.example/actions/{action_id}";
  const std::string action = Assign("assign-a", "olga", Day(2026, 12, 15));
  StartNotifier();
  Step(At(2026, 12, 16, 10));  // the first overdue day: level 1 to olga's manager
  ASSERT_FALSE(sink.WaitForLine("end of mail", kWait).empty()) << sink.output();

  const std::string& mail = sink.output();
  for (const std::string& part : std::vector<std::string>{
           "mail from=reviewtrail@acme.example to=mark@acme.example",
           "| Subject: [ReviewTrail] Escalation level 1: \"Enforce MFA on the VPN assign-a\" is 1 "
           "day overdue",
           "| To: mark@acme.example", "| Message-ID: <fu:e1.0:2026-12-15:" + action,
           "| Owner:        Person olga (olga)", "| Due date:     2026-12-15", "| Days overdue: 1",
           "| Link:         https://rt.acme.example/actions/" + action}) {
    EXPECT_NE(mail.find(part), std::string::npos) << part << "\n" << mail;
  }
  EXPECT_EQ(History(action), (std::vector<std::string>{"e1:1>mark"}));
}

}  // namespace
}  // namespace reviewtrail::notifier::testing
