#include "channels.h"
#include "curl_support.h"
#include "hmac.h"

namespace reviewtrail::notifier {
namespace {

size_t Discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

}  // namespace

WebhookChannel::WebhookChannel() { EnsureCurlInitialised(); }

absl::Status WebhookChannel::Send(const TenantSettings& settings, const Message& message) {
  const WebhookSettings& webhook = settings.webhook;
  if (webhook.url.empty()) {
    return absl::FailedPreconditionError("no webhook url configured for tenant " +
                                         message.tenant_id);
  }
  CurlHandle curl(curl_easy_init());
  if (!curl) return absl::UnavailableError("curl_easy_init failed");
  CurlList headers;
  for (const std::string& header :
       {std::string("Content-Type: application/json"), "Idempotency-Key: " + message.command_id,
        webhook.signature_header + ": sha256=" + HmacSha256Hex(webhook.secret, message.json)}) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  }
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, webhook.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, message.json.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(message.json.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(webhook.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
  if (!webhook.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, webhook.ca_file.c_str());
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    const std::string what = std::string("webhook: ") + curl_easy_strerror(code);
    return IsTransient(code) ? absl::UnavailableError(what) : absl::FailedPreconditionError(what);
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return absl::OkStatus();
  const std::string what = "webhook answered HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) return absl::UnavailableError(what);
  return absl::FailedPreconditionError(what);
}

}  // namespace reviewtrail::notifier
