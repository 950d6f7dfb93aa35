// Unit tests of the notifier's pure parts: the timer queue, the configuration, messages, records.
#include <gtest/gtest.h>

#include "message_composer.h"
#include "reviewtrail/followup/stored_records.h"
#include "reviewtrail/notifier/notifier_config.h"
#include "reviewtrail/notifier/webhooks_config.h"
#include "status_matchers.h"
#include "timer_queue.h"

namespace reviewtrail::notifier {
namespace {

using ::reviewtrail::testing::IsError;

using std::chrono::hours;
using Time = std::chrono::system_clock::time_point;

TEST(TimerQueueTest, PopsDueKeysEarliestFirstAndMovesRescheduledOnes) {
  TimerQueue queue;
  const Time t0{hours(1000)};
  queue.Schedule("a", t0 + hours(3));
  queue.Schedule("b", t0 + hours(1));
  queue.Schedule("c", t0 + hours(2));
  queue.Schedule("a", t0 + hours(0));  // moved earlier
  queue.Cancel("c");
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(*queue.NextAt(), t0);
  EXPECT_EQ(queue.PopDue(t0 + hours(1)), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(queue.NextAt().has_value());
  EXPECT_TRUE(queue.PopDue(t0 + hours(9)).empty());
}

TEST(NotifierConfigTest, TenantSettingsOverrideTheDefault) {
  auto config = ParseNotifierConfig(R"({
    "default": {"reminder_days_before": [14, 2], "send_at": "07:30", "channel": "email",
                "escalation_contact": "ciso", "email": {"smtp_url": "smtp://relay:587",
                "from": "rt@acme.example"}},
    "tenants": {"acme": {"level2_days_overdue": 10, "channel": "webhook",
                         "webhook": {"url": "https://hooks.acme.example/rt", "secret": "s3"},
                         "recipients": {"olga": {"channel": "log", "email": "o@x.example"}}}}
  })");
  ASSERT_TRUE(config.ok()) << config.status();
  const TenantSettings& acme = config->For("acme");
  EXPECT_EQ(acme.policy.reminder_days_before, (std::vector<int>{14, 2}));
  EXPECT_EQ(acme.policy.level2_days_overdue, 10);
  EXPECT_EQ(acme.policy.send_at, std::chrono::minutes(7 * 60 + 30));
  EXPECT_EQ(acme.escalation_contact_id, "ciso");
  EXPECT_EQ(acme.ChannelFor("olga"), v1::NOTIFICATION_CHANNEL_LOG);
  EXPECT_EQ(acme.ChannelFor("mark"), v1::NOTIFICATION_CHANNEL_WEBHOOK);
  EXPECT_EQ(acme.email.smtp_url, "smtp://relay:587");
  EXPECT_EQ(acme.webhook.secret, "s3");
  EXPECT_EQ(config->For("other").channel, v1::NOTIFICATION_CHANNEL_EMAIL);
  EXPECT_EQ(config->For("other").policy.level2_days_overdue, 7);
}

TEST(NotifierConfigTest, MalformedValuesNameTheKeyAndRule) {
  auto bad_channel = ParseNotifierConfig(R"({"default": {"channel": "pigeon"}})");
  EXPECT_EQ(bad_channel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_channel.status().message().find("default.channel"), std::string::npos);
  auto bad_level = ParseNotifierConfig(R"({"tenants": {"acme": {"level1_days_overdue": 0}}})");
  EXPECT_NE(bad_level.status().message().find("tenants.acme.level1_days_overdue"),
            std::string::npos);
  EXPECT_THAT(ParseNotifierConfig(R"({"default": {"send_at": "25:00"}})"),
              IsError(absl::StatusCode::kInvalidArgument, "default.send_at must be \"HH:MM\""));
  EXPECT_THAT(ParseNotifierConfig(R"({"defaults": {}})"),
              IsError(absl::StatusCode::kInvalidArgument, "defaults is not a known key"));
  EXPECT_THAT(ParseNotifierConfig("not json"),
              IsError(absl::StatusCode::kInvalidArgument, "(document) must be a JSON object"));
}

TEST(NotifierConfigTest, SendAtIsExactlyHoursColonMinutes) {
  // Found by tests/fuzz fuzz_notifier_config: "9:5", " 9:30" and "09:30 tomorrow" were read as
  // times (the rest ignored); only "HH:MM" is the documented form.
  auto midnight = ParseNotifierConfig(R"({"default": {"send_at": "00:00"}})");
  ASSERT_TRUE(midnight.ok()) << midnight.status();
  EXPECT_EQ(midnight->defaults.policy.send_at, std::chrono::minutes(0));
  auto last = ParseNotifierConfig(R"({"default": {"send_at": "23:59"}})");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->defaults.policy.send_at, std::chrono::minutes(23 * 60 + 59));
  for (const char* text : {"9:5", "9:30", " 09:30", "09:30 tomorrow", "09:30:00", "+9:30", "09-30",
                           "24:00", "12:60", "", "0x:10"}) {
    auto bad = ParseNotifierConfig(std::string(R"({"tenants": {"acme": {"send_at": ")") + text +
                                   R"("}}})");
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(bad.status().message().find("tenants.acme.send_at must be \"HH:MM\""),
              std::string::npos)
        << text << ": " << bad.status();
  }
}

