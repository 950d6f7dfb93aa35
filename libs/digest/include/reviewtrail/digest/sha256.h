#pragma once

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace reviewtrail::digest {

// A SHA-256 digest as 64 lowercase hex digits, without allocating.
struct Sha256Digits {
  std::array<char, 64> digits{};

  [[nodiscard]] std::string_view view() const { return {digits.data(), digits.size()}; }
  [[nodiscard]] std::string str() const { return std::string(view()); }
};

// Incremental SHA-256 over OpenSSL EVP (the SHA-256 implementation fetched once per process, so
// CPUs with SHA extensions use them). Owned by one thread; reusable after Finish().
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  // The digest of everything updated since construction or the last Finish(); the hasher is reset.
  [[nodiscard]] Sha256Digits FinishDigits();
  // The same as a string.
  [[nodiscard]] std::string FinishHex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> context_;
};

// SHA-256 of `first` followed by `second`, through a context reused per thread. Thread-safe.
[[nodiscard]] Sha256Digits Sha256Of(std::string_view first, std::string_view second = {});

// The 32 bytes of the SHA-256 of `bytes` (e.g. for base64url).
[[nodiscard]] std::array<unsigned char, 32> Sha256Bytes(std::string_view bytes);

// SHA-256 of `bytes` as 64 lowercase hex digits.
[[nodiscard]] std::string Sha256Hex(std::string_view bytes);

// True for exactly 64 lowercase hex digits.
[[nodiscard]] bool IsSha256Hex(std::string_view text);

}  // namespace reviewtrail::digest
