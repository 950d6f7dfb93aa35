// The notifier's JSON configuration (ParseNotifierConfig).
//
// Input: the configuration text.
// Oracles: nothing crashes; a refusal is INVALID_ARGUMENT naming "notifier config: <key>"; an
// accepted configuration holds days within 0..3650 (escalations from 1), a send time within the
// day given exactly as "HH:MM", timeouts within 1..600000 ms, and one settings entry per tenant
// of the document.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "reviewtrail/notifier/notifier_config.h"

namespace {

using reviewtrail::notifier::TenantSettings;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

bool IsHhMm(const nlohmann::json& value) {
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return text.size() == 5 && digit(text[0]) && digit(text[1]) && text[2] == ':' && digit(text[3]) &&
         digit(text[4]);
}

void CheckSettings(const TenantSettings& settings) {
  for (int days : settings.policy.reminder_days_before) {
    if (days < 0 || days > 3650) Fail("reminder days out of range");
  }
  if (settings.policy.level1_days_overdue < 1 || settings.policy.level1_days_overdue > 3650 ||
      settings.policy.level2_days_overdue < 1 || settings.policy.level2_days_overdue > 3650 ||
      settings.policy.repeat_every_days < 0 || settings.policy.repeat_every_days > 3650) {
    Fail("escalation days out of range");
  }
  if (settings.policy.send_at.count() < 0 || settings.policy.send_at.count() >= 24 * 60) {
    Fail("send_at outside the day");
  }
  for (const auto timeout : {settings.webhook.timeout, settings.email.timeout}) {
    if (timeout.count() < 1 || timeout.count() > 600'000) Fail("timeout out of range");
  }
}

void CheckSendAt(const nlohmann::json& settings) {
  if (settings.is_object() && settings.contains("send_at") && !IsHhMm(settings.at("send_at"))) {
    Fail("a send_at that is not HH:MM accepted");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = reviewtrail::notifier::ParseNotifierConfig(text);
  if (!config.ok()) {
    if (!absl::IsInvalidArgument(config.status()) ||
        !std::string(config.status().message()).starts_with("notifier config: ")) {
      Fail("a refusal is not INVALID_ARGUMENT naming the key");
    }
    return 0;
  }
  CheckSettings(config->defaults);
  for (const auto& [tenant, settings] : config->tenants) {
    CheckSettings(settings);
    if (&config->For(tenant) != &settings) Fail("a tenant's settings are not found");
  }
  const auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) Fail("a document that is not an object accepted");
  if (root.contains("default")) CheckSendAt(root.at("default"));
  if (root.contains("tenants")) {
    if (config->tenants.size() != root.at("tenants").size()) Fail("tenants lost or added");
    for (const auto& [tenant, settings] : root.at("tenants").items()) CheckSendAt(settings);
  }
  return 0;
}
