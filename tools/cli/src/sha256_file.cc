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

Result<FileDigest> Sha256OfFile(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return Failure{"'" + path.string() + "' is a directory, not a file"};
  }
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return Failure{"cannot open '" + path.string() + "': " + std::strerror(errno)};
  }
  std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return Failure{"OpenSSL could not start a SHA-256 digest"};
  }
  std::array<unsigned char, kChunkBytes> chunk{};
  FileDigest digest;
  while (true) {
    const size_t read = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (read > 0) {
      if (EVP_DigestUpdate(context.get(), chunk.data(), read) != 1) {
        return Failure{"OpenSSL could not update the SHA-256 digest"};
      }
      digest.size_bytes += static_cast<int64_t>(read);
    }
    if (read < chunk.size()) break;
  }
  if (std::ferror(file.get()) != 0) {
    return Failure{"error while reading '" + path.string() + "'"};
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> bytes{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), bytes.data(), &length) != 1) {
    return Failure{"OpenSSL could not finish the SHA-256 digest"};
  }
  digest.sha256_hex = ToHex(bytes.data(), length);
  return digest;
}

}  // namespace reviewtrail::cli
