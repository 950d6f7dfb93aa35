#include "reviewtrail/auth/token_verifier.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl_compat.h"
#include "jws_signature.h"
#include "nlohmann/json.hpp"
#include "openssl_util.h"

namespace reviewtrail::auth {
namespace {

using nlohmann::json;

constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr size_t kMinHmacSecretBytes = 32;
constexpr int64_t kMaxNumericDate = 253402300799;  // 9999-12-31T23:59:59Z

absl::Status Refuse(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token refused: ", reason));
}

// Quotes a token-supplied string for a reason, bounded and escaped.
std::string Quote(absl::string_view text) {
  constexpr size_t kMax = 64;
  std::string shown = absl::CHexEscape(text.substr(0, kMax));
  return absl::StrCat("\"", shown, text.size() > kMax ? "...\"" : "\"");
}

std::string DescribeKey(const VerificationKey& key, size_t index) {
  return key.kid.empty() ? absl::StrCat("key #", index)
                         : absl::StrCat("key #", index, " (kid ", Quote(key.kid), ")");
}

std::string FormatNumericDate(int64_t seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(seconds),
                          absl::UTCTimeZone());
}

std::optional<Algorithm> AlgorithmFromName(std::string_view name) {
  for (Algorithm algorithm : {Algorithm::kRS256, Algorithm::kES256, Algorithm::kHS256}) {
    if (AlgorithmName(algorithm) == name) return algorithm;
  }
  return std::nullopt;
}

bool IsBase64UrlOrDot(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// The compact JWS from an `authorization` value: "Bearer <jwt>" or the bare token.
absl::StatusOr<std::string_view> ExtractToken(std::string_view authorization) {
  absl::string_view text = absl::StripAsciiWhitespace(internal::ToAbsl(authorization));
  if (text.empty()) return Refuse("no bearer token");
  if (const size_t space = text.find_first_of(" \t"); space != absl::string_view::npos) {
    if (!absl::EqualsIgnoreCase(text.substr(0, space), "bearer")) {
      return Refuse("authorization scheme is not Bearer");
    }
    text = absl::StripLeadingAsciiWhitespace(text.substr(space));
  } else if (absl::EqualsIgnoreCase(text, "bearer")) {
    text = {};
  }
  if (text.empty()) return Refuse("Bearer scheme without a token");
  if (text.size() > kMaxTokenBytes) {
    return Refuse(absl::StrCat("token is longer than ", kMaxTokenBytes, " bytes"));
  }
  if (!std::all_of(text.begin(), text.end(), IsBase64UrlOrDot)) {
    return Refuse("malformed token: characters outside base64url");
  }
  return internal::ToStd(text);
}

absl::StatusOr<json> DecodeJsonSegment(std::string_view segment, const char* what) {
  std::optional<std::string> bytes = internal::Base64UrlDecode(segment);
  if (!bytes.has_value()) {
    return Refuse(absl::StrCat("malformed token: ", what, " is not base64url"));
  }
  json value = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!value.is_object()) {
    return Refuse(absl::StrCat("malformed token: ", what, " is not a JSON object"));
  }
  return value;
}

struct TokenHeader {
  Algorithm algorithm = Algorithm::kES256;
  std::optional<std::string> kid;
};

// Reads and checks the (unverified) header: which algorithm and which key the token claims.
absl::StatusOr<TokenHeader> ParseHeader(std::string_view token, bool allow_hs256) {
  if (std::count(token.begin(), token.end(), '.') != 2) {
    return Refuse("malformed token: expected three dot-separated segments");
  }
  const size_t first_dot = token.find('.');
  const size_t last_dot = token.rfind('.');
  absl::StatusOr<json> header = DecodeJsonSegment(token.substr(0, first_dot), "header");
  if (!header.ok()) return header.status();

  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Refuse("header has no alg");
  const std::string& alg_name = alg->get_ref<const std::string&>();
  if (absl::EqualsIgnoreCase(alg_name, "none")) return Refuse("alg \"none\" is not accepted");
  std::optional<Algorithm> algorithm = AlgorithmFromName(alg_name);
  if (!algorithm.has_value()) {
    return Refuse(absl::StrCat("unsupported alg ", Quote(alg_name), " (accepted: RS256, ES256",
                               allow_hs256 ? ", HS256)" : ")"));
  }
  if (*algorithm == Algorithm::kHS256 && !allow_hs256) {
    return Refuse("alg HS256 is not enabled (local use only, see allow_hs256)");
  }
  if (header->contains("crit")) return Refuse("header lists crit extensions; none are supported");

  TokenHeader result{.algorithm = *algorithm};
  if (const auto kid = header->find("kid"); kid != header->end()) {
    if (!kid->is_string()) return Refuse("header kid is not a string");
    result.kid = kid->get<std::string>();
  }
  if (last_dot + 1 == token.size()) return Refuse("token has no signature");
  return result;
}

// The key the header selects. Its algorithm must be the header's: never verify an HS256 token
// with a key configured for RS256/ES256 (that key's public PEM would become the HMAC secret).
absl::StatusOr<const VerificationKey*> SelectKey(const std::vector<VerificationKey>& keys,
                                                 const TokenHeader& header) {
  const absl::string_view alg = internal::ToAbsl(AlgorithmName(header.algorithm));
  if (header.kid.has_value()) {
    const auto it = std::find_if(keys.begin(), keys.end(), [&](const VerificationKey& key) {
      return key.kid == *header.kid;
    });
    if (it == keys.end()) {
      return Refuse(absl::StrCat("no configured key has kid ", Quote(*header.kid)));
    }
    if (it->algorithm != header.algorithm) {
      return Refuse(absl::StrCat("alg ", alg, " is not the algorithm configured for kid ",
                                 Quote(*header.kid), " (",
                                 internal::ToAbsl(AlgorithmName(it->algorithm)), ")"));
    }
    return &*it;
  }
  const VerificationKey* match = nullptr;
  size_t matches = 0;
  for (const VerificationKey& key : keys) {
    if (key.algorithm == header.algorithm) {
      match = &key;
      ++matches;
    }
  }
  if (matches == 0) return Refuse(absl::StrCat("no key is configured for alg ", alg));
  if (matches > 1) {
    return Refuse(
        absl::StrCat("token has no kid and ", matches, " keys are configured for alg ", alg));
  }
  return match;
}

// Verifies the signature with `key` (selected for the header's alg), then returns the claims: the
// payload is parsed only once it is known to be signed.
absl::StatusOr<json> VerifySignature(std::string_view token, const VerificationKey& configured,
                                     const internal::SignatureKey& key) {
  const size_t last_dot = token.rfind('.');
  const size_t first_dot = token.find('.');
  std::optional<std::string> signature = internal::Base64UrlDecode(token.substr(last_dot + 1));
  if (!signature.has_value()) return Refuse("malformed token: signature is not base64url");
  if (!key.Verifies(token.substr(0, last_dot), *signature)) {
    return Refuse(absl::StrCat(
        "signature does not verify",
        configured.kid.empty() ? "" : absl::StrCat(" with kid ", Quote(configured.kid))));
  }
  return DecodeJsonSegment(token.substr(first_dot + 1, last_dot - first_dot - 1), "payload");
}

// A claim by top-level name, or by JSON pointer when the name starts with '/'.
const json* FindClaim(const json& claims, const std::string& name) {
  if (name.starts_with('/')) {
    try {
      const json::json_pointer pointer(name);
      return claims.contains(pointer) ? &claims.at(pointer) : nullptr;
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  const auto it = claims.find(name);
  return it == claims.end() ? nullptr : &*it;
}

// A NumericDate claim (RFC 7519 section 2) as whole seconds; nullopt when absent.
absl::StatusOr<std::optional<int64_t>> NumericDate(const json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::optional<int64_t>();
  double value = 0;
  if (it->is_number_integer() || it->is_number_float()) value = it->get<double>();
  if (!it->is_number() || !std::isfinite(value) || value < 0 ||
      value > static_cast<double>(kMaxNumericDate)) {
    return Refuse(absl::StrCat(name, " is not a NumericDate"));
  }
  if (it->is_number_unsigned()) return std::optional<int64_t>(it->get<uint64_t>());
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(value)));
}

absl::Status CheckTimes(const json& claims, std::chrono::system_clock::time_point now,
                        std::chrono::seconds leeway) {
  const int64_t now_s = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const int64_t slack = leeway.count();

  absl::StatusOr<std::optional<int64_t>> exp = NumericDate(claims, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return Refuse("token has no exp");
  if (now_s >= **exp + slack) {
    return Refuse(
        absl::StrCat("token expired at ", FormatNumericDate(**exp), " (leeway ", slack, "s)"));
  }
  absl::StatusOr<std::optional<int64_t>> nbf = NumericDate(claims, "nbf");
  if (!nbf.ok()) return nbf.status();
  if (nbf->has_value() && now_s + slack < **nbf) {
    return Refuse(absl::StrCat("token not valid before ", FormatNumericDate(**nbf),
                               " (nbf, leeway ", slack, "s)"));
  }
  absl::StatusOr<std::optional<int64_t>> iat = NumericDate(claims, "iat");
  if (!iat.ok()) return iat.status();
  if (iat->has_value() && **iat > now_s + slack) {
    return Refuse(absl::StrCat("token issued in the future at ", FormatNumericDate(**iat),
                               " (iat, leeway ", slack, "s)"));
  }
  return absl::OkStatus();
}

absl::Status CheckIssuerAndAudience(const json& claims, const VerifierConfig& config) {
  if (!config.issuer.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string()) {
      return Refuse(absl::StrCat("token has no iss (expected ", Quote(config.issuer), ")"));
    }
    if (iss->get_ref<const std::string&>() != config.issuer) {
      return Refuse(absl::StrCat("issuer ", Quote(iss->get_ref<const std::string&>()),
                                 " is not the configured issuer ", Quote(config.issuer)));
    }
  }
  if (!config.audience.empty()) {
    const auto aud = claims.find("aud");
    if (aud == claims.end()) {
      return Refuse(absl::StrCat("token has no aud (expected ", Quote(config.audience), ")"));
    }
    const auto names_audience = [&](const json& value) {
      return value.is_string() && value.get_ref<const std::string&>() == config.audience;
    };
    const bool ok = aud->is_array() ? std::any_of(aud->begin(), aud->end(), names_audience)
                                    : names_audience(*aud);
    if (!ok) return Refuse(absl::StrCat("audience does not include ", Quote(config.audience)));
  }
  return absl::OkStatus();
}

absl::StatusOr<Principal> PrincipalFromClaims(const json& claims, const VerifierConfig& config) {
  Principal principal;
  const auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return Refuse("token has no sub (subject)");
  }
  principal.person_id = sub->get<std::string>();

