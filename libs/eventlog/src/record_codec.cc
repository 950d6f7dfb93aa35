#include "record_codec.h"

#include <array>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reviewtrail::eventlog::internal {
namespace {

constexpr uint8_t kFrameVersion = 1;

constexpr std::array<uint32_t, 256> MakeCrc32cTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0x82f63b78U : crc >> 1;  // Castagnoli, reflected
    }
    table[i] = crc;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrc32cTable = MakeCrc32cTable();

#if defined(__x86_64__)
// CRC-32C with SSE 4.2's crc32 instruction, 8 bytes at a time: the same value as the table.
__attribute__((target("sse4.2"))) uint32_t Crc32cWithInstructions(std::string_view data) {
  uint64_t crc = 0xffffffffU;
  const char* next = data.data();
  size_t left = data.size();
  for (; left >= 8; left -= 8, next += 8) {
    uint64_t word = 0;
    std::memcpy(&word, next, 8);
    crc = _mm_crc32_u64(crc, word);
  }
  auto crc32 = static_cast<uint32_t>(crc);
  for (; left > 0; --left, ++next) crc32 = _mm_crc32_u8(crc32, static_cast<uint8_t>(*next));
  return crc32 ^ 0xffffffffU;
}
#endif

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutBytes(std::string& out, std::string_view bytes) {
  PutVarint(out, bytes.size());
  out.append(bytes);
}

// A bounds-checked reader over a frame; every Get fails rather than reading past the end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  // Only the shortest encoding, as PutVarint writes it: a frame decodes only from the bytes that
  // encode it (no trailing zero groups, nothing beyond 64 bits).
  bool GetVarint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (data_.empty()) return false;
      const auto byte = static_cast<uint8_t>(data_.front());
      data_.remove_prefix(1);
      if (shift == 63 && byte > 1) return false;
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return byte != 0 || shift == 0;
    }
    return false;
  }

  bool GetBytes(std::string& out) {
    uint64_t size = 0;
    if (!GetVarint(size) || size > data_.size()) return false;
    out.assign(data_.data(), size);
    data_.remove_prefix(size);
    return true;
  }

  bool SkipBytes() {
    uint64_t size = 0;
    if (!GetVarint(size) || size > data_.size()) return false;
    data_.remove_prefix(size);
    return true;
  }

  bool empty() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace

uint32_t Crc32c(std::string_view data) {
#if defined(__x86_64__)
  static const bool hardware = __builtin_cpu_supports("sse4.2");
  if (hardware) return Crc32cWithInstructions(data);
#endif
  uint32_t crc = 0xffffffffU;
  for (const char ch : data) {
    crc = kCrc32cTable[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  }
  return crc ^ 0xffffffffU;
}

std::string EncodeLogKey(int32_t partition, int64_t offset) {
  std::string key(kLogKeySize, '\0');
  const auto p = static_cast<uint32_t>(partition);
  const auto o = static_cast<uint64_t>(offset);
  for (int i = 0; i < 4; ++i) key[i] = static_cast<char>(p >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) key[4 + i] = static_cast<char>(o >> (56 - 8 * i));
  return key;
}

bool DecodeLogKey(std::string_view key, int32_t& partition, int64_t& offset) {
  if (key.size() != kLogKeySize) return false;
  uint32_t p = 0;
  uint64_t o = 0;
  for (int i = 0; i < 4; ++i) p = (p << 8) | static_cast<uint8_t>(key[i]);
  for (int i = 0; i < 8; ++i) o = (o << 8) | static_cast<uint8_t>(key[4 + i]);
  if (p > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()) ||
      o > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return false;
  }
  partition = static_cast<int32_t>(p);
  offset = static_cast<int64_t>(o);
  return true;
}

std::string EncodeFrame(std::string_view key, const Headers& headers, std::string_view value) {
  std::string frame;
  size_t size = 1 + 10 + key.size() + 10 + 10 + value.size() + 4;
  for (const auto& [name, text] : headers) size += 20 + name.size() + text.size();
  frame.reserve(size);
  frame.push_back(static_cast<char>(kFrameVersion));
  PutBytes(frame, key);
  PutVarint(frame, headers.size());
  for (const auto& [name, text] : headers) {
    PutBytes(frame, name);
    PutBytes(frame, text);
  }
  PutBytes(frame, value);
  const uint32_t crc = Crc32c(frame);
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>(crc >> (8 * i)));
  return frame;
}

absl::Status DecodeFrame(std::string_view frame, Record& record, bool with_headers) {
  if (frame.size() < 5) return absl::DataLossError("event log frame too short");
  const std::string_view body = frame.substr(0, frame.size() - 4);
  uint32_t stored_crc = 0;
  for (int i = 0; i < 4; ++i) {
    stored_crc |= static_cast<uint32_t>(static_cast<uint8_t>(frame[body.size() + i])) << (8 * i);
  }
  if (Crc32c(body) != stored_crc) return absl::DataLossError("event log frame checksum mismatch");
  if (static_cast<uint8_t>(body.front()) != kFrameVersion) {
    return absl::DataLossError(
        absl::StrCat("unknown event log frame version ", static_cast<uint8_t>(body.front())));
  }
  Reader reader(body.substr(1));
  uint64_t header_count = 0;
  if (!reader.GetBytes(record.key) || !reader.GetVarint(header_count) ||
      header_count > body.size()) {
    return absl::DataLossError("malformed event log frame");
  }
  record.headers.clear();
  if (with_headers) record.headers.reserve(header_count);
  for (uint64_t i = 0; i < header_count; ++i) {
    bool read = false;
    if (with_headers) {
      auto& [name, text] = record.headers.emplace_back();
      read = reader.GetBytes(name) && reader.GetBytes(text);
    } else {
      read = reader.SkipBytes() && reader.SkipBytes();
    }
    if (!read) return absl::DataLossError("malformed event log frame header");
  }
  if (!reader.GetBytes(record.value) || !reader.empty()) {
    return absl::DataLossError("malformed event log frame value");
  }
  return absl::OkStatus();
}

}  // namespace reviewtrail::eventlog::internal
