#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/principal.h"

namespace reviewtrail::auth {
namespace internal {
class SignatureKey;
}  // namespace internal

// The JWS algorithms this library accepts. Anything else (including "none") is refused.
enum class Algorithm {
  kRS256,  // RSASSA-PKCS1-v1_5 with SHA-256, RSA key of at least 2048 bits
  kES256,  // ECDSA on P-256 with SHA-256
  kHS256,  // HMAC-SHA-256 with a shared secret: local use only, see VerifierConfig::allow_hs256
};

// "RS256", "ES256" or "HS256".
[[nodiscard]] std::string_view AlgorithmName(Algorithm algorithm);

// One key a token may be signed with. A key accepts tokens of its own algorithm only.
struct VerificationKey {
  std::string kid;  // optional; when set, tokens naming this kid in their header select this key
  Algorithm algorithm = Algorithm::kES256;
  // RS256/ES256: the public key as PEM (SubjectPublicKeyInfo, "-----BEGIN PUBLIC KEY-----").
  // HS256: the raw shared secret, at least 32 bytes.
  std::string material;
};

struct VerifierConfig {
  std::vector<VerificationKey> keys;
  std::string issuer;    // when non-empty, `iss` must equal it
  std::string audience;  // when non-empty, `aud` (a string or an array) must contain it
  // Where the tenant id and the role names are read from: a top-level claim name, or a JSON pointer
  // when it starts with '/' (e.g. "/realm_access/roles" for Keycloak).
  std::string tenant_claim = "tenant";
  std::string roles_claim = "roles";
  std::chrono::seconds leeway{30};  // clock skew tolerated on exp, nbf and iat
  bool allow_hs256 = false;         // HS256 keys and tokens are refused unless this is set
};

// Authenticates bearer JWTs into a Principal.
//
// A token is accepted only if: its header alg is RS256, ES256 or (when enabled) HS256; a configured
// key of that same algorithm is selected (by the header's kid, or as the only key of that
// algorithm when the token has no kid); its signature verifies with that key; `exp` is present and
// not past; `nbf` and `iat`, when present, are not in the future; `iss` and `aud` match when
// configured; `sub` and the tenant claim are non-empty strings; and every role name is known.
// The alg is checked against the key before any signature check, so a token signed HS256 with an
// RSA/EC public key as the HMAC secret is refused.
//
// Immutable once created: Verify is const and safe to call concurrently from any number of threads.
class TokenVerifier {
 public:
  // Checks the configuration: at least one key; unique kids; PEM keys parse and fit their
  // algorithm (RSA >= 2048 bits, EC on P-256); HS256 keys only with allow_hs256 and a secret of at
  // least 32 bytes; a non-negative leeway. InvalidArgument names what is wrong.
  [[nodiscard]] static absl::StatusOr<TokenVerifier> Create(VerifierConfig config);

  // `authorization` is an `authorization` header value ("Bearer <jwt>", scheme matched without
  // regard to case) or a bare token. `now` is the time to judge exp/nbf/iat by; it is never read
  // from the clock here. Every refusal is UnauthenticatedError with a reason naming what failed;
  // the reason never repeats the token.
  [[nodiscard]] absl::StatusOr<Principal> Verify(std::string_view authorization,
                                                 std::chrono::system_clock::time_point now) const;

  [[nodiscard]] const VerifierConfig& config() const { return config_; }

 private:
  class SignatureCache;
  TokenVerifier(VerifierConfig config,
                std::shared_ptr<const std::vector<internal::SignatureKey>> signature_keys);

  VerifierConfig config_;
  // config_.keys parsed once, in the same order: a token not seen before costs a signature check,
  // not a PEM parse as well.
  std::shared_ptr<const std::vector<internal::SignatureKey>> signature_keys_;
  // Tokens whose signature was verified, with their claims: a client sends the same token on
  // every call, and the signature check dominates the cost of a call. Times, issuer, audience
  // and claims are still checked on every call.
  std::shared_ptr<SignatureCache> verified_;
};

}  // namespace reviewtrail::auth
