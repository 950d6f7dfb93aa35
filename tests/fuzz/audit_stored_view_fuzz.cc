// The audit log's stored entries: ViewStored (in place) against a plain reference decoder of the
// documented format (docs: "<length>:<bytes>\n" per field, the tag, the canonical fields, prev_hash
// and hash), and the full decode (DecodeStored) against the view.
//
// Input: the bytes of a stored entry.
// Oracles: the view and the reference accept the same inputs and read the same field texts and
// numbers; DecodeStored accepts the same inputs and holds what the view holds; a canonical view's
// `framed` bytes are exactly CanonicalBytes of its entry, and the entry encodes back to the input.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/stored_view.h"

namespace {

using reviewtrail::audit::Field;
using reviewtrail::audit::kCanonicalFieldCount;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

// Decimal digits without a leading zero (other than "0"), as an unsigned value; nullopt when not.
std::optional<uint64_t> Length(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

// The framed fields, or nullopt when the framing is broken.
std::optional<std::vector<std::string_view>> Frames(std::string_view stored) {
  std::vector<std::string_view> frames;
  size_t at = 0;
  while (at < stored.size()) {
    const size_t colon = stored.find(':', at);
    if (colon == std::string_view::npos) return std::nullopt;
    const std::optional<uint64_t> length = Length(stored.substr(at, colon - at));
    if (!length.has_value() || *length >= stored.size() - colon - 1 ||
        stored[colon + 1 + *length] != '\n') {
      return std::nullopt;
    }
    frames.push_back(stored.substr(colon + 1, *length));
    at = colon + 1 + *length + 1;
  }
  return frames;
}

// A decimal as the format allows it: no leading zero (other than "0" itself), a '-' for negative
// numbers, and in range. "-0" and "-07" decode (as non-canonical forms, see StoredView::canonical).
template <typename T>
std::optional<T> Number(std::string_view text) {
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 19) {
    // More than 19 digits is out of range unless they are leading zeros after '-'.
    size_t zeros = 0;
    while (negative && zeros < digits.size() && digits[zeros] == '0') ++zeros;
    if (digits.empty() || digits.size() - zeros > 19) return std::nullopt;
  }
  __int128 value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (negative) value = -value;
  if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
    return std::nullopt;
  }
  return static_cast<T>(value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  const auto view = reviewtrail::audit::ViewStored(stored);
  const auto decoded = reviewtrail::audit::DecodeStored(stored);
  if (view.ok() != decoded.ok()) Fail("DecodeStored and ViewStored disagree");

  const auto frames = Frames(stored);
  bool reference_ok = frames.has_value() && frames->size() == kCanonicalFieldCount + 3 &&
                      (*frames)[0] == reviewtrail::audit::kCanonicalTag;
  std::optional<int64_t> sequence, offset, version;
  std::optional<int32_t> partition;
  if (reference_ok) {
    const auto field = [&](Field f) { return (*frames)[1 + static_cast<size_t>(f)]; };
    sequence = Number<int64_t>(field(Field::kSequence));
    partition = Number<int32_t>(field(Field::kLogPartition));
    offset = Number<int64_t>(field(Field::kLogOffset));
    version = Number<int64_t>(field(Field::kAggregateVersion));
    reference_ok = sequence && partition && offset && version &&
                   reviewtrail::audit::ParseMicros(field(Field::kOccurredAt)).ok() &&
                   reviewtrail::audit::ParseMicros(field(Field::kRecordedAt)).ok();
  }
  if (reference_ok != view.ok()) {
    Fail(view.ok() ? "the view accepts what the reference refuses"
                   : "the view refuses what the reference accepts");
  }
  if (!view.ok()) {
    if (!absl::IsInvalidArgument(view.status())) Fail("a refusal is not INVALID_ARGUMENT");
    return 0;
  }
  for (size_t i = 0; i < kCanonicalFieldCount; ++i) {
    if (view->fields[i] != (*frames)[1 + i]) Fail("a field's text differs from the reference");
  }
  if (view->prev_hash != (*frames)[kCanonicalFieldCount + 1] ||
      view->hash != (*frames)[kCanonicalFieldCount + 2]) {
    Fail("a hash differs from the reference");
  }
  if (view->sequence != *sequence || view->log_partition != *partition ||
      view->log_offset != *offset || view->aggregate_version != *version) {
    Fail("a number differs from the reference");
  }
  const reviewtrail::audit::Entry entry = reviewtrail::audit::ToEntry(*view);
  if (entry != *decoded) Fail("DecodeStored holds another entry than the view");
  if (view->canonical) {
    if (view->framed != reviewtrail::audit::CanonicalBytes(entry)) {
      Fail("a canonical view's framed bytes are not the entry's canonical bytes");
    }
    if (reviewtrail::audit::EncodeStored(entry) != stored) {
      Fail("a canonical stored entry does not encode back to itself");
    }
  }
  return 0;
}
