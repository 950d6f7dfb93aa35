// The audit log's stored entries: ViewStored (in place) against a plain reference decoder of the
// documented format (docs/AUDIT.md: "<length>:<bytes>\n" per field, the version tag, the canonical
// fields of that version, prev_hash and hash), and the full decode (DecodeStored) against the view.
// Both versions: reviewtrail-audit-v1 (18 canonical fields) and reviewtrail-audit-v2 (v1's, then
// review_prev_sequence, review_prev_hash, action_prev_sequence, action_prev_hash).
//
// Input: the bytes of a stored entry.
// Oracles: the view and the reference accept the same inputs and read the same version, field
// texts and numbers (a v1 entry's v2-only fields empty and zero); DecodeStored accepts the same
// inputs and holds what the view holds; a view is canonical exactly when no number is written as
// "-0..." (the reference's rule); a canonical view's `framed` bytes are exactly CanonicalBytes of
// its entry and the entry encodes back to the input, a non-canonical one does not.

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
using reviewtrail::audit::kCanonicalFieldCountV1;

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
  // The version from the tag, then exactly that version's canonical fields, prev_hash and hash.
  int version = 0;
  if (frames.has_value() && !frames->empty()) {
    if ((*frames)[0] == "reviewtrail-audit-v1") version = 1;
    if ((*frames)[0] == "reviewtrail-audit-v2") version = 2;
  }
  const size_t field_count = version == 1 ? kCanonicalFieldCountV1 : kCanonicalFieldCount;
  bool reference_ok = version != 0 && frames->size() == 1 + field_count + 2;
  const auto field = [&](Field f) -> std::string_view {
    const auto i = static_cast<size_t>(f);
    return i < field_count ? (*frames)[1 + i] : std::string_view();
  };
  std::optional<int64_t> sequence, offset, aggregate_version, review_prev, action_prev;
  std::optional<int32_t> partition;
  bool reference_canonical = true;
  if (reference_ok) {
    sequence = Number<int64_t>(field(Field::kSequence));
    partition = Number<int32_t>(field(Field::kLogPartition));
    offset = Number<int64_t>(field(Field::kLogOffset));
    aggregate_version = Number<int64_t>(field(Field::kAggregateVersion));
    review_prev = version == 1 ? 0 : Number<int64_t>(field(Field::kReviewPrevSequence));
    action_prev = version == 1 ? 0 : Number<int64_t>(field(Field::kActionPrevSequence));
    reference_ok = sequence && partition && offset && aggregate_version && review_prev &&
                   action_prev && reviewtrail::audit::ParseMicros(field(Field::kOccurredAt)).ok() &&
                   reviewtrail::audit::ParseMicros(field(Field::kRecordedAt)).ok();
    for (Field f :
         {Field::kSequence, Field::kLogPartition, Field::kLogOffset, Field::kAggregateVersion,
          Field::kReviewPrevSequence, Field::kActionPrevSequence}) {
      if (field(f).starts_with("-0")) reference_canonical = false;
    }
  }
  if (reference_ok != view.ok()) {
    Fail(view.ok() ? "the view accepts what the reference refuses"
                   : "the view refuses what the reference accepts");
  }
  if (!view.ok()) {
    if (!absl::IsInvalidArgument(view.status())) Fail("a refusal is not INVALID_ARGUMENT");
    return 0;
  }
  if (view->version != version) Fail("the view reads another version than the tag");
  for (size_t i = 0; i < kCanonicalFieldCount; ++i) {
    if (view->fields[i] != field(static_cast<Field>(i))) {
      Fail("a field's text differs from the reference");
    }
  }
  if (view->prev_hash != (*frames)[field_count + 1] || view->hash != (*frames)[field_count + 2]) {
    Fail("a hash differs from the reference");
  }
  if (view->sequence != *sequence || view->log_partition != *partition ||
      view->log_offset != *offset || view->aggregate_version != *aggregate_version ||
      view->review_prev_sequence != *review_prev || view->action_prev_sequence != *action_prev) {
    Fail("a number differs from the reference");
  }
  if (view->canonical != reference_canonical) Fail("canonical differs from the reference");
  const reviewtrail::audit::Entry entry = reviewtrail::audit::ToEntry(*view);
  if (entry != *decoded) Fail("DecodeStored holds another entry than the view");
  if (entry.version != version) Fail("the entry has another version than the tag");
  if (view->canonical) {
    if (view->framed != reviewtrail::audit::CanonicalBytes(entry)) {
      Fail("a canonical view's framed bytes are not the entry's canonical bytes");
    }
    if (reviewtrail::audit::EncodeStored(entry) != stored) {
      Fail("a canonical stored entry does not encode back to itself");
    }
  } else if (reviewtrail::audit::EncodeStored(entry) == stored) {
    Fail("a stored entry that encodes back to itself is not canonical");
  }
  return 0;
}
