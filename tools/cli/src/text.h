#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace reviewtrail::cli {

// Small ASCII text helpers (locale-independent).
std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
std::string_view TrimAscii(std::string_view text);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace reviewtrail::cli
