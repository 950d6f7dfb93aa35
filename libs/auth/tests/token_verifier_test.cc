#include "reviewtrail/auth/token_verifier.h"

#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reviewtrail/auth/local_keys.h"
#include "test_tokens.h"

namespace reviewtrail::auth {
namespace {

using testing::At;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kNow;
using testing::SignToken;
using testing::StandardClaims;

constexpr std::string_view kSecret = "a-local-hmac-secret-of-32-bytes!";

MATCHER_P(IsRefusedWith, reason, "") {
  return arg.status().code() == absl::StatusCode::kUnauthenticated &&
         ::testing::ExplainMatchResult(HasSubstr(reason), std::string(arg.status().message()),
                                       result_listener);
}

MATCHER_P(IsInvalidWith, reason, "") {
  return arg.status().code() == absl::StatusCode::kInvalidArgument &&
         ::testing::ExplainMatchResult(HasSubstr(reason), std::string(arg.status().message()),
                                       result_listener);
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<SigningKey> key = GenerateSigningKey();
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
    config_.keys = {ToVerificationKey(key_)};
  }

  TokenVerifier Verifier() const { return Verifier(config_); }
  static TokenVerifier Verifier(const VerifierConfig& config) {
    absl::StatusOr<TokenVerifier> verifier = TokenVerifier::Create(config);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *std::move(verifier);
  }
  // An ES256 token over `claims` signed with this fixture's key and kid.
  std::string Es256(const nlohmann::json& claims) const {
    return SignToken(JWT_ALG_ES256, key_.private_key_pem, claims, key_.kid);
  }

  SigningKey key_;
  VerifierConfig config_;
};

TEST_F(TokenVerifierTest, MintedTokenVerifies) {
  config_.issuer = "https://reviewtrail.local";
  const Principal principal{
      .tenant_id = "acme", .person_id = "p-42", .roles = {v1::ROLE_ISMS_MANAGER, v1::ROLE_AUDITOR}};
  absl::StatusOr<std::string> token =
      MintToken(key_, principal, At(kNow), std::chrono::minutes(10), "https://reviewtrail.local");
  ASSERT_TRUE(token.ok()) << token.status();

  absl::StatusOr<Principal> verified = Verifier().Verify(*token, At(kNow + 60));
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->tenant_id, "acme");
  EXPECT_EQ(verified->person_id, "p-42");
  EXPECT_THAT(verified->roles, ElementsAre(v1::ROLE_ISMS_MANAGER, v1::ROLE_AUDITOR));
  EXPECT_TRUE(verified->HasRole(v1::ROLE_AUDITOR));
  EXPECT_FALSE(verified->HasRole(v1::ROLE_SERVICE));
}

TEST_F(TokenVerifierTest, AcceptsBearerSchemeInAnyCaseOrABareToken) {
  const std::string token = Es256(StandardClaims());
  const TokenVerifier verifier = Verifier();
  for (const std::string& value :
       {token, "Bearer " + token, "bearer " + token, "BEARER   " + token, " Bearer\t" + token}) {
    absl::StatusOr<Principal> principal = verifier.Verify(value, At(kNow));
    EXPECT_TRUE(principal.ok()) << value << ": " << principal.status();
  }
}

TEST_F(TokenVerifierTest, RefusesOtherSchemesAndEmptyValues) {
  const TokenVerifier verifier = Verifier();
  EXPECT_THAT(verifier.Verify("Basic dXNlcjpwYXNz", At(kNow)),
              IsRefusedWith("authorization scheme is not Bearer"));
  EXPECT_THAT(verifier.Verify("Bearer ", At(kNow)), IsRefusedWith("Bearer scheme without a token"));
  EXPECT_THAT(verifier.Verify("", At(kNow)), IsRefusedWith("no bearer token"));
  EXPECT_THAT(verifier.Verify("Bearer a.b", At(kNow)),
              IsRefusedWith("expected three dot-separated segments"));
  EXPECT_THAT(verifier.Verify("Bearer a b.c.d", At(kNow)),
              IsRefusedWith("characters outside base64url"));
  EXPECT_THAT(verifier.Verify("Bearer !!!.e30.c2ln", At(kNow)),
              IsRefusedWith("characters outside base64url"));
  EXPECT_THAT(verifier.Verify("Bearer " + std::string(17000, 'a'), At(kNow)),
              IsRefusedWith("longer than 16384 bytes"));
}

