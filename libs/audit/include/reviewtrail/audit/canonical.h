#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "reviewtrail/audit/entry.h"

namespace reviewtrail::audit {

// The canonical bytes of `entry` (docs/AUDIT.md): the version tag then every canonical field, each
// written as its UTF-8 byte length in decimal, ':', the bytes, '\n'. prev_hash and hash are not
// part of them.
[[nodiscard]] std::string CanonicalBytes(const Entry& entry);

// SHA-256(prev_hash || canonical) as 64 lowercase hex digits; prev_hash is its 64 ASCII digits.
[[nodiscard]] std::string ChainHash(std::string_view prev_hash, std::string_view canonical);

// Sets entry.prev_hash and entry.hash: the link after an entry whose hash is `prev_hash`.
void Seal(Entry& entry, std::string_view prev_hash);

// The stored form of an entry: its canonical bytes followed by prev_hash and hash in the same
// length-prefixed framing. Decoding is strict: a framing error, an unknown tag, a bad number or
// time, or trailing bytes is InvalidArgument (DataLoss for the caller).
[[nodiscard]] std::string EncodeStored(const Entry& entry);
[[nodiscard]] absl::StatusOr<Entry> DecodeStored(std::string_view stored);

// RFC 3339 UTC with exactly 6 fractional digits, e.g. "2026-11-23T09:00:00.000000Z", and back.
[[nodiscard]] std::string FormatMicros(Micros micros);
void AppendMicros(Micros micros, std::string& out);
[[nodiscard]] absl::StatusOr<Micros> ParseMicros(std::string_view text);

}  // namespace reviewtrail::audit
