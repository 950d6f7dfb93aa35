#include "test_tokens.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace reviewtrail::auth::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(jwt_t* p) const { jwt_free(p); }
  void operator()(char* p) const { std::free(p); }
};

std::string DrainBio(BIO* bio) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  BIO_read(bio, out.data(), static_cast<int>(out.size()));
  return out;
}

std::string BignumParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw std::runtime_error("get_bn_param");
  std::unique_ptr<BIGNUM, Free> bn(raw);
  std::string out(static_cast<size_t>(BN_num_bytes(bn.get())), '\0');
  BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace

RsaKey GenerateRsaKey(int bits) {
  std::unique_ptr<EVP_PKEY_CTX, Free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    throw std::runtime_error("RSA keygen");
  }
  std::unique_ptr<EVP_PKEY, Free> key(raw);
  std::unique_ptr<BIO, Free> private_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, Free> public_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(public_bio.get(), key.get());
  return RsaKey{.private_pem = DrainBio(private_bio.get()),
                .public_pem = DrainBio(public_bio.get()),
                .modulus = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_N),
                .exponent = BignumParam(key.get(), OSSL_PKEY_PARAM_RSA_E)};
}

std::string Base64Url(std::string_view bytes) {
  return absl::WebSafeBase64Escape(absl::string_view(bytes.data(), bytes.size()));
}

nlohmann::json StandardClaims() {
  return {{"sub", "person-1"},
          {"tenant", "tenant-1"},
          {"roles", {"action_owner"}},
          {"iat", kNow},
          {"exp", kNow + 600}};
}

std::string SignToken(jwt_alg_t alg, std::string_view key, const nlohmann::json& claims,
                      std::string_view kid) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new");
  std::unique_ptr<jwt_t, Free> jwt(raw);
  const std::string kid_string(kid);
  if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0 ||
      (!kid.empty() && jwt_add_header(jwt.get(), "kid", kid_string.c_str()) != 0) ||
      jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    throw std::runtime_error("jwt setup");
  }
  std::unique_ptr<char, Free> token(jwt_encode_str(jwt.get()));
  if (!token) throw std::runtime_error("jwt_encode_str");
  return token.get();
}

std::string AssembleToken(const nlohmann::json& header, const nlohmann::json& claims,
                          std::string_view signature) {
  return Base64Url(header.dump()) + "." + Base64Url(claims.dump()) + "." + std::string(signature);
}

std::string MakeTempDir() {
  std::string pattern = ::testing::TempDir() + "auth_test_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return pattern;
}

}  // namespace reviewtrail::auth::testing
