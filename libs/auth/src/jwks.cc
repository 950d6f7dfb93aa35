#include "reviewtrail/auth/jwks.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "openssl_util.h"

namespace reviewtrail::auth {
namespace {

using nlohmann::json;

std::optional<std::string> StringMember(const json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

absl::StatusOr<std::string> Base64UrlMember(const json& jwk, const char* name) {
  std::optional<std::string> text = StringMember(jwk, name);
  std::optional<std::string> bytes =
      text.has_value() ? internal::Base64UrlDecode(*text) : std::nullopt;
  if (!bytes.has_value() || bytes->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is missing or not base64url"));
  }
  return *bytes;
}

// The algorithm a JWK is for, or nullopt when this library cannot use it.
std::optional<Algorithm> UsableAlgorithm(const json& jwk) {
  const std::optional<std::string> use = StringMember(jwk, "use");
  if (use.has_value() && *use != "sig") return std::nullopt;
  const std::optional<std::string> kty = StringMember(jwk, "kty");
  const std::optional<std::string> alg = StringMember(jwk, "alg");
  if (kty == "RSA" && (!alg.has_value() || *alg == "RS256")) return Algorithm::kRS256;
  if (kty == "EC" && StringMember(jwk, "crv") == "P-256" && (!alg.has_value() || *alg == "ES256")) {
    return Algorithm::kES256;
  }
  return std::nullopt;
}

absl::StatusOr<internal::EvpPkeyPtr> PublicKey(const json& jwk, Algorithm algorithm) {
  const bool rsa = algorithm == Algorithm::kRS256;
  absl::StatusOr<std::string> first = Base64UrlMember(jwk, rsa ? "n" : "x");
  if (!first.ok()) return first.status();
  absl::StatusOr<std::string> second = Base64UrlMember(jwk, rsa ? "e" : "y");
  if (!second.ok()) return second.status();
  return rsa ? internal::RsaPublicKey(*first, *second) : internal::P256PublicKey(*first, *second);
}

absl::StatusOr<VerificationKey> ToVerificationKey(const json& jwk, Algorithm algorithm,
                                                  size_t index) {
  VerificationKey key{.kid = StringMember(jwk, "kid").value_or(""), .algorithm = algorithm};
  const std::string which =
      key.kid.empty() ? absl::StrCat("key #", index) : absl::StrCat("key \"", key.kid, "\"");
  absl::StatusOr<internal::EvpPkeyPtr> pkey = PublicKey(jwk, algorithm);
  absl::Status status =
      pkey.ok() ? internal::CheckKeyFitsAlgorithm(pkey->get(), algorithm) : pkey.status();
  if (status.ok()) {
    absl::StatusOr<std::string> pem = internal::PublicKeyPem(pkey->get());
    if (pem.ok()) {
      key.material = *std::move(pem);
      return key;
    }
    status = pem.status();
  }
  return absl::InvalidArgumentError(absl::StrCat("JWKS ", which, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::vector<VerificationKey>> KeysFromJwks(std::string_view jwks_json) {
  const json jwks = json::parse(jwks_json, nullptr, /*allow_exceptions=*/false);
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return absl::InvalidArgumentError("not a JWK Set: expected an object with a \"keys\" array");
  }
  std::vector<VerificationKey> keys;
  size_t index = 0;
  for (const json& jwk : jwks["keys"]) {
    const size_t this_index = index++;
    if (!jwk.is_object()) continue;
    std::optional<Algorithm> algorithm = UsableAlgorithm(jwk);
    if (!algorithm.has_value()) continue;
    absl::StatusOr<VerificationKey> key = ToVerificationKey(jwk, *algorithm, this_index);
    if (!key.ok()) return key.status();
    keys.push_back(*std::move(key));
  }
  if (keys.empty()) {
    return absl::InvalidArgumentError(
        "JWKS has no usable key (RSA for RS256 or EC P-256 for ES256)");
  }
  return keys;
}

}  // namespace reviewtrail::auth