followup::DeliveryJob Job(int level, int days) {
  return followup::DeliveryJob{.tenant_id = "acme",
                               .action_id = "act-9",
                               .title = "Patch the VPN",
                               .owner_id = "olga",
                               .due_date = {2026, 12, 15},
                               .level = level,
                               .days = days,
                               .recipient_id = "mark",
                               .channel = v1::NOTIFICATION_CHANNEL_EMAIL,
                               .command_id = "fu:e1.0:2026-12-15:act-9",
                               .event_id = "ev-1",
                               .recorded_at_ms = 1};
}

TEST(MessageComposerTest, EscalationNamesActionOwnerDueDateDaysOverdueAndLink) {
  TenantSettings settings;
  settings.link_template = "https://rt.acme.example/{tenant_id}/actions/{action_id}";
  const Message message =
      ComposeMessage(Job(1, 3), settings, followup::StoredPerson{.display_name = "Olga Owner"},
                     followup::StoredPerson{.display_name = "Mark", .email = "mark@acme.example"});
  EXPECT_EQ(message.subject,
            "[ReviewTrail] Escalation level 1: \"Patch the VPN\" is 3 days overdue");
  EXPECT_EQ(message.recipient_email, "mark@acme.example");
  for (const char* part : {"Patch the VPN (act-9)", "Olga Owner (olga)", "Due date:     2026-12-15",
                           "Days overdue: 3", "https://rt.acme.example/acme/actions/act-9"}) {
    EXPECT_NE(message.text.find(part), std::string::npos) << part << "\n" << message.text;
  }
  EXPECT_NE(message.json.find("\"days_overdue\":3"), std::string::npos) << message.json;
  EXPECT_NE(message.json.find("\"command_id\":\"fu:e1.0:2026-12-15:act-9\""), std::string::npos);
}

TEST(MessageComposerTest, ConfiguredAddressWinsOverTheRegisteredOne) {
  TenantSettings settings;
  settings.recipient_emails["mark"] = "boss@acme.example";
  const Message message = ComposeMessage(Job(0, 7), settings, std::nullopt,
                                         followup::StoredPerson{.email = "m@acme.example"});
  EXPECT_EQ(message.recipient_email, "boss@acme.example");
  EXPECT_NE(message.text.find("Days to due:  7"), std::string::npos);
}

