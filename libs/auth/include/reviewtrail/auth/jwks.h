#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::auth {

// Converts a JWK Set (RFC 7517, what an OIDC provider publishes at its `jwks_uri`) into
// verification keys: RSA keys (n, e) become RS256 keys and EC P-256 keys (crv, x, y) become ES256
// keys, each as PEM, keeping their kid. Keys this library cannot use (other kty or curves, an alg
// other than RS256/ES256, or `use` other than "sig") are skipped. InvalidArgument when the
// document is not a JWK Set, when a usable-looking key is malformed (naming its kid), or when no
// key is usable. Fetching the document is the caller's business.
[[nodiscard]] absl::StatusOr<std::vector<VerificationKey>> KeysFromJwks(std::string_view jwks_json);

}  // namespace reviewtrail::auth
