#include "reviewtrail/notifier/notifier_config.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reviewtrail/events/event_selector.h"
#include "reviewtrail/notifier/webhooks_config.h"

namespace reviewtrail::notifier {
namespace {

using nlohmann::json;

// "<key> <rule>"; the parse functions put the document's name in front (InDocument).
absl::Status Bad(const std::string& key, const std::string& rule) {
  return absl::InvalidArgumentError(key + " " + rule);
}

template <typename T>
absl::StatusOr<T> InDocument(const char* document, absl::StatusOr<T> parsed) {
  if (parsed.ok() || !absl::IsInvalidArgument(parsed.status())) return parsed;
  return absl::InvalidArgumentError(std::string(document) + ": " +
                                    std::string(parsed.status().message()));
}

// Refuses any key of `object` not in `known`.
absl::Status RefuseUnknownKeys(const json& object, const std::string& prefix,
                               std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Bad(prefix + key, "is not a known key");
    }
  }
  return absl::OkStatus();
}

absl::Status ReadBoundedInt(const json& object, const std::string& prefix, const char* name,
                            int64_t min, int64_t max, int64_t& out) {
  if (!object.contains(name)) return absl::OkStatus();
  const json& value = object.at(name);
  if (!value.is_number_integer() || value.get<int64_t>() < min || value.get<int64_t>() > max) {
    return Bad(prefix + name,
               "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = value.get<int64_t>();
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::StatusOr<v1::NotificationChannel> ParseChannel(const std::string& key, const json& value) {
  if (value.is_string()) {
    const auto name = value.get<std::string>();
    if (name == "log") return v1::NOTIFICATION_CHANNEL_LOG;
    if (name == "webhook") return v1::NOTIFICATION_CHANNEL_WEBHOOK;
    if (name == "email") return v1::NOTIFICATION_CHANNEL_EMAIL;
  }
  return Bad(key, "must be \"log\", \"webhook\" or \"email\"");
}

absl::Status ReadInt(const json& object, const std::string& prefix, const char* name, int min,
                     int& out) {
  if (!object.contains(name)) return absl::OkStatus();
  const json& value = object.at(name);
  if (!value.is_number_integer() || value.get<int64_t>() < min || value.get<int64_t>() > 3650) {
    return Bad(prefix + name, "must be an integer between " + std::to_string(min) + " and 3650");
  }
  out = value.get<int>();
  return absl::OkStatus();
}

absl::Status ReadString(const json& object, const std::string& prefix, const char* name,
                        std::string& out) {
  if (!object.contains(name)) return absl::OkStatus();
  if (!object.at(name).is_string()) return Bad(prefix + name, "must be a string");
  out = object.at(name).get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadSecret(const json& object, const std::string& prefix, const char* name,
                        const char* file_name, std::string& out) {
  if (absl::Status s = ReadString(object, prefix, name, out); !s.ok()) return s;
  std::string file;
  if (absl::Status s = ReadString(object, prefix, file_name, file); !s.ok()) return s;
  if (file.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> content = ReadFile(file);
  if (!content.ok()) return Bad(prefix + file_name, "names a file that cannot be read");
  out = *content;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return absl::OkStatus();
}

absl::Status ReadTimeout(const json& object, const std::string& prefix,
                         std::chrono::milliseconds& out) {
  if (!object.contains("timeout_ms")) return absl::OkStatus();
  const json& value = object.at("timeout_ms");
  if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 600'000) {
    return Bad(prefix + "timeout_ms", "must be an integer between 1 and 600000");
  }
  out = std::chrono::milliseconds(value.get<int64_t>());
  return absl::OkStatus();
}

absl::Status ApplyWebhook(const json& object, const std::string& prefix, WebhookSettings& out) {
  if (!object.is_object()) return Bad(prefix, "must be an object");
  for (auto s : {ReadString(object, prefix, "url", out.url),
                 ReadSecret(object, prefix, "secret", "secret_file", out.secret),
                 ReadString(object, prefix, "signature_header", out.signature_header),
                 ReadString(object, prefix, "ca_file", out.ca_file),
                 ReadTimeout(object, prefix, out.timeout)}) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ApplyEmail(const json& object, const std::string& prefix, EmailSettings& out) {
  if (!object.is_object()) return Bad(prefix, "must be an object");
  for (auto s : {ReadString(object, prefix, "smtp_url", out.smtp_url),
                 ReadString(object, prefix, "from", out.from),
                 ReadString(object, prefix, "username", out.username),
                 ReadSecret(object, prefix, "password", "password_file", out.password),
                 ReadString(object, prefix, "ca_file", out.ca_file),
                 ReadTimeout(object, prefix, out.timeout)}) {
    if (!s.ok()) return s;
  }
  if (object.contains("require_tls")) {
    if (!object.at("require_tls").is_boolean())
      return Bad(prefix + "require_tls", "must be a bool");
    out.require_tls = object.at("require_tls").get<bool>();
  }
  return absl::OkStatus();
}

absl::Status ApplyPolicy(const json& object, const std::string& prefix, followup::Policy& out) {
  if (object.contains("reminder_days_before")) {
    const json& days = object.at("reminder_days_before");
    if (!days.is_array()) return Bad(prefix + "reminder_days_before", "must be an array");
    out.reminder_days_before.clear();
    for (const json& day : days) {
      if (!day.is_number_integer() || day.get<int64_t>() < 0 || day.get<int64_t>() > 3650) {
        return Bad(prefix + "reminder_days_before", "must hold integers between 0 and 3650");
      }
      out.reminder_days_before.push_back(day.get<int>());
    }
  }
  for (auto s : {ReadInt(object, prefix, "level1_days_overdue", 1, out.level1_days_overdue),
                 ReadInt(object, prefix, "level2_days_overdue", 1, out.level2_days_overdue),
                 ReadInt(object, prefix, "repeat_every_days", 0, out.repeat_every_days)}) {
    if (!s.ok()) return s;
  }
  if (object.contains("send_at")) {
    // Exactly two digits, ':', two digits: "9:5", " 09:30" or "09:30 tomorrow" are refused.
    const json& value = object.at("send_at");
    const std::string text = value.is_string() ? value.get<std::string>() : "";
    const auto digit = [&text](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || !digit(0) || !digit(1) || text[2] != ':' || !digit(3) || !digit(4)) {
      return Bad(prefix + "send_at", "must be \"HH:MM\" (UTC)");
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 23 || minutes > 59) return Bad(prefix + "send_at", "must be \"HH:MM\" (UTC)");
    out.send_at = std::chrono::minutes(hours * 60 + minutes);
  }
  return absl::OkStatus();
}

absl::Status ApplySettings(const json& object, const std::string& prefix, TenantSettings& out) {
  if (!object.is_object()) return Bad(prefix, "must be an object");
  if (absl::Status s = ApplyPolicy(object, prefix, out.policy); !s.ok()) return s;
  for (auto s : {ReadString(object, prefix, "escalation_contact", out.escalation_contact_id),
                 ReadString(object, prefix, "link_template", out.link_template)}) {
    if (!s.ok()) return s;
  }
  if (object.contains("channel")) {
    auto channel = ParseChannel(prefix + "channel", object.at("channel"));
    if (!channel.ok()) return channel.status();
    out.channel = *channel;
  }
  if (object.contains("recipients")) {
    const json& recipients = object.at("recipients");
    if (!recipients.is_object()) return Bad(prefix + "recipients", "must be an object");
    for (const auto& [person, entry] : recipients.items()) {
      const std::string key = prefix + "recipients." + person + ".";
      if (!entry.is_object()) return Bad(key, "must be an object");
      if (entry.contains("channel")) {
        auto channel = ParseChannel(key + "channel", entry.at("channel"));
        if (!channel.ok()) return channel.status();
        out.recipient_channels[person] = *channel;
      }
      std::string email;
      if (absl::Status s = ReadString(entry, key, "email", email); !s.ok()) return s;
      if (!email.empty()) out.recipient_emails[person] = email;
    }
  }
  if (object.contains("webhook")) {
    if (auto s = ApplyWebhook(object.at("webhook"), prefix + "webhook.", out.webhook); !s.ok()) {
      return s;
    }
  }
  if (object.contains("email")) {
    if (auto s = ApplyEmail(object.at("email"), prefix + "email.", out.email); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

v1::NotificationChannel TenantSettings::ChannelFor(const std::string& recipient_id) const {
  auto it = recipient_channels.find(recipient_id);
  return it == recipient_channels.end() ? channel : it->second;
}

const TenantSettings& NotifierConfig::For(std::string_view tenant_id) const {
  auto it = tenants.find(tenant_id);
  return it == tenants.end() ? defaults : it->second;
}

std::string ChannelName(v1::NotificationChannel channel) {
  switch (channel) {
    case v1::NOTIFICATION_CHANNEL_LOG:
      return "log";
    case v1::NOTIFICATION_CHANNEL_WEBHOOK:
      return "webhook";
    case v1::NOTIFICATION_CHANNEL_EMAIL:
      return "email";
    default:
      return "unspecified";
  }
}

namespace {

absl::StatusOr<NotifierConfig> ParseNotifierDocument(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return Bad("(document)", "must be a JSON object");
  NotifierConfig config;
  if (root.contains("default")) {
    if (auto s = ApplySettings(root.at("default"), "default.", config.defaults); !s.ok()) return s;
  }
  if (root.contains("tenants")) {
    const json& tenants = root.at("tenants");
    if (!tenants.is_object()) return Bad("tenants", "must be an object");
    for (const auto& [tenant, settings] : tenants.items()) {
      TenantSettings merged = config.defaults;
      if (auto s = ApplySettings(settings, "tenants." + tenant + ".", merged); !s.ok()) return s;
      config.tenants.emplace(tenant, std::move(merged));
    }
  }
  for (const auto& [key, value] : root.items()) {
    if (key != "default" && key != "tenants") return Bad(key, "is not a known key");
  }
  return config;
}

}  // namespace

absl::StatusOr<NotifierConfig> ParseNotifierConfig(std::string_view text) {
  return InDocument("notifier config", ParseNotifierDocument(text));
}

absl::StatusOr<NotifierConfig> LoadNotifierConfig(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseNotifierConfig(*text);
}

namespace {

bool IsEndpointName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

absl::StatusOr<EventWebhook> ParseEventWebhook(const std::string& tenant, const std::string& name,
                                               const json& object) {
  const std::string prefix = "tenants." + tenant + "." + name + ".";
  if (!IsEndpointName(name)) {
    return Bad("tenants." + tenant + "." + name,
               "must be named with 1 to 64 letters, digits, '.', '_' or '-'");
  }
  if (!object.is_object()) return Bad(prefix.substr(0, prefix.size() - 1), "must be an object");
  if (auto s = RefuseUnknownKeys(object, prefix,
                                 {"url", "secret", "secret_file", "signature_header", "ca_file",
                                  "timeout_ms", "event_types", "start_at"});
      !s.ok()) {
    return s;
  }
  EventWebhook webhook{.tenant_id = tenant, .name = name};
  if (auto s = ApplyWebhook(object, prefix, webhook.target); !s.ok()) return s;
  const std::string& url = webhook.target.url;
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return Bad(prefix + "url", "is required and must start with https:// (or http://)");
  }
  if (webhook.target.secret.empty()) {
    return Bad(prefix + "secret", "is required (or secret_file): the HMAC key of the signature");
  }
  if (webhook.target.signature_header.empty() ||
      webhook.target.signature_header.find_first_of(": \r\n") != std::string::npos) {
    return Bad(prefix + "signature_header", "must be a header name (no ':', spaces or breaks)");
  }
  if (object.contains("event_types")) {
    const json& types = object.at("event_types");
    if (!types.is_array()) return Bad(prefix + "event_types", "must be an array of event types");
    v1::SubscribeRequest request;
    for (size_t i = 0; i < types.size(); ++i) {
      if (!types[i].is_string()) {
        return Bad(prefix + "event_types[" + std::to_string(i) + "]", "must be a string");
      }
      request.add_event_types(types[i].get<std::string>());
      webhook.event_types.push_back(types[i].get<std::string>());
    }
    // The stream's own filter decides which names are event types.
    const domain::Result<events::EventSelector> selector =
        events::EventSelector::FromRequest(request);
    if (!selector.ok() && !selector.error().violations.empty()) {
      const domain::FieldViolation& violation = selector.error().violations.front();
      return Bad(prefix + violation.field, violation.description);
    }
  }
  if (object.contains("start_at")) {
    const json& start = object.at("start_at");
    const std::string value = start.is_string() ? start.get<std::string>() : "";
    if (value != "beginning" && value != "now") {
      return Bad(prefix + "start_at", "must be \"beginning\" or \"now\"");
    }
    webhook.start_at_now = value == "now";
  }
  return webhook;
}

absl::StatusOr<WebhooksConfig> ParseWebhooksDocument(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) return Bad("(document)", "must be a JSON object");
  if (auto s = RefuseUnknownKeys(root, "",
                                 {"tenants", "pause_after_failures", "probe_interval_ms",
                                  "initial_backoff_ms", "max_backoff_ms"});
      !s.ok()) {
    return s;
  }
  WebhooksConfig config;
  int64_t pause = config.pause_after_failures;
  int64_t probe = config.probe_interval.count();
  int64_t initial = config.retry.initial_backoff.count();
  int64_t max = config.retry.max_backoff.count();
  for (auto s : {ReadBoundedInt(root, "", "pause_after_failures", 1, 1'000, pause),
                 ReadBoundedInt(root, "", "probe_interval_ms", 10, 86'400'000, probe),
                 ReadBoundedInt(root, "", "initial_backoff_ms", 1, 3'600'000, initial),
                 ReadBoundedInt(root, "", "max_backoff_ms", 1, 3'600'000, max)}) {
    if (!s.ok()) return s;
  }
  if (max < initial) return Bad("max_backoff_ms", "must be at least initial_backoff_ms");
  config.pause_after_failures = static_cast<int>(pause);
  config.probe_interval = std::chrono::milliseconds(probe);
  config.retry.initial_backoff = std::chrono::milliseconds(initial);
  config.retry.max_backoff = std::chrono::milliseconds(max);
  if (!root.contains("tenants") || !root.at("tenants").is_object()) {
    return Bad("tenants", "is required: an object of tenants, each an object of endpoints");
  }
  for (const auto& [tenant, endpoints] : root.at("tenants").items()) {
    if (tenant.empty()) return Bad("tenants", "must not hold an empty tenant id");
    if (!endpoints.is_object()) return Bad("tenants." + tenant, "must be an object of endpoints");
    for (const auto& [name, settings] : endpoints.items()) {
      absl::StatusOr<EventWebhook> webhook = ParseEventWebhook(tenant, name, settings);
      if (!webhook.ok()) return webhook.status();
      config.endpoints.push_back(*std::move(webhook));
    }
  }
  return config;
}

}  // namespace

absl::StatusOr<WebhooksConfig> ParseWebhooksConfig(std::string_view text) {
  return InDocument("webhooks config", ParseWebhooksDocument(text));
}

absl::StatusOr<WebhooksConfig> LoadWebhooksConfig(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseWebhooksConfig(*text);
}

}  // namespace reviewtrail::notifier
