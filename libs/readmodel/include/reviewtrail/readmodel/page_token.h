#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reviewtrail::readmodel {

// A list's position between pages: the index (table) it walks and the last key it returned. The
// token is opaque to clients (web-safe base64); the next page starts right after that key, so the
// order is stable even while records are added.
struct PageToken {
  std::string index;
  std::string last_key;
};

[[nodiscard]] std::string EncodePageToken(const PageToken& token);
// nullopt for a token this service did not make.
[[nodiscard]] std::optional<PageToken> DecodePageToken(std::string_view token);

inline constexpr int32_t kDefaultPageSize = 100;
inline constexpr int32_t kMaxPageSize = 1000;
// 0 means the default; larger than the maximum is lowered to it (AIP-158). Negative sizes are
// refused by the caller.
[[nodiscard]] int32_t EffectivePageSize(int32_t requested);

}  // namespace reviewtrail::readmodel
