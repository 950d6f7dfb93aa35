#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace reviewtrail::delivery {

// Where signed webhooks go. The body is signed with HMAC-SHA256 under `secret`; the signature
// travels as "sha256=<hex>" in `signature_header`.
struct WebhookTarget {
  std::string url;  // https://... (http:// only for loopback tests)
  std::string secret;
  std::string signature_header = "X-ReviewTrail-Signature";
  std::string ca_file;  // extra trust anchor; empty: the system's
  std::chrono::milliseconds timeout{10'000};
};

// One signed POST: its body, content type and the headers beside the signature (e.g.
// Idempotency-Key). A plain value.
struct SignedRequest {
  std::string_view content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

// POSTs `request.body` to `target.url` with libcurl (http and https only), Content-Type
// `request.content_type`, the extra headers, and `target.signature_header: sha256=<hex
// HMAC-SHA256 of the body under target.secret>`. OK on 2xx. UNAVAILABLE for what is worth
// retrying: 408, 429, 5xx, timeouts, refused or reset connections, DNS failures;
// FAILED_PRECONDITION for any other answer (the message names the HTTP status or the curl error).
// Header values lose any CR/LF. Thread-safe: each call has its own handle.
[[nodiscard]] absl::Status PostSigned(const WebhookTarget& target, const SignedRequest& request);

}  // namespace reviewtrail::delivery
