#include "reviewtrail/cli/sha256_file.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string ToHex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return hex;
}

}  // namespace

struct Sha256Hasher::Context {
  std::unique_ptr<EVP_MD_CTX, DigestContextFree> digest{EVP_MD_CTX_new()};
};

Sha256Hasher::Sha256Hasher() : context_(std::make_unique<Context>()) {
  ok_ = context_->digest != nullptr &&
        EVP_DigestInit_ex(context_->digest.get(), EVP_sha256(), nullptr) == 1;
}

Sha256Hasher::~Sha256Hasher() = default;

void Sha256Hasher::Update(std::string_view bytes) {
  if (ok_ && !bytes.empty()) {
    ok_ = EVP_DigestUpdate(context_->digest.get(), bytes.data(), bytes.size()) == 1;
  }
}

Result<std::string> Sha256Hasher::FinishHex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> bytes{};
  unsigned int length = 0;
  if (!ok_ || EVP_DigestFinal_ex(context_->digest.get(), bytes.data(), &length) != 1) {
    ok_ = false;
    return Failure{"OpenSSL could not compute the SHA-256 digest"};
  }
  ok_ = false;  // finished: a digest context cannot be updated any more
  return ToHex(bytes.data(), length);
}

Result<FileDigest> Sha256OfFile(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Failure{"'" + path.string() + "' is a directory, not a file"};
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return Failure{"cannot open '" + path.string() + "': " + std::strerror(errno)};
  }
  Sha256Hasher hasher;
  if (!hasher.ok()) return Failure{"OpenSSL could not start a SHA-256 digest"};
  std::array<char, kChunkBytes> chunk{};
  FileDigest digest;
  while (true) {
    const size_t read = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (read > 0) {
      hasher.Update(std::string_view(chunk.data(), read));
      digest.size_bytes += static_cast<int64_t>(read);
    }
    if (read < chunk.size()) break;
  }
  if (std::ferror(file.get()) != 0) {
    return Failure{"error while reading '" + path.string() + "'"};
  }
  Result<std::string> hex = hasher.FinishHex();
  if (!hex.ok()) return hex.failure();
  digest.sha256_hex = *std::move(hex);
  return digest;
}

}  // namespace reviewtrail::cli
