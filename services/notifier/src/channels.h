#pragma once

#include "reviewtrail/notifier/channel.h"

namespace reviewtrail::notifier {

// Writes the message to the process log (spdlog): for local use and development.
class LogChannel final : public Channel {
 public:
  [[nodiscard]] absl::Status Send(const TenantSettings& settings, const Message& message) override;
};

// POSTs the JSON body to the tenant's webhook URL with libcurl: Content-Type application/json,
// Idempotency-Key = the command id, and the signature header "sha256=<hex HMAC-SHA256 of the
// body under the tenant's secret>". 2xx is delivered; 408, 429, 5xx, timeouts and connection
// failures are UNAVAILABLE (retried); other answers are permanent failures.
class WebhookChannel final : public Channel {
 public:
  WebhookChannel();
  [[nodiscard]] absl::Status Send(const TenantSettings& settings, const Message& message) override;
};

// Sends the plain-text message through the tenant's SMTP relay with libcurl, upgrading with
// STARTTLS whenever the server offers it (required with require_tls). The Message-ID is derived
// from the command id. Transient SMTP and connection failures are UNAVAILABLE; a recipient
// without an e-mail address or a 5xx refusal is permanent.
class EmailChannel final : public Channel {
 public:
  EmailChannel();
  [[nodiscard]] absl::Status Send(const TenantSettings& settings, const Message& message) override;
};

}  // namespace reviewtrail::notifier
