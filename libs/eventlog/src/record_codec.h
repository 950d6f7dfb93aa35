#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"

namespace reviewtrail::eventlog::internal {

// The embedded log's storage formats. Keys are 12 bytes: partition then offset, both big-endian,
// so RocksDB's bytewise order is (partition, offset) order. Values are framed records:
//   u8 version (1) | varint key size | key | varint header count |
//   (varint name size | name | varint value size | value)* | varint value size | value |
//   u32 little-endian CRC-32C of everything before it.
inline constexpr size_t kLogKeySize = 12;

[[nodiscard]] std::string EncodeLogKey(int32_t partition, int64_t offset);
// Returns false unless `key` is a well-formed log key.
[[nodiscard]] bool DecodeLogKey(std::string_view key, int32_t& partition, int64_t& offset);

[[nodiscard]] std::string EncodeFrame(std::string_view key, const Headers& headers,
                                      std::string_view value);
// Fills key, headers (unless `with_headers` is false: then left empty) and value of `record` (not
// its position). DataLoss unless the frame decodes completely and its checksum matches.
[[nodiscard]] absl::Status DecodeFrame(std::string_view frame, Record& record,
                                       bool with_headers = true);

[[nodiscard]] uint32_t Crc32c(std::string_view data);

}  // namespace reviewtrail::eventlog::internal
