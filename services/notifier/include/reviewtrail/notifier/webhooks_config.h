#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/delivery/backoff.h"
#include "reviewtrail/delivery/signed_post.h"

namespace reviewtrail::notifier {

// One webhook subscription: a tenant's events of the chosen types, POSTed as CloudEvents to one
// HTTP endpoint. A plain value.
struct EventWebhook {
  std::string tenant_id;
  std::string name;  // unique within the tenant: [A-Za-z0-9._-], 1..64 characters
  delivery::WebhookTarget target;
  // Payload message names, short ("ActionAssigned") or full ("reviewtrail.v1.ActionAssigned");
  // empty: every event of the tenant.
  std::vector<std::string> event_types;
  // Where a new endpoint (no stored cursor) starts: false: the tenant's first event; true: the
  // end of the log when it is first started.
  bool start_at_now = false;

  // "<tenant>/<name>": the endpoint's metric label and cursor key.
  [[nodiscard]] std::string Label() const { return tenant_id + "/" + name; }
};

// Every webhook subscription and how deliveries are retried. A plain value.
struct WebhooksConfig {
  std::vector<EventWebhook> endpoints;
  // Backoff between attempts at one event (max_attempts is not used: an event is never given up).
  delivery::RetryPolicy retry{.initial_backoff = std::chrono::milliseconds(1'000),
                              .max_backoff = std::chrono::milliseconds(60'000)};
  // After this many failed attempts in a row the endpoint is paused ...
  int pause_after_failures = 10;
  // ... and tried again (with the same event) at this interval until it answers 2xx.
  std::chrono::milliseconds probe_interval{60'000};
};

// Parses the JSON configuration of --webhooks-config:
//   {"pause_after_failures": 10, "probe_interval_ms": 60000,
//    "initial_backoff_ms": 1000, "max_backoff_ms": 60000,
//    "tenants": {"acme": {"risk-register": {
//        "url": "https://risk.example.org/hooks/reviewtrail",
//        "secret": "..." | "secret_file": "/etc/rt/risk.secret",
//        "signature_header": "X-ReviewTrail-Signature", "ca_file": "...", "timeout_ms": 10000,
//        "event_types": ["ActionAssigned", "ClosureApproved"], "start_at": "beginning" | "now"}}}}
// url and a non-empty secret are required; every other key has the default shown. Unknown keys
// are refused at every level. InvalidArgument naming the key and the rule for anything malformed
// (e.g. "webhooks config: tenants.acme.risk-register.event_types[1] ...").
[[nodiscard]] absl::StatusOr<WebhooksConfig> ParseWebhooksConfig(std::string_view json);
[[nodiscard]] absl::StatusOr<WebhooksConfig> LoadWebhooksConfig(const std::filesystem::path& path);

}  // namespace reviewtrail::notifier
