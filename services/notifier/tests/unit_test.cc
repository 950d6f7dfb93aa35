// Unit tests of the notifier's pure parts: the timer queue, the configuration, messages, HMAC.
#include <gtest/gtest.h>

#include "hmac.h"
#include "message_composer.h"
#include "reviewtrail/notifier/notifier_config.h"
#include "status_matchers.h"
#include "stored_records.h"
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

DeliveryJob Job(int level, int days) {
  return DeliveryJob{.tenant_id = "acme",
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
      ComposeMessage(Job(1, 3), settings, StoredPerson{.display_name = "Olga Owner"},
                     StoredPerson{.display_name = "Mark", .email = "mark@acme.example"});
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
  const Message message =
      ComposeMessage(Job(0, 7), settings, std::nullopt, StoredPerson{.email = "m@acme.example"});
  EXPECT_EQ(message.recipient_email, "boss@acme.example");
  EXPECT_NE(message.text.find("Days to due:  7"), std::string::npos);
}

TEST(HmacTest, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(StoredRecordsTest, JobsRoundTripAndGarbageIsRejected) {
  const DeliveryJob job = Job(2, 14);
  auto decoded = DecodeJob(Encode(job));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->command_id, job.command_id);
  EXPECT_EQ(decoded->due_date, job.due_date);
  EXPECT_EQ(decoded->channel, v1::NOTIFICATION_CHANNEL_EMAIL);
  EXPECT_FALSE(DecodeJob("{}").has_value());
  EXPECT_FALSE(DecodeAction("garbage").has_value());
  EXPECT_EQ(*SplitTenantKey(TenantKey("acme", "act-1")),
            std::make_pair(std::string("acme"), std::string("act-1")));
}

}  // namespace
}  // namespace reviewtrail::notifier
