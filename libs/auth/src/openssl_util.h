#pragma once

// Internal: RAII holders and small helpers over OpenSSL 3 for the auth library.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/auth/token_verifier.h"

namespace reviewtrail::auth::internal {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct BignumDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamDeleter>;

// Drains this thread's OpenSSL error queue into one line (empty when it was empty).
std::string TakeOpenSslErrors();

// base64url without padding (RFC 7515 section 2).
std::string Base64UrlEncode(std::string_view bytes);
// Accepts base64url with or without padding; nullopt on any other character.
std::optional<std::string> Base64UrlDecode(std::string_view text);

absl::StatusOr<EvpPkeyPtr> ParsePublicKeyPem(std::string_view pem);
absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(std::string_view pem);
absl::StatusOr<std::string> PublicKeyPem(EVP_PKEY* key);
absl::StatusOr<std::string> PrivateKeyPem(EVP_PKEY* key);  // PKCS#8, unencrypted

// OK when `key` can verify (or sign) `algorithm`: RSA of >= 2048 bits for RS256, EC on P-256 for
// ES256. HS256 has no EVP key and is always refused here.
absl::Status CheckKeyFitsAlgorithm(EVP_PKEY* key, Algorithm algorithm);

// Public keys from their JWK components, as big-endian unsigned bytes.
absl::StatusOr<EvpPkeyPtr> RsaPublicKey(std::string_view modulus, std::string_view exponent);
absl::StatusOr<EvpPkeyPtr> P256PublicKey(std::string_view x, std::string_view y);

// The affine coordinates of a P-256 key, 32 big-endian bytes each.
struct EcPoint {
  std::string x;
  std::string y;
};
absl::StatusOr<EcPoint> P256Coordinates(EVP_PKEY* key);

// A fresh P-256 key pair.
absl::StatusOr<EvpPkeyPtr> GenerateP256Key();

}  // namespace reviewtrail::auth::internal
