// The bearer-token path: the authorization value, the JOSE header, the claims (signed with the
// configured HS256 secret by the harness, so the fuzzer reaches the claim checks), the signature
// segment, and JWK Set documents.
//
// Input: one selector byte, then
//   0: an `authorization` value, verified as it is;
//   1: a JOSE header and a claims object (JSON text, separated by the first NUL), signed HS256;
//   2: a JWK Set document.
// Oracles: nothing crashes; every refusal is UNAUTHENTICATED (tokens) or INVALID_ARGUMENT (JWKS);
// an accepted token names a subject and a tenant and only known roles, and verifying it again (the
// cache) gives the same principal; every key taken from a JWK Set builds a verifier.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "reviewtrail/auth/jwks.h"
#include "reviewtrail/auth/principal.h"
#include "reviewtrail/auth/token_verifier.h"

namespace {

using reviewtrail::auth::Algorithm;
using reviewtrail::auth::Principal;
using reviewtrail::auth::TokenVerifier;
using reviewtrail::auth::VerificationKey;
using reviewtrail::auth::VerifierConfig;

constexpr std::string_view kSecret = "fuzzing-secret-fuzzing-secret-0123456789";
// 2026-12-01T00:00:00Z: the harness's "now".
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'796'083'200));

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

const TokenVerifier& Verifier(bool pointer_claims) {
  static const TokenVerifier* const verifiers[2] = {
      [] {
        VerifierConfig config;
        config.keys.push_back(VerificationKey{
            .kid = "", .algorithm = Algorithm::kHS256, .material = std::string(kSecret)});
        config.allow_hs256 = true;
        config.issuer = "https://issuer.example";
        config.audience = "reviewtrail";
        return new TokenVerifier(*TokenVerifier::Create(config));
      }(),
      [] {
        VerifierConfig config;
        config.keys.push_back(VerificationKey{
            .kid = "k1", .algorithm = Algorithm::kHS256, .material = std::string(kSecret)});
        config.allow_hs256 = true;
        config.tenant_claim = "/ctx/tenant";
        config.roles_claim = "/realm_access/roles";
        return new TokenVerifier(*TokenVerifier::Create(config));
      }(),
  };
  return *verifiers[pointer_claims ? 1 : 0];
}

std::string SignHs256(std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string B64(std::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(absl::string_view(bytes.data(), bytes.size()), &out);
  return out;
}

void CheckVerify(const TokenVerifier& verifier, std::string_view authorization) {
  const absl::StatusOr<Principal> first = verifier.Verify(authorization, kNow);
  const absl::StatusOr<Principal> second = verifier.Verify(authorization, kNow);
  if (first.ok() != second.ok()) Fail("a second verification disagrees with the first");
  if (!first.ok()) {
    if (!absl::IsUnauthenticated(first.status())) Fail("a refusal is not UNAUTHENTICATED");
    if (first.status() != second.status()) Fail("a second refusal differs");
    return;
  }
  if (first->person_id.empty() || first->tenant_id.empty()) Fail("no subject or tenant");
  for (const auto role : first->roles) {
    if (reviewtrail::auth::RoleName(role).empty()) Fail("an unnamed role");
  }
  if (first->person_id != second->person_id || first->tenant_id != second->tenant_id ||
      first->roles != second->roles) {
    Fail("the cached principal differs");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 3) {
    case 0:
      CheckVerify(Verifier((selector & 0x80) != 0), rest);
      break;
    case 1: {
      const size_t nul = rest.find('\0');
      const std::string_view header = rest.substr(0, nul);
      const std::string_view claims = nul == std::string_view::npos ? "" : rest.substr(nul + 1);
      const std::string signing_input = B64(header) + "." + B64(claims);
      const std::string token = signing_input + "." + B64(SignHs256(signing_input));
      CheckVerify(Verifier((selector & 0x80) != 0), "Bearer " + token);
      break;
    }
    case 2: {
      const auto keys = reviewtrail::auth::KeysFromJwks(rest);
      if (!keys.ok()) {
        if (!absl::IsInvalidArgument(keys.status())) Fail("a JWKS refusal is not INVALID_ARGUMENT");
        break;
      }
      if (keys->empty()) Fail("a JWK Set accepted without a key");
      for (const VerificationKey& key : *keys) {
        VerifierConfig config;
        config.keys.push_back(key);
        if (!TokenVerifier::Create(config).ok()) Fail("a key from a JWK Set builds no verifier");
      }
      break;
    }
  }
  return 0;
}