TEST_F(TokenVerifierTest, RefusesExpiredTokenBeyondLeeway) {
  const std::string token = Es256(StandardClaims());  // exp kNow + 600, leeway 30s
  const TokenVerifier verifier = Verifier();
  EXPECT_TRUE(verifier.Verify(token, At(kNow + 629)).ok());
  EXPECT_THAT(verifier.Verify(token, At(kNow + 630)),
              IsRefusedWith("token expired at 2023-11-14T22:23:20Z"));
}

TEST_F(TokenVerifierTest, RemembersOnlyTheExactTokenItVerifiedAndStillChecksItsTimes) {
  const std::string token = Es256(StandardClaims());
  const TokenVerifier verifier = Verifier();
  ASSERT_TRUE(verifier.Verify(token, At(kNow)).ok());  // now remembered
  std::string forged = token;  // one signature character changed (not the last: padding bits)
  char& c = forged[forged.size() - 10];
  c = c == 'A' ? 'Q' : 'A';
  EXPECT_THAT(verifier.Verify(forged, At(kNow)), IsRefusedWith("signature"));
  EXPECT_TRUE(verifier.Verify("Bearer " + token, At(kNow + 1)).ok());
  EXPECT_THAT(verifier.Verify(token, At(kNow + 630)), IsRefusedWith("token expired"));
}

TEST_F(TokenVerifierTest, RefusesTokenWithoutExp) {
  nlohmann::json claims = StandardClaims();
  claims.erase("exp");
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("token has no exp"));
  claims["exp"] = "tomorrow";
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)),
              IsRefusedWith("exp is not a NumericDate"));
}

TEST_F(TokenVerifierTest, RefusesNotBeforeInTheFuture) {
  nlohmann::json claims = StandardClaims();
  claims["nbf"] = kNow + 120;
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("token not valid before"));
  claims["nbf"] = kNow + 20;  // within leeway
  EXPECT_TRUE(Verifier().Verify(Es256(claims), At(kNow)).ok());
}

TEST_F(TokenVerifierTest, RefusesIssuedAtInTheFuture) {
  nlohmann::json claims = StandardClaims();
  claims["iat"] = kNow + 120;
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)),
              IsRefusedWith("token issued in the future"));
}

TEST_F(TokenVerifierTest, RefusesSignatureOfAnotherKey) {
  absl::StatusOr<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  // Same kid as the configured key, signed by another one.
  const std::string forged =
      SignToken(JWT_ALG_ES256, other->private_key_pem, StandardClaims(), key_.kid);
  EXPECT_THAT(Verifier().Verify(forged, At(kNow)), IsRefusedWith("signature does not verify"));
  // Its own kid is unknown here.
  absl::StatusOr<std::string> minted = MintToken(
      *other, Principal{.tenant_id = "t", .person_id = "p"}, At(kNow), std::chrono::minutes(1), "");
  ASSERT_TRUE(minted.ok());
  EXPECT_THAT(Verifier().Verify(*minted, At(kNow)), IsRefusedWith("no configured key has kid"));
}

TEST_F(TokenVerifierTest, RefusesTamperedPayload) {
  const std::string token = Es256(StandardClaims());
  nlohmann::json claims = StandardClaims();
  claims["roles"] = {"isms_manager"};
  const std::string tampered = token.substr(0, token.find('.') + 1) +
                               testing::Base64Url(claims.dump()) + token.substr(token.rfind('.'));
  EXPECT_THAT(Verifier().Verify(tampered, At(kNow)), IsRefusedWith("signature does not verify"));
}

// base64url to bytes, with OpenSSL directly (not the library's decoder).
std::string DecodeBase64Url(std::string text) {
  for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (text.size() % 4 != 0) text.push_back('=');
  std::string bytes(text.size() / 4 * 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                   reinterpret_cast<const unsigned char*>(text.data()),
                                   static_cast<int>(text.size()));
  bytes.resize(static_cast<size_t>(size) -
               static_cast<size_t>(std::count(text.begin(), text.end(), '=')));
  return bytes;
}

