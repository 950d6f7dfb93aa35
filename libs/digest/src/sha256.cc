#include "reviewtrail/digest/sha256.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace reviewtrail::digest {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// The SHA-256 implementation, fetched once: EVP_sha256() would be looked up again on every
// initialisation. Never freed (it lives as long as the process).
const EVP_MD* Sha256Md() {
  static const EVP_MD* const kMd = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) {
      std::cerr << "reviewtrail: OpenSSL has no SHA-256 implementation\n";
      std::abort();
    }
    return md;
  }();
  return kMd;
}

using Raw = std::array<unsigned char, 32>;

Sha256Digits ToDigits(const Raw& digest) {
  Sha256Digits hex;
  char* out = hex.digits.data();
  for (const unsigned char byte : digest) {
    *out++ = kHexDigits[byte >> 4];
    *out++ = kHexDigits[byte & 0x0F];
  }
  return hex;
}

void Init(EVP_MD_CTX* context) { EVP_DigestInit_ex2(context, Sha256Md(), nullptr); }

Raw Finish(EVP_MD_CTX* context) {
  static_assert(EVP_MAX_MD_SIZE >= 32);
  unsigned char digest[EVP_MAX_MD_SIZE] = {};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  Raw raw{};
  std::copy_n(digest, raw.size(), raw.begin());
  return raw;
}

struct FreeContext {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// A context reused by every one-shot digest of the calling thread, initialised for a new digest.
EVP_MD_CTX* ThreadContext() {
  thread_local const std::unique_ptr<EVP_MD_CTX, FreeContext> context(EVP_MD_CTX_new());
  Init(context.get());
  return context.get();
}

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) { Init(context_.get()); }

void Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
}

Sha256Digits Sha256::FinishDigits() {
  Sha256Digits hex = ToDigits(Finish(context_.get()));
  Init(context_.get());
  return hex;
}

std::string Sha256::FinishHex() { return FinishDigits().str(); }

Sha256Digits Sha256Of(std::string_view first, std::string_view second) {
  EVP_MD_CTX* context = ThreadContext();
  EVP_DigestUpdate(context, first.data(), first.size());
  if (!second.empty()) EVP_DigestUpdate(context, second.data(), second.size());
  return ToDigits(Finish(context));
}

std::array<unsigned char, 32> Sha256Bytes(std::string_view bytes) {
  EVP_MD_CTX* context = ThreadContext();
  EVP_DigestUpdate(context, bytes.data(), bytes.size());
  return Finish(context);
}

std::string Sha256Hex(std::string_view bytes) { return Sha256Of(bytes).str(); }

bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace reviewtrail::digest
