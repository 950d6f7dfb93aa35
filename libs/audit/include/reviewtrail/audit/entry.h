#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reviewtrail::audit {

// Microseconds since the Unix epoch, UTC.
using Micros = int64_t;

// The prev_hash of a tenant's first entry: 64 zeros.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The version tags that open an entry's canonical bytes (docs/AUDIT.md). New entries are v2
// (v1's fields then the links to the previous entry of the same review and of the same action);
// v1 entries, stored before v2 existed, keep their v1 bytes and verify as they are.
inline constexpr std::string_view kCanonicalTagV1 = "reviewtrail-audit-v1";
inline constexpr std::string_view kCanonicalTagV2 = "reviewtrail-audit-v2";
// The version new entries use.
inline constexpr std::string_view kCanonicalTag = kCanonicalTagV2;

// One entry of a tenant's audit log: one per record of its log, in log order. A plain value.
// hash = SHA-256(prev_hash || CanonicalBytes(entry)) as 64 lowercase hex digits.
struct Entry {
  std::string tenant_id;
  int64_t sequence = 0;  // 1, 2, 3, ... per tenant
  int32_t log_partition = 0;
  int64_t log_offset = 0;
  std::string event_id;
  Micros occurred_at = 0;
  Micros recorded_at = 0;
  std::string actor_id;
  std::vector<std::string> actor_roles;  // "isms_manager", "action_owner", "auditor", "service"
  std::string aggregate_type;            // "person", "review", "action"
  std::string aggregate_id;
  int64_t aggregate_version = 0;
  std::string event_type;  // e.g. "ActionAssigned"
  std::string review_id;   // the review concerned, empty when none
  std::string action_id;   // the action concerned, empty when none
  std::string summary;     // what changed, in words
  std::vector<std::string> evidence_sha256;
  std::string event_sha256;  // of the event envelope bytes as stored
  // v2: the previous entry of the same review / action (0 and empty when this is its first, or
  // when the entry concerns none).
  int64_t review_prev_sequence = 0;
  std::string review_prev_hash;
  int64_t action_prev_sequence = 0;
  std::string action_prev_hash;
  int version = 2;  // of the canonical encoding: 1 or 2
  std::string prev_hash;
  std::string hash;

  friend bool operator==(const Entry&, const Entry&) = default;
};

// The canonical fields in canonical order (after the version tag), as indexes.
enum class Field : size_t {
  kTenantId,
  kSequence,
  kLogPartition,
  kLogOffset,
  kEventId,
  kOccurredAt,
  kRecordedAt,
  kActorId,
  kActorRoles,
  kAggregateType,
  kAggregateId,
  kAggregateVersion,
  kEventType,
  kReviewId,
  kActionId,
  kSummary,
  kEvidenceSha256,
  kEventSha256,
  // v2 only:
  kReviewPrevSequence,
  kReviewPrevHash,
  kActionPrevSequence,
  kActionPrevHash,
};
// Fields of a v1 entry, and of a v2 entry (after the version tag).
inline constexpr size_t kCanonicalFieldCountV1 = static_cast<size_t>(Field::kEventSha256) + 1;
inline constexpr size_t kCanonicalFieldCount = static_cast<size_t>(Field::kActionPrevHash) + 1;

// The canonical fields of `version` (1 or 2).
[[nodiscard]] constexpr size_t CanonicalFieldCount(int version) {
  return version == 1 ? kCanonicalFieldCountV1 : kCanonicalFieldCount;
}
// The tag of `version` (1 or 2).
[[nodiscard]] constexpr std::string_view CanonicalTag(int version) {
  return version == 1 ? kCanonicalTagV1 : kCanonicalTagV2;
}

// The names of the v2 canonical fields in canonical order (after the version tag; v1 has the
// first kCanonicalFieldCountV1 of them). An export's CSV columns and JSON keys are
// "canonical_encoding" (the row's tag), these, then prev_hash and hash; a v1 row leaves the
// v2-only ones empty (CSV) or out (JSON).
[[nodiscard]] const std::vector<std::string_view>& CanonicalFieldNames();

// The text of each canonical field of `entry` (CanonicalFieldCount(entry.version) of them), in
// CanonicalFieldNames() order: numbers in decimal, times as RFC 3339 UTC with 6 fractional digits,
// lists joined with ','.
[[nodiscard]] std::vector<std::string> CanonicalFieldValues(const Entry& entry);

}  // namespace reviewtrail::audit