// The token with its signature segment replaced by `signature` (raw bytes).
std::string WithSignature(const std::string& token, std::string_view signature) {
  return token.substr(0, token.rfind('.') + 1) + testing::Base64Url(signature);
}

TEST_F(TokenVerifierTest, RefusesSignaturesNotInTheirAlgorithmsForm) {
  const std::string token = Es256(StandardClaims());
  const std::string signature = DecodeBase64Url(token.substr(token.rfind('.') + 1));
  ASSERT_EQ(signature.size(), 64u);  // ES256 in JWS: R || S
  ASSERT_TRUE(Verifier().Verify(WithSignature(token, signature), At(kNow)).ok());

  // The same R and S as DER (what OpenSSL itself produces) is not the JWS form.
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(
      sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr),
      BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr));
  std::string der(static_cast<size_t>(i2d_ECDSA_SIG(sig, nullptr)), '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig, &out);
  ECDSA_SIG_free(sig);
  EXPECT_THAT(Verifier().Verify(WithSignature(token, der), At(kNow)),
              IsRefusedWith("signature does not verify"));
  // One byte short, or one byte more.
  EXPECT_THAT(Verifier().Verify(WithSignature(token, signature.substr(0, 63)), At(kNow)),
              IsRefusedWith("signature does not verify"));
  EXPECT_THAT(Verifier().Verify(WithSignature(token, signature + "x"), At(kNow)),
              IsRefusedWith("signature does not verify"));
  // Not base64url at all (a lone character decodes to no whole byte).
  EXPECT_THAT(Verifier().Verify(token.substr(0, token.rfind('.') + 1) + "A", At(kNow)),
              IsRefusedWith("signature is not base64url"));

  // An HMAC cut short is refused too.
  VerifierConfig config;
  config.allow_hs256 = true;
  config.keys = {VerificationKey{.algorithm = Algorithm::kHS256, .material = std::string(kSecret)}};
  const std::string hs256 = SignToken(JWT_ALG_HS256, kSecret, StandardClaims());
  const std::string mac = DecodeBase64Url(hs256.substr(hs256.rfind('.') + 1));
  ASSERT_EQ(mac.size(), 32u);
  EXPECT_TRUE(Verifier(config).Verify(hs256, At(kNow)).ok());
  EXPECT_THAT(Verifier(config).Verify(WithSignature(hs256, mac.substr(0, 31)), At(kNow)),
              IsRefusedWith("signature does not verify"));
}

TEST_F(TokenVerifierTest, RefusesAlgNone) {
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string token =
        testing::AssembleToken({{"alg", alg}, {"kid", key_.kid}}, StandardClaims(), "");
    EXPECT_THAT(Verifier().Verify(token, At(kNow)), IsRefusedWith("alg \"none\" is not accepted"));
  }
}

TEST_F(TokenVerifierTest, RefusesUnsupportedAlgAndCritHeaders) {
  EXPECT_THAT(Verifier().Verify(
                  testing::AssembleToken({{"alg", "RS512"}}, StandardClaims(), "c2ln"), At(kNow)),
              IsRefusedWith("unsupported alg \"RS512\""));
  EXPECT_THAT(Verifier().Verify(testing::AssembleToken({{"typ", "JWT"}}, StandardClaims(), "c2ln"),
                                At(kNow)),
              IsRefusedWith("header has no alg"));
  EXPECT_THAT(Verifier().Verify(testing::AssembleToken({{"alg", "ES256"}, {"crit", {"exp"}}},
                                                       StandardClaims(), "c2ln"),
                                At(kNow)),
              IsRefusedWith("crit"));
  EXPECT_THAT(Verifier().Verify("bm90IGpzb24.e30.c2ln", At(kNow)),
              IsRefusedWith("header is not a JSON object"));
}

TEST_F(TokenVerifierTest, RefusesHs256UnlessAllowed) {
  const std::string token = SignToken(JWT_ALG_HS256, kSecret, StandardClaims());
  EXPECT_THAT(Verifier().Verify(token, At(kNow)), IsRefusedWith("alg HS256 is not enabled"));

  VerifierConfig config;
  config.keys = {VerificationKey{.algorithm = Algorithm::kHS256, .material = std::string(kSecret)}};
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("unless allow_hs256 is set"));
}

