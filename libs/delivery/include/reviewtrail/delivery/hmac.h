#pragma once

#include <string>
#include <string_view>

namespace reviewtrail::delivery {

// HMAC-SHA256 of `body` under `secret`, as lowercase hex (OpenSSL). Pure.
[[nodiscard]] std::string HmacSha256Hex(std::string_view secret, std::string_view body);

}  // namespace reviewtrail::delivery
