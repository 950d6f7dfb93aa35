#pragma once

#include <string>
#include <vector>

#include "audit_reader.h"
#include "reviewtrail/audit/audit_pack.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::audit_service {

// Folds stored records (in chain order) with libs/domain's Evolve. Pure: no storage, no clock.

struct ReplayedAction {
  domain::ActionState state;
  std::vector<audit::Entry> trail;
};

struct Replayed {
  domain::ReviewState review;  // version 0 when no review event was replayed
  std::vector<audit::Entry> review_trail;
  std::vector<ReplayedAction> actions;  // in order of their first event
  int64_t events = 0;
  int64_t last_sequence = 0;
};

// Replays the records recorded at or before `as_of` (every record when as_of is nullopt).
[[nodiscard]] Replayed Replay(const std::vector<AuditView::Record>& records,
                              std::optional<audit::Micros> as_of);

// Not final and due before the UTC day of `at`.
[[nodiscard]] bool IsOverdue(const domain::ActionState& action, audit::Micros at);

[[nodiscard]] v1::ActionSnapshot ToSnapshot(const domain::ActionState& action, audit::Micros at);
[[nodiscard]] v1::ReviewSnapshot ToSnapshot(const Replayed& replayed, audit::Micros at);

}  // namespace reviewtrail::audit_service
