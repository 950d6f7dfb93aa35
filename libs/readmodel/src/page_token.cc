#include "reviewtrail/readmodel/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"

namespace reviewtrail::readmodel {
namespace {

constexpr char kVersion[] = "p1";

}  // namespace

std::string EncodePageToken(const PageToken& token) {
  std::string raw = std::string(kVersion) + '\n' + token.index + '\n' + token.last_key;
  return absl::WebSafeBase64Escape(raw);
}

std::optional<PageToken> DecodePageToken(std::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw)) return std::nullopt;
  const size_t first = raw.find('\n');
  if (first == std::string::npos || raw.substr(0, first) != kVersion) return std::nullopt;
  const size_t second = raw.find('\n', first + 1);
  if (second == std::string::npos) return std::nullopt;
  PageToken decoded{raw.substr(first + 1, second - first - 1), raw.substr(second + 1)};
  if (decoded.index.empty() || decoded.last_key.empty()) return std::nullopt;
  return decoded;
}

int32_t EffectivePageSize(int32_t requested) {
  if (requested <= 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

}  // namespace reviewtrail::readmodel