  const json* tenant = FindClaim(claims, config.tenant_claim);
  if (tenant == nullptr || !tenant->is_string() || tenant->get_ref<const std::string&>().empty()) {
    return Refuse(absl::StrCat("token has no tenant (claim ", Quote(config.tenant_claim), ")"));
  }
  principal.tenant_id = tenant->get<std::string>();

  if (const json* roles = FindClaim(claims, config.roles_claim); roles != nullptr) {
    if (!roles->is_array()) {
      return Refuse(absl::StrCat("claim ", Quote(config.roles_claim), " is not an array"));
    }
    for (const json& name : *roles) {
      if (!name.is_string()) {
        return Refuse(absl::StrCat("claim ", Quote(config.roles_claim), " holds a non-string"));
      }
      std::optional<v1::Role> role = RoleFromName(name.get_ref<const std::string&>());
      if (!role.has_value()) {
        return Refuse(absl::StrCat("unknown role ", Quote(name.get_ref<const std::string&>())));
      }
      if (!principal.HasRole(*role)) principal.roles.push_back(*role);
    }
  }
  return principal;
}

absl::Status CheckClaimName(const std::string& name, const char* field) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (name.starts_with('/')) {
    try {
      const json::json_pointer pointer(name);
    } catch (const json::exception&) {
      return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid JSON pointer"));
    }
  }
  return absl::OkStatus();
}

