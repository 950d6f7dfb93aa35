#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

struct FileDigest {
  std::string sha256_hex;  // 64 lowercase hex digits
  int64_t size_bytes = 0;
};

// SHA-256 over bytes given piece by piece, e.g. a download as it streams in.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  // False (and the hasher unusable) when OpenSSL failed.
  [[nodiscard]] bool ok() const { return ok_; }
  void Update(std::string_view bytes);
  // 64 lowercase hex digits; call once, after the last Update.
  Result<std::string> FinishHex();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  bool ok_ = true;
};

// Hashes the file in fixed-size chunks (memory stays bounded whatever the file's size).
Result<FileDigest> Sha256OfFile(const std::filesystem::path& path);

}  // namespace reviewtrail::cli