TEST_F(TokenVerifierTest, AcceptsHs256WhenAllowed) {
  VerifierConfig config;
  config.allow_hs256 = true;
  config.keys = {VerificationKey{.algorithm = Algorithm::kHS256, .material = std::string(kSecret)}};
  const TokenVerifier verifier = Verifier(config);

  absl::StatusOr<Principal> principal =
      verifier.Verify(SignToken(JWT_ALG_HS256, kSecret, StandardClaims()), At(kNow));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->person_id, "person-1");
  EXPECT_THAT(principal->roles, ElementsAre(v1::ROLE_ACTION_OWNER));

  const std::string wrong =
      SignToken(JWT_ALG_HS256, "another-secret-that-is-32-bytes!", StandardClaims());
  EXPECT_THAT(verifier.Verify(wrong, At(kNow)), IsRefusedWith("signature does not verify"));

  config.keys[0].material = "short";
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("shorter than 32 bytes"));
}

TEST_F(TokenVerifierTest, RefusesHs256SignedWithThePublicKey) {
  // The alg confusion attack: HMAC keyed with the (public) PEM the verifier holds. Refused even
  // when HS256 is enabled, because the key is configured for ES256 / RS256.
  config_.allow_hs256 = true;
  const testing::RsaKey rsa = testing::GenerateRsaKey(2048);
  config_.keys.push_back(
      VerificationKey{.kid = "rsa", .algorithm = Algorithm::kRS256, .material = rsa.public_pem});
  const TokenVerifier verifier = Verifier();

  EXPECT_THAT(
      verifier.Verify(SignToken(JWT_ALG_HS256, key_.public_key_pem, StandardClaims(), key_.kid),
                      At(kNow)),
      IsRefusedWith("alg HS256 is not the algorithm configured for kid"));
  EXPECT_THAT(
      verifier.Verify(SignToken(JWT_ALG_HS256, rsa.public_pem, StandardClaims(), "rsa"), At(kNow)),
      IsRefusedWith("alg HS256 is not the algorithm configured for kid \"rsa\" (RS256)"));
  EXPECT_THAT(
      verifier.Verify(SignToken(JWT_ALG_HS256, key_.public_key_pem, StandardClaims()), At(kNow)),
      IsRefusedWith("no key is configured for alg HS256"));
}

TEST_F(TokenVerifierTest, VerifiesRs256) {
  const testing::RsaKey rsa = testing::GenerateRsaKey(2048);
  VerifierConfig config;
  config.keys = {VerificationKey{.algorithm = Algorithm::kRS256, .material = rsa.public_pem}};
  const TokenVerifier verifier = Verifier(config);

  absl::StatusOr<Principal> principal =
      verifier.Verify(SignToken(JWT_ALG_RS256, rsa.private_pem, StandardClaims()), At(kNow));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant_id, "tenant-1");
  EXPECT_THAT(verifier.Verify(Es256(StandardClaims()), At(kNow)),
              IsRefusedWith("no configured key has kid"));
  EXPECT_THAT(
      verifier.Verify(SignToken(JWT_ALG_ES256, key_.private_key_pem, StandardClaims()), At(kNow)),
      IsRefusedWith("no key is configured for alg ES256"));
}

TEST_F(TokenVerifierTest, ChecksIssuerAndAudienceWhenConfigured) {
  config_.issuer = "https://idp.example";
  config_.audience = "reviewtrail";
  const TokenVerifier verifier = Verifier();
  nlohmann::json claims = StandardClaims();
  EXPECT_THAT(verifier.Verify(Es256(claims), At(kNow)),
              IsRefusedWith("token has no iss (expected \"https://idp.example\")"));
  claims["iss"] = "https://evil.example";
  EXPECT_THAT(verifier.Verify(Es256(claims), At(kNow)),
              IsRefusedWith("issuer \"https://evil.example\" is not the configured issuer"));
  claims["iss"] = "https://idp.example";
  EXPECT_THAT(verifier.Verify(Es256(claims), At(kNow)), IsRefusedWith("token has no aud"));
  claims["aud"] = "other-api";
  EXPECT_THAT(verifier.Verify(Es256(claims), At(kNow)),
              IsRefusedWith("audience does not include \"reviewtrail\""));
  claims["aud"] = {"other-api", "reviewtrail"};
  EXPECT_TRUE(verifier.Verify(Es256(claims), At(kNow)).ok());
  claims["aud"] = "reviewtrail";
  EXPECT_TRUE(verifier.Verify(Es256(claims), At(kNow)).ok());
}

