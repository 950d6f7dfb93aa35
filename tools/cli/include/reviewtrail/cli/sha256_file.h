#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

struct FileDigest {
  std::string sha256_hex;  // 64 lowercase hex digits
  int64_t size_bytes = 0;
};

// Hashes the file in fixed-size chunks (memory stays bounded whatever the file's size).
Result<FileDigest> Sha256OfFile(const std::filesystem::path& path);

}  // namespace reviewtrail::cli