// The key parsed for signature checks, or InvalidArgument naming the key and what is wrong.
absl::StatusOr<internal::SignatureKey> ParseKey(const VerificationKey& key, size_t index,
                                                bool allow_hs256) {
  const std::string which = DescribeKey(key, index);
  if (key.algorithm == Algorithm::kHS256) {
    if (!allow_hs256) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, " is HS256, which is refused unless allow_hs256 is set"));
    }
    if (key.material.size() < kMinHmacSecretBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(which, ": HS256 secret shorter than ", kMinHmacSecretBytes, " bytes"));
    }
    if (key.material.size() > static_cast<size_t>(INT_MAX)) {
      return absl::InvalidArgumentError(absl::StrCat(which, ": HS256 secret too large"));
    }
  }
  absl::StatusOr<internal::SignatureKey> parsed = internal::SignatureKey::Parse(key);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(which, " (",
                                                   internal::ToAbsl(AlgorithmName(key.algorithm)),
                                                   "): ", parsed.status().message()));
  }
  return parsed;
}

}  // namespace

std::string_view AlgorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kRS256:
      return "RS256";
    case Algorithm::kES256:
      return "ES256";
    case Algorithm::kHS256:
      return "HS256";
  }
  return "?";
}

absl::StatusOr<TokenVerifier> TokenVerifier::Create(VerifierConfig config) {
  if (config.keys.empty()) return absl::InvalidArgumentError("no verification keys configured");
  if (config.leeway.count() < 0) return absl::InvalidArgumentError("leeway is negative");
  if (absl::Status s = CheckClaimName(config.tenant_claim, "tenant_claim"); !s.ok()) return s;
  if (absl::Status s = CheckClaimName(config.roles_claim, "roles_claim"); !s.ok()) return s;
  auto signature_keys = std::make_shared<std::vector<internal::SignatureKey>>();
  for (size_t i = 0; i < config.keys.size(); ++i) {
    const VerificationKey& key = config.keys[i];
    absl::StatusOr<internal::SignatureKey> parsed = ParseKey(key, i, config.allow_hs256);
    if (!parsed.ok()) return parsed.status();
    signature_keys->push_back(*std::move(parsed));
    for (size_t j = 0; j < i && !key.kid.empty(); ++j) {
      if (config.keys[j].kid == key.kid) {
        return absl::InvalidArgumentError(absl::StrCat("kid ", Quote(key.kid), " is used twice"));
      }
    }
  }
  return TokenVerifier(std::move(config), std::move(signature_keys));
}

