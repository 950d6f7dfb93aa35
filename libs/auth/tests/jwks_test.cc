#include "reviewtrail/auth/jwks.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reviewtrail/auth/local_keys.h"
#include "test_tokens.h"

namespace reviewtrail::auth {
namespace {

using nlohmann::json;
using testing::At;
using testing::Base64Url;
using ::testing::HasSubstr;
using testing::kNow;
using testing::SignToken;
using testing::StandardClaims;

class JwksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<SigningKey> ec = GenerateSigningKey();
    ASSERT_TRUE(ec.ok()) << ec.status();
    ec_ = *ec;
    absl::StatusOr<std::string> ec_jwks = ToJwks(ec_);
    ASSERT_TRUE(ec_jwks.ok()) << ec_jwks.status();
    ec_jwk_ = json::parse(*ec_jwks)["keys"][0];
    rsa_ = testing::GenerateRsaKey(2048);
    rsa_jwk_ = {{"kty", "RSA"},
                {"kid", "rsa-1"},
                {"use", "sig"},
                {"alg", "RS256"},
                {"n", Base64Url(rsa_.modulus)},
                {"e", Base64Url(rsa_.exponent)}};
  }

  SigningKey ec_;
  testing::RsaKey rsa_;
  json ec_jwk_;
  json rsa_jwk_;
};

TEST_F(JwksTest, ConvertsRsaAndEcKeysAndSelectsByKid) {
  const json jwks = {
      {"keys",
       {rsa_jwk_,
        ec_jwk_,
        // Skipped: an encryption key, a symmetric key, another curve, another RSA alg.
        {{"kty", "RSA"}, {"use", "enc"}, {"kid", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}},
        {{"kty", "oct"}, {"kid", "oct"}, {"k", "c2VjcmV0"}},
        {{"kty", "EC"}, {"crv", "P-384"}, {"kid", "p384"}, {"x", "AA"}, {"y", "AA"}},
        {{"kty", "RSA"}, {"alg", "PS256"}, {"kid", "pss"}, {"n", "AQAB"}, {"e", "AQAB"}}}}};
  absl::StatusOr<std::vector<VerificationKey>> keys = KeysFromJwks(jwks.dump());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "rsa-1");
  EXPECT_EQ((*keys)[0].algorithm, Algorithm::kRS256);
  EXPECT_EQ((*keys)[0].material, rsa_.public_pem);  // the same SubjectPublicKeyInfo
  EXPECT_EQ((*keys)[1].kid, ec_.kid);
  EXPECT_EQ((*keys)[1].algorithm, Algorithm::kES256);
  EXPECT_EQ((*keys)[1].material, ec_.public_key_pem);

  VerifierConfig config;
  config.keys = *keys;
  absl::StatusOr<TokenVerifier> verifier = TokenVerifier::Create(config);
  ASSERT_TRUE(verifier.ok()) << verifier.status();

  json claims = StandardClaims();
  claims["sub"] = "rsa-person";
  absl::StatusOr<Principal> by_rsa = verifier->Verify(
      "Bearer " + SignToken(JWT_ALG_RS256, rsa_.private_pem, claims, "rsa-1"), At(kNow));
  ASSERT_TRUE(by_rsa.ok()) << by_rsa.status();
  EXPECT_EQ(by_rsa->person_id, "rsa-person");

  absl::StatusOr<std::string> minted =
      MintToken(ec_, Principal{.tenant_id = "t", .person_id = "ec-person"}, At(kNow),
                std::chrono::hours(1), "");
  ASSERT_TRUE(minted.ok());
  absl::StatusOr<Principal> by_ec = verifier->Verify(*minted, At(kNow));
  ASSERT_TRUE(by_ec.ok()) << by_ec.status();
  EXPECT_EQ(by_ec->person_id, "ec-person");

  // ES256-signed but naming the RSA key's kid: refused before any signature check.
  absl::StatusOr<Principal> mismatched =
      verifier->Verify(SignToken(JWT_ALG_ES256, ec_.private_key_pem, claims, "rsa-1"), At(kNow));
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(mismatched.status().message(),
              HasSubstr("alg ES256 is not the algorithm configured for kid \"rsa-1\" (RS256)"));
}

TEST_F(JwksTest, KeyWithoutAlgGetsTheAlgOfItsType) {
  rsa_jwk_.erase("alg");
  rsa_jwk_.erase("use");
  ec_jwk_.erase("alg");
  absl::StatusOr<std::vector<VerificationKey>> keys =
      KeysFromJwks(json{{"keys", {rsa_jwk_, ec_jwk_}}}.dump());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].algorithm, Algorithm::kRS256);
  EXPECT_EQ((*keys)[1].algorithm, Algorithm::kES256);
}

TEST_F(JwksTest, RejectsDocumentsThatAreNotJwkSets) {
  for (const char* text : {"", "not json", "[]", "{}", R"({"keys": {}})"}) {
    absl::StatusOr<std::vector<VerificationKey>> keys = KeysFromJwks(text);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(keys.status().message(), HasSubstr("not a JWK Set")) << text;
  }
  absl::StatusOr<std::vector<VerificationKey>> none = KeysFromJwks(R"({"keys": []})");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(), HasSubstr("no usable key"));
}

TEST_F(JwksTest, RejectsMalformedKeysNamingTheirKid) {
  json bad_x = ec_jwk_;
  bad_x["kid"] = "short-x";
  bad_x["x"] = Base64Url("too short");
  absl::StatusOr<std::vector<VerificationKey>> keys = KeysFromJwks(json{{"keys", {bad_x}}}.dump());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(), HasSubstr("JWKS key \"short-x\": P-256 coordinates"));

  json off_curve = ec_jwk_;
  off_curve["kid"] = "off-curve";
  off_curve["y"] = Base64Url(std::string(32, '\x01'));
  keys = KeysFromJwks(json{{"keys", {off_curve}}}.dump());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(), HasSubstr("JWKS key \"off-curve\""));

  json no_n = rsa_jwk_;
  no_n.erase("n");
  keys = KeysFromJwks(json{{"keys", {no_n}}}.dump());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(),
              HasSubstr("JWKS key \"rsa-1\": \"n\" is missing or not base64url"));

  const testing::RsaKey weak = testing::GenerateRsaKey(1024);
  json weak_jwk = rsa_jwk_;
  weak_jwk["n"] = Base64Url(weak.modulus);
  keys = KeysFromJwks(json{{"keys", {weak_jwk}}}.dump());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(), HasSubstr("at least 2048 needed"));
}

}  // namespace
}  // namespace reviewtrail::auth
