#pragma once

// Internal: checking a JWS signature (RFC 7515, algorithms of RFC 7518 section 3) with a key parsed
// once, so a token never seen before costs a signature check, not a PEM parse as well.

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "openssl_util.h"
#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::auth::internal {

class SignatureKey {
 public:
  // Parses a configured key: for RS256/ES256 a PEM public key that must fit its algorithm (RSA of
  // at least 2048 bits, EC on P-256), for HS256 the secret (its length is the caller's check).
  [[nodiscard]] static absl::StatusOr<SignatureKey> Parse(const VerificationKey& key);

  // Whether `signature` (the decoded third segment) signs `signing_input` (the first two segments
  // with the dot between them) with this key's algorithm:
  // - RS256: RSASSA-PKCS1-v1_5 with SHA-256;
  // - ES256: ECDSA P-256 with SHA-256, the signature as the 64 bytes R || S (not DER);
  // - HS256: HMAC-SHA-256, compared in constant time.
  // Safe to call from any number of threads at once.
  [[nodiscard]] bool Verifies(std::string_view signing_input, std::string_view signature) const;

 private:
  Algorithm algorithm_ = Algorithm::kES256;
  std::shared_ptr<EVP_PKEY> public_key_;  // RS256, ES256: never changed once parsed
  std::string secret_;                    // HS256
};

}  // namespace reviewtrail::auth::internal
