#include "reviewtrail/audit/stored_view.h"

#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {
namespace {

// Decimal without a leading zero (other than "0" itself), the whole text.
template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// The length prefix of the field framed at `at`: decimal digits without a leading zero (other than
// "0" itself) that fit a size_t, up to the next ':', which is at `colon`.
bool ParseLength(std::string_view stored, size_t at, size_t& colon, size_t& length) {
  constexpr size_t kMaxDigits = std::numeric_limits<size_t>::digits10;  // never overflows
  length = 0;
  size_t i = at;
  for (; i < stored.size() && i - at < kMaxDigits; ++i) {
    const char c = stored[i];
    if (c == ':') break;
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<size_t>(c - '0');
  }
  if (i == stored.size() || stored[i] != ':') {
    // No colon, or more digits than the fast path takes: the general parse decides.
    colon = stored.find(':', at);
    return colon != std::string_view::npos && ParseNumber(stored.substr(at, colon - at), length);
  }
  colon = i;
  const size_t digits = colon - at;
  return digits > 0 && (digits == 1 || stored[at] != '0');
}

// A number that parses but would be written differently: "-0", "-07".
bool NonCanonicalNumber(std::string_view text) { return text.starts_with("-0"); }

std::vector<std::string> SplitList(std::string_view joined) {
  std::vector<std::string> parts;
  if (joined.empty()) return parts;
  size_t start = 0;
  for (size_t comma = joined.find(','); comma != std::string_view::npos;
       comma = joined.find(',', start)) {
    parts.emplace_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  parts.emplace_back(joined.substr(start));
  return parts;
}

}  // namespace

absl::Status ViewStored(std::string_view stored, StoredView& view) {
  // The tag, every canonical field of its version, prev_hash and hash.
  std::string_view tag;
  std::array<std::string_view, kCanonicalFieldCount + 2> values;
  size_t value_at[kCanonicalFieldCount + 2] = {};
  size_t count = 0;
  size_t at = 0;
  while (at < stored.size()) {
    size_t colon = 0;
    size_t length = 0;
    const bool ok = ParseLength(stored, at, colon, length) && length < stored.size() - colon - 1 &&
                    stored[colon + 1 + length] == '\n';
    if (!ok) {
      return absl::InvalidArgumentError("stored entry: bad framing at byte " + std::to_string(at));
    }
    const std::string_view value(stored.data() + colon + 1, length);
    if (count == 0) {
      tag = value;
    } else if (count <= values.size()) {
      values[count - 1] = value;
      value_at[count - 1] = at;
    }
    ++count;
    at = colon + 1 + length + 1;
  }
  if (tag == kCanonicalTagV1) {
    view.version = 1;
  } else if (tag == kCanonicalTagV2) {
    view.version = 2;
  } else {
    return absl::InvalidArgumentError("stored entry: does not start with a known version tag");
  }
  const size_t fields = CanonicalFieldCount(view.version);
  if (count != 1 + fields + 2) {
    return absl::InvalidArgumentError("stored entry: expected " + std::to_string(1 + fields + 2) +
                                      " fields starting with the tag " + std::string(tag));
  }
  view.fields = {};
  for (size_t i = 0; i < fields; ++i) view.fields[i] = values[i];
  view.prev_hash = values[fields];
  view.hash = values[fields + 1];
  view.framed = stored.substr(0, value_at[fields]);

  bool numbers = ParseNumber(view[Field::kSequence], view.sequence);
  numbers = ParseNumber(view[Field::kLogPartition], view.log_partition) && numbers;
  numbers = ParseNumber(view[Field::kLogOffset], view.log_offset) && numbers;
  absl::StatusOr<Micros> occurred = ParseMicros(view[Field::kOccurredAt]);
  absl::StatusOr<Micros> recorded = ParseMicros(view[Field::kRecordedAt]);
  if (!occurred.ok()) return occurred.status();
  if (!recorded.ok()) return recorded.status();
  view.occurred_at = *occurred;
  view.recorded_at = *recorded;
  numbers = ParseNumber(view[Field::kAggregateVersion], view.aggregate_version) && numbers;
  view.review_prev_sequence = 0;
  view.action_prev_sequence = 0;
  if (view.version != 1) {
    numbers = ParseNumber(view[Field::kReviewPrevSequence], view.review_prev_sequence) && numbers;
    numbers = ParseNumber(view[Field::kActionPrevSequence], view.action_prev_sequence) && numbers;
  }
  if (!numbers) return absl::InvalidArgumentError("stored entry: a number field is malformed");
  view.canonical = !NonCanonicalNumber(view[Field::kSequence]) &&
                   !NonCanonicalNumber(view[Field::kLogPartition]) &&
                   !NonCanonicalNumber(view[Field::kLogOffset]) &&
                   !NonCanonicalNumber(view[Field::kAggregateVersion]) &&
                   !NonCanonicalNumber(view[Field::kReviewPrevSequence]) &&
                   !NonCanonicalNumber(view[Field::kActionPrevSequence]);
  return absl::OkStatus();
}

absl::StatusOr<StoredView> ViewStored(std::string_view stored) {
  StoredView view;
  if (absl::Status status = ViewStored(stored, view); !status.ok()) return status;
  return view;
}

Entry ToEntry(const StoredView& view) {
  Entry entry;
  entry.version = view.version;
  entry.tenant_id = view[Field::kTenantId];
  entry.sequence = view.sequence;
  entry.log_partition = view.log_partition;
  entry.log_offset = view.log_offset;
  entry.event_id = view[Field::kEventId];
  entry.occurred_at = view.occurred_at;
  entry.recorded_at = view.recorded_at;
  entry.actor_id = view[Field::kActorId];
  entry.actor_roles = SplitList(view[Field::kActorRoles]);
  entry.aggregate_type = view[Field::kAggregateType];
  entry.aggregate_id = view[Field::kAggregateId];
  entry.aggregate_version = view.aggregate_version;
  entry.event_type = view[Field::kEventType];
  entry.review_id = view[Field::kReviewId];
  entry.action_id = view[Field::kActionId];
  entry.summary = view[Field::kSummary];
  entry.evidence_sha256 = SplitList(view[Field::kEvidenceSha256]);
  entry.event_sha256 = view[Field::kEventSha256];
  entry.review_prev_sequence = view.review_prev_sequence;
  entry.review_prev_hash = view[Field::kReviewPrevHash];
  entry.action_prev_sequence = view.action_prev_sequence;
  entry.action_prev_hash = view[Field::kActionPrevHash];
  entry.prev_hash = view.prev_hash;
  entry.hash = view.hash;
  return entry;
}

}  // namespace reviewtrail::audit
