#include "test_keys.h"

#include <gtest/gtest.h>

namespace reviewtrail::testing {

TestKeys::TestKeys() {
  absl::StatusOr<auth::SigningKey> key = auth::GenerateSigningKey();
  if (!key.ok()) ADD_FAILURE() << key.status();
  key_ = *std::move(key);
  auth::VerifierConfig config;
  config.keys.push_back(auth::ToVerificationKey(key_));
  absl::StatusOr<auth::TokenVerifier> verifier = auth::TokenVerifier::Create(config);
  if (!verifier.ok()) ADD_FAILURE() << verifier.status();
  verifier_ = std::make_unique<auth::TokenVerifier>(*std::move(verifier));
}

std::string TestKeys::Token(const std::string& tenant, const std::string& person,
                            std::vector<v1::Role> roles, std::chrono::system_clock::time_point now,
                            std::chrono::seconds lifetime) const {
  absl::StatusOr<std::string> token = auth::MintToken(
      key_, auth::Principal{tenant, person, std::move(roles)}, now, lifetime, "reviewtrail-test");
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

}  // namespace reviewtrail::testing