TEST_F(TokenVerifierTest, RefusesMissingSubjectOrTenant) {
  nlohmann::json claims = StandardClaims();
  claims.erase("sub");
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("token has no sub"));
  claims["sub"] = "";
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("token has no sub"));
  claims = StandardClaims();
  claims.erase("tenant");
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)),
              IsRefusedWith("token has no tenant (claim \"tenant\")"));
  claims["tenant"] = 7;
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("token has no tenant"));
}

TEST_F(TokenVerifierTest, RefusesUnknownOrMalformedRoles) {
  nlohmann::json claims = StandardClaims();
  claims["roles"] = {"auditor", "admin"};
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)), IsRefusedWith("unknown role \"admin\""));
  claims["roles"] = "auditor";
  EXPECT_THAT(Verifier().Verify(Es256(claims), At(kNow)),
              IsRefusedWith("claim \"roles\" is not an array"));
  claims.erase("roles");  // no roles claim: a principal without roles
  absl::StatusOr<Principal> principal = Verifier().Verify(Es256(claims), At(kNow));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_TRUE(principal->roles.empty());
}

TEST_F(TokenVerifierTest, ReadsConfiguredClaimNamesAndJsonPointers) {
  config_.tenant_claim = "org";
  config_.roles_claim = "/realm_access/roles";
  nlohmann::json claims = StandardClaims();
  claims.erase("tenant");
  claims["org"] = "tenant-9";
  claims["realm_access"] = {{"roles", {"auditor", "service", "auditor"}}};
  absl::StatusOr<Principal> principal = Verifier().Verify(Es256(claims), At(kNow));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->tenant_id, "tenant-9");
  EXPECT_THAT(principal->roles, ElementsAre(v1::ROLE_AUDITOR, v1::ROLE_SERVICE));
}

TEST_F(TokenVerifierTest, TokenWithoutKidNeedsExactlyOneKeyOfItsAlg) {
  absl::StatusOr<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  const std::string no_kid = SignToken(JWT_ALG_ES256, key_.private_key_pem, StandardClaims());
  EXPECT_TRUE(Verifier().Verify(no_kid, At(kNow)).ok());
  config_.keys.push_back(ToVerificationKey(*other));
  EXPECT_THAT(Verifier().Verify(no_kid, At(kNow)),
              IsRefusedWith("token has no kid and 2 keys are configured for alg ES256"));
}

TEST_F(TokenVerifierTest, CreateRejectsBadConfiguration) {
  EXPECT_THAT(TokenVerifier::Create(VerifierConfig{}), IsInvalidWith("no verification keys"));

  VerifierConfig config = config_;
  config.keys.push_back(config.keys[0]);
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("is used twice"));

  config = config_;
  config.keys[0].material = key_.private_key_pem;
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("not a PEM public key"));

  config = config_;
  config.keys[0].algorithm = Algorithm::kRS256;
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("RS256 needs an RSA key"));

  const testing::RsaKey weak = testing::GenerateRsaKey(1024);
  config = config_;
  config.keys = {VerificationKey{.algorithm = Algorithm::kRS256, .material = weak.public_pem}};
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("at least 2048"));

  config = config_;
  config.leeway = std::chrono::seconds(-1);
  EXPECT_THAT(TokenVerifier::Create(config), IsInvalidWith("leeway is negative"));
}

TEST_F(TokenVerifierTest, VerifiesConcurrently) {
  const TokenVerifier verifier = Verifier();
  const std::string token = Es256(StandardClaims());
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!verifier.Verify(token, At(kNow)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

}  // namespace
}  // namespace reviewtrail::auth
