#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::testing {

// A fresh ES256 signing key, the verifier that trusts it, and tokens minted with it: what a
// service test needs to call a real service as any principal.
class TestKeys {
 public:
  TestKeys();

  [[nodiscard]] const auth::SigningKey& key() const { return key_; }
  [[nodiscard]] const auth::TokenVerifier& verifier() const { return *verifier_; }
  // A token of `person` in `tenant` with `roles`, issued at `now` and valid for `lifetime`.
  [[nodiscard]] std::string Token(const std::string& tenant, const std::string& person,
                                  std::vector<v1::Role> roles,
                                  std::chrono::system_clock::time_point now,
                                  std::chrono::seconds lifetime = std::chrono::hours(24)) const;

 private:
  auth::SigningKey key_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
};

}  // namespace reviewtrail::testing
