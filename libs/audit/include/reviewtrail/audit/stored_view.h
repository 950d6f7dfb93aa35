#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "reviewtrail/audit/entry.h"

namespace reviewtrail::audit {

// A stored entry (EncodeStored) read in place, without copying: every field is a view into the
// stored bytes, which must outlive it. Checked exactly as strictly as DecodeStored.
struct StoredView {
  // The stored text of each canonical field, indexed by Field (a v1 entry's v2-only fields are
  // empty).
  std::array<std::string_view, kCanonicalFieldCount> fields;
  std::string_view prev_hash;
  std::string_view hash;
  // The stored bytes before prev_hash: the version tag and the canonical fields as framed.
  std::string_view framed;
  // True when `framed` is exactly CanonicalBytes() of the decoded entry, so it can be hashed and
  // exported as it is. False only for numbers stored in a form that decodes but is not canonical
  // ("-0", "-07"): such an entry must go through DecodeStored.
  bool canonical = true;
  int version = 2;  // of the canonical encoding, from the stored tag

  int64_t sequence = 0;
  int32_t log_partition = 0;
  int64_t log_offset = 0;
  int64_t aggregate_version = 0;
  int64_t review_prev_sequence = 0;  // v2
  int64_t action_prev_sequence = 0;  // v2
  Micros occurred_at = 0;
  Micros recorded_at = 0;

  [[nodiscard]] std::string_view operator[](Field field) const {
    return fields[static_cast<size_t>(field)];
  }
};

// Reads `stored` in place; the same errors as DecodeStored.
[[nodiscard]] absl::StatusOr<StoredView> ViewStored(std::string_view stored);
// The same into `view` (for loops that reuse one; what it holds after an error is unspecified).
[[nodiscard]] absl::Status ViewStored(std::string_view stored, StoredView& view);

// The entry a view holds (copies every field).
[[nodiscard]] Entry ToEntry(const StoredView& view);

}  // namespace reviewtrail::audit
