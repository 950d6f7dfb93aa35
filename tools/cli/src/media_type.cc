#include "reviewtrail/cli/media_type.h"

#include <array>
#include <utility>

#include "text.h"

namespace reviewtrail::cli {
namespace {

// The kinds of file evidence of an ISMS action usually comes as.
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kByExtension = {{
    {"pdf", "application/pdf"},
    {"txt", "text/plain"},
    {"md", "text/markdown"},
    {"csv", "text/csv"},
    {"html", "text/html"},
    {"htm", "text/html"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"eml", "message/rfc822"},
    {"msg", "application/vnd.ms-outlook"},
}};

}  // namespace

std::string GuessMediaType(std::string_view file_name) {
  // Ignore a URI's query or fragment and anything before the last path segment.
  file_name = file_name.substr(0, file_name.find_first_of("?#"));
  const size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name = file_name.substr(slash + 1);
  const size_t dot = file_name.find_last_of('.');
  if (dot != std::string_view::npos && dot + 1 < file_name.size()) {
    const std::string extension = ToLowerAscii(file_name.substr(dot + 1));
    for (const auto& [known, media_type] : kByExtension) {
      if (extension == known) return std::string(media_type);
    }
  }
  return "application/octet-stream";
}

}  // namespace reviewtrail::cli
