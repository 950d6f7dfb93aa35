#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace reviewtrail::projection {

// Numbers in keys and values, big-endian so that RocksDB's bytewise order is their numeric order
// (for the non-negative numbers stored: offsets, sequences, versions, days since the epoch). The
// one codec of every store: the read models, the audit log and the command service's write model.

// Appends the low `bytes` bytes of `value` (1 to 8), most significant first.
inline void AppendBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// `value` as 8 big-endian bytes.
[[nodiscard]] inline std::string BigEndian64(int64_t value) {
  std::string bytes;
  bytes.reserve(8);
  AppendBigEndian(bytes, static_cast<uint64_t>(value), 8);
  return bytes;
}

// The number the first min(8, size) bytes of `bytes` spell, most significant first.
[[nodiscard]] inline int64_t ReadBigEndian64(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes.substr(0, 8)) value = (value << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(value);
}

// The big-endian number of sizeof(T) bytes at `at` (which must hold them): one load, and a byte
// swap on a little-endian CPU.
template <typename T>
[[nodiscard]] T LoadBigEndian(const char* at) {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  T value;
  std::memcpy(&value, at, sizeof(T));
  if constexpr (std::endian::native == std::endian::little) {
    if constexpr (sizeof(T) == 4) {
      value = __builtin_bswap32(value);
    } else {
      value = __builtin_bswap64(value);
    }
  }
  return value;
}

}  // namespace reviewtrail::projection
