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

// The version tag that opens every entry's canonical bytes (docs/AUDIT.md).
inline constexpr std::string_view kCanonicalTag = "reviewtrail-audit-v1";

// One entry of a tenant's audit log: one per event, in log order. A plain value.
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
};
inline constexpr size_t kCanonicalFieldCount = static_cast<size_t>(Field::kEventSha256) + 1;

// The names of the canonical fields in canonical order (after the version tag), which are also the
// CSV columns and JSON keys of an export (followed by prev_hash and hash).
[[nodiscard]] const std::vector<std::string_view>& CanonicalFieldNames();

// The text of each canonical field of `entry`, in CanonicalFieldNames() order: numbers in decimal,
// times as RFC 3339 UTC with 6 fractional digits, lists joined with ','.
[[nodiscard]] std::vector<std::string> CanonicalFieldValues(const Entry& entry);

}  // namespace reviewtrail::audit
