#include "reviewtrail/auth/local_keys.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_tokens.h"

namespace reviewtrail::auth {
namespace {

namespace fs = std::filesystem;
using testing::At;
using ::testing::HasSubstr;
using testing::kNow;

mode_t ModeOf(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

nlohmann::json DecodeSegment(const std::string& token, int index) {
  size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = token.find('.', begin) + 1;
  const std::string segment = token.substr(begin, token.find('.', begin) - begin);
  std::string bytes;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(segment, &bytes));
  return nlohmann::json::parse(bytes);
}

class LocalKeysTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::MakeTempDir(); }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_F(LocalKeysTest, CreatesKeyFilesWithMode0600AndReloadsThemIdentically) {
  const fs::path directory = root_ / "keys";
  absl::StatusOr<LocalKey> first = LoadOrCreateLocalKey(directory);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(ModeOf(directory / "signing-key.pem"), 0600);
  EXPECT_EQ(ModeOf(directory / "signing-key.pub.pem"), 0600);
  EXPECT_EQ(ModeOf(directory), 0700);
  EXPECT_THAT(first->key.private_key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_THAT(first->key.public_key_pem, HasSubstr("-----BEGIN PUBLIC KEY-----"));
  EXPECT_EQ(first->key.kid.size(), 43u);  // base64url of a SHA-256 thumbprint

  absl::StatusOr<LocalKey> second = LoadOrCreateLocalKey(directory);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->key.kid, first->key.kid);
  EXPECT_EQ(second->key.private_key_pem, first->key.private_key_pem);
  EXPECT_EQ(second->key.public_key_pem, first->key.public_key_pem);
  EXPECT_EQ(std::distance(fs::directory_iterator(directory), fs::directory_iterator()), 2);
}

TEST_F(LocalKeysTest, ConcurrentFirstUseAgreesOnOneKey) {
  const fs::path directory = root_ / "keys";
  absl::StatusOr<LocalKey> results[4];
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] { result = LoadOrCreateLocalKey(directory); });
  }
  for (std::thread& thread : threads) thread.join();
  int created = 0;
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->key.kid, results[0]->key.kid);
    created += result->created ? 1 : 0;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(std::distance(fs::directory_iterator(directory), fs::directory_iterator()), 2);
}

TEST_F(LocalKeysTest, RefusesAPrivateKeyOthersCanRead) {
  ASSERT_TRUE(LoadOrCreateLocalKey(root_).ok());
  fs::permissions(root_ / "signing-key.pem", fs::perms::group_read, fs::perm_options::add);
  absl::StatusOr<LocalKey> loaded = LoadOrCreateLocalKey(root_);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
}

TEST_F(LocalKeysTest, RewritesAMissingPublicKeyAndRefusesAMismatchedOne) {
  absl::StatusOr<LocalKey> created = LoadOrCreateLocalKey(root_);
  ASSERT_TRUE(created.ok());
  fs::remove(root_ / "signing-key.pub.pem");
  absl::StatusOr<LocalKey> reloaded = LoadOrCreateLocalKey(root_);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(ModeOf(root_ / "signing-key.pub.pem"), 0600);
  EXPECT_EQ(reloaded->key.kid, created->key.kid);

  absl::StatusOr<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  std::ofstream(root_ / "signing-key.pub.pem", std::ios::trunc) << other->public_key_pem;
  absl::StatusOr<LocalKey> mismatched = LoadOrCreateLocalKey(root_);
  EXPECT_EQ(mismatched.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("does not hold the public half"));
}

TEST_F(LocalKeysTest, SigningKeyFromPemRestoresTheSameKey) {
  absl::StatusOr<SigningKey> key = GenerateSigningKey();
  ASSERT_TRUE(key.ok());
  absl::StatusOr<SigningKey> restored = SigningKeyFromPem(key->private_key_pem);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->kid, key->kid);
  EXPECT_EQ(restored->public_key_pem, key->public_key_pem);

  EXPECT_EQ(SigningKeyFromPem(key->public_key_pem).status().code(),
            absl::StatusCode::kInvalidArgument);
  const testing::RsaKey rsa = testing::GenerateRsaKey(2048);
  absl::StatusOr<SigningKey> not_ec = SigningKeyFromPem(rsa.private_pem);
  EXPECT_EQ(not_ec.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_ec.status().message(), HasSubstr("ES256 needs an EC key"));
}

TEST_F(LocalKeysTest, MintedTokenHasTheDocumentedHeaderAndClaims) {
  absl::StatusOr<SigningKey> key = GenerateSigningKey();
  ASSERT_TRUE(key.ok());
  const Principal principal{
      .tenant_id = "acme", .person_id = "p-1", .roles = {v1::ROLE_SERVICE, v1::ROLE_AUDITOR}};
  absl::StatusOr<std::string> token =
      MintToken(*key, principal, At(kNow), std::chrono::hours(1), "reviewtrail-local");
  ASSERT_TRUE(token.ok()) << token.status();

  const nlohmann::json header = DecodeSegment(*token, 0);
  EXPECT_EQ(header["alg"], "ES256");
  EXPECT_EQ(header["kid"], key->kid);
  const nlohmann::json claims = DecodeSegment(*token, 1);
  EXPECT_EQ(claims, (nlohmann::json{{"sub", "p-1"},
                                    {"tenant", "acme"},
                                    {"roles", {"service", "auditor"}},
                                    {"iat", kNow},
                                    {"exp", kNow + 3600},
                                    {"iss", "reviewtrail-local"}}));
}

TEST_F(LocalKeysTest, MintTokenRejectsIncompletePrincipals) {
  absl::StatusOr<SigningKey> key = GenerateSigningKey();
  ASSERT_TRUE(key.ok());
  const Principal good{.tenant_id = "t", .person_id = "p", .roles = {v1::ROLE_AUDITOR}};
  const auto mint = [&](Principal principal, std::chrono::seconds ttl) {
    return MintToken(*key, principal, At(kNow), ttl, "").status();
  };
  EXPECT_TRUE(mint(good, std::chrono::seconds(60)).ok());

  Principal no_tenant = good;
  no_tenant.tenant_id.clear();
  EXPECT_THAT(mint(no_tenant, std::chrono::seconds(60)).message(), HasSubstr("no tenant"));
  Principal no_person = good;
  no_person.person_id.clear();
  EXPECT_THAT(mint(no_person, std::chrono::seconds(60)).message(), HasSubstr("no person"));
  Principal unnamed_role = good;
  unnamed_role.roles.push_back(v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(mint(unnamed_role, std::chrono::seconds(60)).message(), HasSubstr("has no name"));
  EXPECT_EQ(mint(good, std::chrono::seconds(0)).code(), absl::StatusCode::kInvalidArgument);
  Principal bad_utf8 = good;
  bad_utf8.person_id = "\xff";
  EXPECT_THAT(mint(bad_utf8, std::chrono::seconds(60)).message(), HasSubstr("not valid UTF-8"));
}

}  // namespace
}  // namespace reviewtrail::auth
