#pragma once

#include <chrono>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::notifier {

// Bearer tokens with role "service" for the notifier's calls to the command service, one per
// tenant (a token names its tenant). Thread-safe.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  [[nodiscard]] virtual absl::StatusOr<std::string> TokenFor(const std::string& tenant_id) = 0;
};

// Mints ES256 tokens with the local signing key (the one the command service trusts), subject
// `subject` (and `issuer` and `audience`, when set: those the command service's verifier
// requires), and reuses each until half its lifetime has passed on
// `clock`.
class LocalTokenSource final : public TokenSource {
 public:
  LocalTokenSource(auth::SigningKey key, const runtime::Clock& clock,
                   std::string subject = "notifier",
                   std::chrono::seconds ttl = std::chrono::hours(1), std::string issuer = "",
                   std::string audience = "")
      : key_(std::move(key)),
        clock_(clock),
        subject_(std::move(subject)),
        ttl_(ttl),
        issuer_(std::move(issuer)),
        audience_(std::move(audience)) {}

  [[nodiscard]] absl::StatusOr<std::string> TokenFor(const std::string& tenant_id) override;

 private:
  struct Minted {
    std::string token;
    std::chrono::system_clock::time_point renew_at;
  };
  const auth::SigningKey key_;
  const runtime::Clock& clock_;
  const std::string subject_;
  const std::chrono::seconds ttl_;
  const std::string issuer_;    // the `iss` claim, when the verifier requires one
  const std::string audience_;  // the `aud` claim, when the verifier requires one
  reviewtrail::Mutex mutex_;
  std::map<std::string, Minted> cache_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace reviewtrail::notifier
