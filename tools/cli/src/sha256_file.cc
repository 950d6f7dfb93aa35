#include "reviewtrail/cli/sha256_file.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "reviewtrail/cli/result.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::cli {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

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
  digest::Sha256 hasher;
  std::array<char, kChunkBytes> chunk{};
  FileDigest file_digest;
  while (true) {
    const size_t read = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (read > 0) {
      hasher.Update(std::string_view(chunk.data(), read));
      file_digest.size_bytes += static_cast<int64_t>(read);
    }
    if (read < chunk.size()) break;
  }
  if (std::ferror(file.get()) != 0) {
    return Failure{"error while reading '" + path.string() + "'"};
  }
  file_digest.sha256_hex = hasher.FinishHex();
  return file_digest;
}

}  // namespace reviewtrail::cli
