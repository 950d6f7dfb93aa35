#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "reviewtrail/delivery/signed_post.h"
#include "reviewtrail/followup/policy.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::notifier {

// Where signed webhooks go (libs/delivery): the body is signed with HMAC-SHA256 under `secret`,
// the signature travels as "sha256=<hex>" in `signature_header`, the command id as
// Idempotency-Key.
using WebhookSettings = delivery::WebhookTarget;

// The SMTP relay e-mails go through (STARTTLS whenever the server offers it; required when
// require_tls).
struct EmailSettings {
  std::string smtp_url;  // smtp://host:587 (smtps://host:465 for implicit TLS)
  std::string from;      // envelope and header sender
  std::string username;
  std::string password;
  bool require_tls = false;
  std::string ca_file;
  std::chrono::milliseconds timeout{10'000};
};

// Everything the notifier does for one tenant. A plain value.
struct TenantSettings {
  followup::Policy policy;
  std::string escalation_contact_id;  // the ISMS owner: level-2 recipient (a person id)
  v1::NotificationChannel channel = v1::NOTIFICATION_CHANNEL_LOG;     // the tenant's default
  std::map<std::string, v1::NotificationChannel> recipient_channels;  // per person id
  std::map<std::string, std::string> recipient_emails;  // overrides PersonRegistered.email
  WebhookSettings webhook;
  EmailSettings email;
  // The link in messages; {tenant_id} and {action_id} are replaced.
  std::string link_template = "https://reviewtrail.invalid/tenants/{tenant_id}/actions/{action_id}";

  [[nodiscard]] v1::NotificationChannel ChannelFor(const std::string& recipient_id) const;
};

// Per-tenant settings over a default. A plain value.
struct NotifierConfig {
  TenantSettings defaults;
  std::map<std::string, TenantSettings, std::less<>> tenants;

  [[nodiscard]] const TenantSettings& For(std::string_view tenant_id) const;
};

// Parses the JSON configuration:
//   {"default": {SETTINGS}, "tenants": {"acme": {SETTINGS}, ...}}
// where a tenant's SETTINGS override the default's key by key. SETTINGS keys:
//   reminder_days_before [int], level1_days_overdue, level2_days_overdue, repeat_every_days,
//   send_at "HH:MM" (UTC), escalation_contact, channel "log"|"webhook"|"email",
//   recipients {"<person>": {"channel": ..., "email": ...}}, link_template,
//   webhook {url, secret | secret_file, signature_header, ca_file, timeout_ms},
//   email {smtp_url, from, username, password | password_file, require_tls, ca_file, timeout_ms}.
// InvalidArgument naming the key and the rule for anything malformed.
[[nodiscard]] absl::StatusOr<NotifierConfig> ParseNotifierConfig(std::string_view json);
[[nodiscard]] absl::StatusOr<NotifierConfig> LoadNotifierConfig(const std::filesystem::path& path);

// "log", "webhook", "email" (and back).
[[nodiscard]] std::string ChannelName(v1::NotificationChannel channel);

}  // namespace reviewtrail::notifier
