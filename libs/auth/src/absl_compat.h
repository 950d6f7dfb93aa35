#pragma once

// Internal: Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so views crossing between the two are converted explicitly.

#include <string_view>

#include "absl/strings/string_view.h"

namespace reviewtrail::auth::internal {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }
inline std::string_view ToStd(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace reviewtrail::auth::internal
