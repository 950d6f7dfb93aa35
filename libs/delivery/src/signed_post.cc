#include "reviewtrail/delivery/signed_post.h"

#include <algorithm>

#include "reviewtrail/delivery/curl_support.h"
#include "reviewtrail/delivery/hmac.h"

namespace reviewtrail::delivery {
namespace {

size_t Discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }

// No header injection through a value.
std::string HeaderLine(std::string_view name, std::string_view value) {
  std::string line(name);
  line += ": ";
  line += value;
  std::replace(line.begin(), line.end(), '\r', ' ');
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

}  // namespace

absl::Status PostSigned(const WebhookTarget& target, const SignedRequest& request) {
  if (target.url.empty()) return absl::FailedPreconditionError("no webhook url configured");
  EnsureCurlInitialised();
  CurlHandle curl(curl_easy_init());
  if (!curl) return absl::UnavailableError("curl_easy_init failed");
  CurlList headers;
  const auto add = [&headers](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add(HeaderLine("Content-Type", request.content_type));
  for (const auto& [name, value] : request.headers) add(HeaderLine(name, value));
  add(HeaderLine(target.signature_header, "sha256=" + HmacSha256Hex(target.secret, request.body)));
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(target.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
  if (!target.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, target.ca_file.c_str());
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

}  // namespace reviewtrail::delivery
