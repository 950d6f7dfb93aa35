#include <algorithm>
#include <cstring>

#include "channels.h"
#include "reviewtrail/delivery/curl_support.h"

namespace reviewtrail::notifier {
namespace {

struct Upload {
  std::string data;
  size_t sent = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->sent);
  std::memcpy(buffer, upload->data.data() + upload->sent, n);
  upload->sent += n;
  return n;
}

// Header values never carry line breaks (no header injection through titles or names).
std::string HeaderValue(std::string value) {
  std::replace(value.begin(), value.end(), '\r', ' ');
  std::replace(value.begin(), value.end(), '\n', ' ');
  return value;
}

// The body with CRLF line ends and dot-stuffing handled by libcurl (it escapes leading dots).
std::string CrLf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace

EmailChannel::EmailChannel() { delivery::EnsureCurlInitialised(); }

absl::Status EmailChannel::Send(const TenantSettings& settings, const Message& message) {
  const EmailSettings& email = settings.email;
  if (email.smtp_url.empty() || email.from.empty()) {
    return absl::FailedPreconditionError("no smtp_url/from configured for tenant " +
                                         message.tenant_id);
  }
  if (message.recipient_email.empty()) {
    return absl::FailedPreconditionError("no e-mail address for recipient " + message.recipient_id);
  }
  Upload upload;
  upload.data =
      "From: " + HeaderValue(email.from) + "\r\n" + "To: " + HeaderValue(message.recipient_email) +
      "\r\n" + "Subject: " + HeaderValue(message.subject) + "\r\n" + "Message-ID: <" +
      HeaderValue(message.command_id) + "." + HeaderValue(message.tenant_id) + "@reviewtrail>\r\n" +
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n" +
      CrLf(message.text);

  delivery::CurlHandle curl(curl_easy_init());
  if (!curl) return absl::UnavailableError("curl_easy_init failed");
  delivery::CurlList recipients(curl_slist_append(nullptr, message.recipient_email.c_str()));
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, email.smtp_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(
      h, CURLOPT_USE_SSL,
      email.require_tls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_TRY));
  if (!email.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, email.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, email.password.c_str());
  }
  if (!email.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, email.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, email.from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(email.timeout.count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const CURLcode code = curl_easy_perform(h);
  if (code == CURLE_OK) return absl::OkStatus();
  long smtp_code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);
  const std::string what = std::string("smtp: ") + curl_easy_strerror(code) + " (reply " +
                           std::to_string(smtp_code) + ")";
  if (delivery::IsTransient(code) || (smtp_code >= 400 && smtp_code < 500)) {
    return absl::UnavailableError(what);
  }
  return absl::FailedPreconditionError(what);
}

}  // namespace reviewtrail::notifier
