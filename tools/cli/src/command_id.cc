#include "reviewtrail/cli/command_id.h"

#include <openssl/rand.h>

#include <array>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

Result<std::string> NewCommandId() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Failure{"OpenSSL could not produce random bytes for a command id"};
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kDigits[bytes[i] >> 4]);
    id.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return id;
}

}  // namespace reviewtrail::cli
