#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::eventlog::testing {

// A fresh directory under the test temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// An ActionAssigned event of `tenant`, aggregate `action`, at `version`, with a unique event id.
[[nodiscard]] v1::EventEnvelope MakeEvent(const std::string& tenant, const std::string& action,
                                          int64_t version);

}  // namespace reviewtrail::eventlog::testing
