#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace reviewtrail::testing {

// A fresh directory of its own under the system's temp directory (mkdtemp: unique across
// processes and tests), removed with everything in it at destruction. `prefix` names it for a
// reader of /tmp.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "reviewtrail-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // `name` inside the directory, as a string (for the options that take one).
  [[nodiscard]] std::string Sub(std::string_view name) const { return (path_ / name).string(); }
  // Writes `content` to the file `name` in the directory and returns its path.
  std::string Write(std::string_view name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

}  // namespace reviewtrail::testing
