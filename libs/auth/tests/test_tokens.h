#pragma once

// Test helpers: keys and tokens made without the library under test (OpenSSL and libjwt directly).

#include <jwt.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace reviewtrail::auth::testing {

inline constexpr int64_t kNow = 1'700'000'000;  // 2023-11-14T22:13:20Z

inline std::chrono::system_clock::time_point At(int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

struct RsaKey {
  std::string private_pem;
  std::string public_pem;
  std::string modulus;   // big-endian bytes
  std::string exponent;  // big-endian bytes
};
RsaKey GenerateRsaKey(int bits);

std::string Base64Url(std::string_view bytes);

// sub "person-1", tenant "tenant-1", roles ["action_owner"], iat kNow, exp kNow + 600.
nlohmann::json StandardClaims();

// Signs `claims` with libjwt; `key` is a PEM private key or an HMAC secret. Empty kid: no kid.
std::string SignToken(jwt_alg_t alg, std::string_view key, const nlohmann::json& claims,
                      std::string_view kid = "");

// header.payload.signature from raw JSON, with whatever signature text is given.
std::string AssembleToken(const nlohmann::json& header, const nlohmann::json& claims,
                          std::string_view signature);

// A fresh empty directory for one test.
std::string MakeTempDir();

}  // namespace reviewtrail::auth::testing