// Claims of tokens whose signature verified, keyed by the whole token. Bounded: starts afresh
// when full. Thread-safe; a hit neither copies the token nor the claims.
class TokenVerifier::SignatureCache {
 public:
  std::shared_ptr<const json> Find(std::string_view token) {
    std::lock_guard lock(mutex_);
    auto it = claims_.find(token);
    return it == claims_.end() ? nullptr : it->second;
  }
  void Add(std::string_view token, std::shared_ptr<const json> claims) {
    std::lock_guard lock(mutex_);
    if (claims_.size() >= kMaxEntries) claims_.clear();
    claims_.emplace(std::string(token), std::move(claims));
  }

 private:
  struct TransparentHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };

  static constexpr size_t kMaxEntries = 10'000;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const json>, TransparentHash, std::equal_to<>>
      claims_;
};

TokenVerifier::TokenVerifier(
    VerifierConfig config,
    std::shared_ptr<const std::vector<internal::SignatureKey>> signature_keys)
    : config_(std::move(config)),
      signature_keys_(std::move(signature_keys)),
      verified_(std::make_shared<SignatureCache>()) {}

absl::StatusOr<Principal> TokenVerifier::Verify(std::string_view authorization,
                                                std::chrono::system_clock::time_point now) const {
  absl::StatusOr<std::string_view> token = ExtractToken(authorization);
  if (!token.ok()) return token.status();
  std::shared_ptr<const json> claims = verified_->Find(*token);
  if (claims == nullptr) {
    absl::StatusOr<TokenHeader> header = ParseHeader(*token, config_.allow_hs256);
    if (!header.ok()) return header.status();
    absl::StatusOr<const VerificationKey*> key = SelectKey(config_.keys, *header);
    if (!key.ok()) return key.status();
    const auto index = static_cast<size_t>(*key - config_.keys.data());
    absl::StatusOr<json> verified = VerifySignature(*token, **key, (*signature_keys_)[index]);
    if (!verified.ok()) return verified.status();
    claims = std::make_shared<const json>(*std::move(verified));
    verified_->Add(*token, claims);
  }
  if (absl::Status s = CheckTimes(*claims, now, config_.leeway); !s.ok()) return s;
  if (absl::Status s = CheckIssuerAndAudience(*claims, config_); !s.ok()) return s;
  return PrincipalFromClaims(*claims, config_);
}

}  // namespace reviewtrail::auth
