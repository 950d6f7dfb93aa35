#pragma once

#include <string>
#include <string_view>

namespace reviewtrail::cli {

// The IANA media type for a file name or URI path by its extension (case-insensitive), e.g.
// "report.PDF" -> "application/pdf"; "application/octet-stream" when the extension is unknown.
std::string GuessMediaType(std::string_view file_name);

}  // namespace reviewtrail::cli
