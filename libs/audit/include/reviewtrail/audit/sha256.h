#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace reviewtrail::audit {

// Incremental SHA-256 over OpenSSL EVP. Owned by one thread; reusable after Finish().
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  // The digest of everything updated since construction or the last Finish(), as 64 lowercase hex
  // digits; the hasher is reset.
  [[nodiscard]] std::string FinishHex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> context_;
};

// SHA-256 of `bytes` as 64 lowercase hex digits.
[[nodiscard]] std::string Sha256Hex(std::string_view bytes);

// True for exactly 64 lowercase hex digits.
[[nodiscard]] bool IsSha256Hex(std::string_view text);

}  // namespace reviewtrail::audit
