#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/principal.h"
#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::auth {

// An ES256 (P-256) signing key for tokens minted locally (all-in-one server, CLI). A plain value;
// it holds the private key in memory, so do not log it.
struct SigningKey {
  std::string kid;              // RFC 7638 JWK thumbprint of the public key (base64url)
  std::string private_key_pem;  // PKCS#8 "BEGIN PRIVATE KEY", unencrypted
  std::string public_key_pem;   // SubjectPublicKeyInfo "BEGIN PUBLIC KEY"
};

// A fresh P-256 key pair.
[[nodiscard]] absl::StatusOr<SigningKey> GenerateSigningKey();

// The signing key for a PEM P-256 private key (its public half and kid derived from it).
[[nodiscard]] absl::StatusOr<SigningKey> SigningKeyFromPem(std::string_view private_key_pem);

struct LocalKey {
  SigningKey key;
  bool created = false;  // true when this call generated the key and wrote its files
};

// Loads `<directory>/signing-key.pem`, or on first use generates a key and writes it there with
// `<directory>/signing-key.pub.pem` beside it, both mode 0600 (the directory, when created, 0700).
// Safe against a concurrent first use by another process: exactly one key wins and both load it.
// FailedPrecondition when the private key file is readable by group or others, or when the public
// file does not match the private key; a missing public file is rewritten.
[[nodiscard]] absl::StatusOr<LocalKey> LoadOrCreateLocalKey(const std::filesystem::path& directory);

// The ES256 verification key (with kid) that accepts tokens minted with `key`.
[[nodiscard]] VerificationKey ToVerificationKey(const SigningKey& key);

// A JWK Set publishing `key`'s public half, for KeysFromJwks or a jwks_uri endpoint.
[[nodiscard]] absl::StatusOr<std::string> ToJwks(const SigningKey& key);

// An ES256 JWT for `principal`: header {alg: ES256, typ: JWT, kid}, claims sub (person_id),
// tenant, roles (array of role names), iat (now), exp (now + ttl), iss and aud (each when
// non-empty: a service minting its own tokens gives the issuer and audience its verifier requires).
// The claim names are VerifierConfig's defaults. InvalidArgument for an empty tenant or person,
// a role without a name, or a non-positive ttl.
[[nodiscard]] absl::StatusOr<std::string> MintToken(const SigningKey& key,
                                                    const Principal& principal,
                                                    std::chrono::system_clock::time_point now,
                                                    std::chrono::seconds ttl, std::string issuer,
                                                    std::string audience = "");

}  // namespace reviewtrail::auth