TEST(WebhooksConfigTest, ParsesEndpointsPerTenantWithDefaults) {
  auto config = ParseWebhooksConfig(R"({
    "pause_after_failures": 4, "probe_interval_ms": 30000,
    "tenants": {"acme": {
      "risk-register": {"url": "https://risk.example.org/hooks", "secret": "k1",
                        "event_types": ["ActionAssigned", "reviewtrail.v1.ClosureApproved"]},
      "warehouse": {"url": "http://127.0.0.1:9000/", "secret": "k2", "start_at": "now",
                    "timeout_ms": 2000}}}})");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->pause_after_failures, 4);
  EXPECT_EQ(config->probe_interval, std::chrono::milliseconds(30'000));
  EXPECT_EQ(config->retry.initial_backoff, std::chrono::milliseconds(1'000));
  ASSERT_EQ(config->endpoints.size(), 2u);
  const EventWebhook& risk = config->endpoints[0];
  EXPECT_EQ(risk.Label(), "acme/risk-register");
  EXPECT_EQ(risk.target.signature_header, "X-ReviewTrail-Signature");
  EXPECT_EQ(risk.event_types,
            (std::vector<std::string>{"ActionAssigned", "reviewtrail.v1.ClosureApproved"}));
  EXPECT_FALSE(risk.start_at_now);
  EXPECT_TRUE(config->endpoints[1].start_at_now);
  EXPECT_EQ(config->endpoints[1].target.timeout, std::chrono::milliseconds(2'000));
}

TEST(WebhooksConfigTest, NamesTheKeyAndTheRuleOfEveryMistake) {
  const std::string endpoint = R"("url": "https://h.example.org/", "secret": "k")";
  const auto with = [&](const std::string& root, const std::string& fields) {
    return "{" + root + R"("tenants": {"acme": {"risk": {)" + endpoint + fields + "}}}}";
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "webhooks config: (document) must be a JSON object"},
      {"{}", "webhooks config: tenants is required"},
      {with(R"("retries": 3, )", ""), "webhooks config: retries is not a known key"},
      {with("", R"(, "events": ["ActionAssigned"])"),
       "webhooks config: tenants.acme.risk.events is not a known key"},
      {R"({"tenants": {"acme": {"risk": {"secret": "k"}}}})",
       "webhooks config: tenants.acme.risk.url is required and must start with https://"},
      {R"({"tenants": {"acme": {"risk": {"url": "ftp://h/", "secret": "k"}}}})",
       "webhooks config: tenants.acme.risk.url is required and must start with https://"},
      {R"({"tenants": {"acme": {"risk": {"url": "https://h/"}}}})",
       "webhooks config: tenants.acme.risk.secret is required"},
      {with("", R"(, "secret_file": "/nonexistent/secret")"),
       "webhooks config: tenants.acme.risk.secret_file names a file that cannot be read"},
      {with("", R"(, "event_types": ["ActionAssigned", "ActionExploded"])"),
       "webhooks config: tenants.acme.risk.event_types[1] "},
      {with("", R"(, "event_types": "ActionAssigned")"),
       "webhooks config: tenants.acme.risk.event_types must be an array"},
      {with("", R"(, "start_at": "yesterday")"),
       "webhooks config: tenants.acme.risk.start_at must be \"beginning\" or \"now\""},
      {with("", R"(, "timeout_ms": 0)"),
       "webhooks config: tenants.acme.risk.timeout_ms must be an integer between 1 and 600000"},
      {with(R"("pause_after_failures": 0, )", ""),
       "webhooks config: pause_after_failures must be an integer between 1 and 1000"},
      {with(R"("initial_backoff_ms": 5000, "max_backoff_ms": 1000, )", ""),
       "webhooks config: max_backoff_ms must be at least initial_backoff_ms"},
      {R"({"tenants": {"acme": {"risk/1": {"url": "https://h/", "secret": "k"}}}})",
       "webhooks config: tenants.acme.risk/1 must be named with 1 to 64 letters"},
      {R"({"tenants": {"acme": []}})", "webhooks config: tenants.acme must be an object"},
  };
  for (const auto& [text, message] : cases) {
    auto parsed = ParseWebhooksConfig(text);
    ASSERT_THAT(parsed, IsError(absl::StatusCode::kInvalidArgument, message)) << text;
    EXPECT_EQ(parsed.status().message().substr(0, message.size()), message) << text << "\n"
                                                                            << parsed.status();
  }
}

TEST(WebhooksConfigTest, NotifierConfigErrorsStillNameTheirDocument) {
  auto parsed = ParseNotifierConfig(R"({"default": {"send_at": "9:5"}})");
  ASSERT_THAT(parsed, IsError(absl::StatusCode::kInvalidArgument, "default.send_at"));
  EXPECT_EQ(parsed.status().message(), "notifier config: default.send_at must be \"HH:MM\" (UTC)");
}

}  // namespace
}  // namespace reviewtrail::notifier
