#pragma once

#include <string>
#include <vector>

#include "reviewtrail/audit/audit_pack.h"
#include "reviewtrail/audit/audit_view.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::audit {

// Folds stored records (in chain order) with libs/domain's Evolve. Pure: no storage, no clock;
// the tenant's day comes from the caller (domain::TenantDay through runtime::TenantTimeZones).

struct ReplayedAction {
  domain::ActionState state;
  std::vector<Entry> trail;
};

struct Replayed {
  domain::ReviewState review;  // version 0 when no review event was replayed
  std::vector<Entry> review_trail;
  std::vector<ReplayedAction> actions;  // in order of their first event
  int64_t events = 0;
  int64_t last_sequence = 0;
};

// Replays the records recorded at or before `as_of` (every record when as_of is nullopt).
[[nodiscard]] Replayed Replay(const std::vector<AuditView::Record>& records,
                              std::optional<Micros> as_of);

// The test clock advance of a tenant in effect at `at`: the total of the last TestClockAdvanced
// among `tenant_records` (the tenant aggregate's, in chain order) recorded at or before `at`.
[[nodiscard]] Micros AdvanceAsOf(const std::vector<AuditView::Record>& tenant_records, Micros at);

// The action is on record and overdue on `today`, the tenant's day (domain::IsOverdue, as the query
// service judges it).
[[nodiscard]] bool IsOverdue(const domain::ActionState& action, const domain::CivilDate& today);

[[nodiscard]] v1::ActionSnapshot ToSnapshot(const domain::ActionState& action,
                                            const domain::CivilDate& today);
[[nodiscard]] v1::ReviewSnapshot ToSnapshot(const Replayed& replayed,
                                            const domain::CivilDate& today);

}  // namespace reviewtrail::audit
