#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string_view>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

// A file written in pieces that appears under its name only when complete: the bytes go to
// "<path>.partial", Commit() renames it to `path`; destroyed uncommitted (an error, an interrupted
// stream), the partial file is removed, so a half-written export never looks like a whole one.
class OutputFile {
 public:
  // Fails when `path` exists and !overwrite, or the partial file cannot be created.
  static Result<std::unique_ptr<OutputFile>> Create(const std::filesystem::path& path,
                                                    bool overwrite);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Outcome Write(std::string_view bytes);
  // Flushes, closes and renames; the file is then at path().
  Outcome Commit();
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  OutputFile(std::filesystem::path path, std::filesystem::path partial, std::FILE* file);

  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::FILE* file_;
  bool committed_ = false;
};

// Writes `content` to `path` whole (through OutputFile).
Outcome WriteWholeFile(const std::filesystem::path& path, std::string_view content, bool overwrite);

}  // namespace reviewtrail::cli
