#pragma once

#include <string>
#include <vector>

#include "reviewtrail/projection/projection.h"

namespace reviewtrail::audit {

// The audit log as a projection: appends one sealed entry per event to its tenant's chain
// (sequence = head + 1, prev_hash = head's hash), stores the event bytes beside it, moves the head
// and indexes the entry by action and review, and links it to the previous entry of its review
// and of its action (kept as facts) — all in the runner's batch, committed with the log
// positions, so a crash never skips or doubles an entry. Never updates or deletes an entry.
// Stateless between calls (see Projection).
class AuditProjection final : public projection::Projection {
 public:
  [[nodiscard]] std::vector<std::string> Tables() const override;
  [[nodiscard]] absl::Status Apply(const eventlog::Position& position,
                                   const v1::EventEnvelope& event,
                                   projection::Changes& changes) override;
  // Every record of a tenant gets its entry when first projected, also one this build cannot
  // decode or whose payload it does not know: the entry then holds the SHA-256 of the record's
  // bytes (kept as its stored event), what the envelope says and the type as the record names it.
  [[nodiscard]] bool AccountsForEveryRecord() const override { return true; }
  [[nodiscard]] absl::StatusOr<bool> ApplyUnknown(const eventlog::Record& record,
                                                  const v1::EventEnvelope* event,
                                                  projection::Changes& changes) override;
};

}  // namespace reviewtrail::audit
