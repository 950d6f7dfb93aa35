#include "reviewtrail/cli/output_file.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

namespace reviewtrail::cli {

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::filesystem::path& path,
                                                       bool overwrite) {
  std::error_code error;
  if (!overwrite && std::filesystem::exists(path, error)) {
    return Failure{"'" + path.string() + "' exists; give --force to overwrite it"};
  }
  std::filesystem::path partial = path;
  partial += ".partial";
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) {
    return Failure{"cannot create '" + partial.string() + "': " + std::strerror(errno)};
  }
  return std::unique_ptr<OutputFile>(new OutputFile(path, std::move(partial), file));
}

OutputFile::OutputFile(std::filesystem::path path, std::filesystem::path partial, std::FILE* file)
    : path_(std::move(path)), partial_(std::move(partial)), file_(file) {}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(partial_, ignored);
  }
}

Outcome OutputFile::Write(std::string_view bytes) {
  if (file_ == nullptr) return Failure{"'" + partial_.string() + "' is already closed"};
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Failure{"cannot write '" + partial_.string() + "': " + std::strerror(errno)};
  }
  return Success();
}

Outcome OutputFile::Commit() {
  if (file_ == nullptr) return Failure{"'" + partial_.string() + "' is already closed"};
  const bool flushed = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    return Failure{"cannot write '" + partial_.string() + "': " + std::strerror(errno)};
  }
  std::error_code error;
  std::filesystem::rename(partial_, path_, error);
  if (error) {
    return Failure{"cannot rename '" + partial_.string() + "' to '" + path_.string() +
                   "': " + error.message()};
  }
  committed_ = true;
  return Success();
}

Outcome WriteWholeFile(const std::filesystem::path& path, std::string_view content,
                       bool overwrite) {
  Result<std::unique_ptr<OutputFile>> file = OutputFile::Create(path, overwrite);
  if (!file.ok()) return file.failure();
  if (Outcome written = (*file)->Write(content); !written.ok()) return written;
  return (*file)->Commit();
}

}  // namespace reviewtrail::cli
