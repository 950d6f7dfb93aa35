#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/projection/projection.h"
#include "reviewtrail/readmodel/due_day_counts.h"
#include "reviewtrail/readmodel/keys.h"
#include "reviewtrail/readmodel/merged_records.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel {

// The read model of the query service: each event becomes writes on the tables of keys.h.
//   person_registered / _deactivated -> persons
//   review_held, decision_recorded   -> reviews, decisions
//   action events                    -> actions (the folded view), action_history (one entry per
//                                       event), the indexes, the open actions' counts per due
//                                       day and the dashboard counters
// For an action event it loads the action's view, folds the event, moves the index entries that
// changed (and a due-date entry's count with it: the counts always equal the due-date index's keys
// per scope and day), replaces the action's contribution to its scopes' counters and appends the
// history entry. Payloads it does not handle are ignored (the Projector counts unknown ones).
//
// Within a batch it keeps the dashboard counters, the due-day counts and the decisions it updates
// merged in memory (parsed once, written once by Flush); nothing outlives the batch besides the
// immutable time zones. Called by one runner thread.
class QueryProjection final : public projection::Projection {
 public:
  explicit QueryProjection(runtime::TenantTimeZones zones) : zones_(std::move(zones)) {}

  [[nodiscard]] std::vector<std::string> Tables() const override;
  [[nodiscard]] absl::Status Apply(const eventlog::Position& position,
                                   const v1::EventEnvelope& event,
                                   projection::Changes& changes) override;
  [[nodiscard]] absl::Status Flush(projection::Changes& changes) override;
  void Discard() override;

 private:
  [[nodiscard]] absl::Status ApplyAction(const eventlog::Position& position,
                                         const v1::EventEnvelope& event,
                                         projection::Changes& changes);
  // Adds `delta` to the count of open actions due on `day` in the record under `key`
  // (tenant.scope); a scope left with no count has no record.
  [[nodiscard]] absl::Status AddDueCount(projection::Changes& changes, std::string_view key,
                                         const domain::CivilDate& day, int64_t delta);

  runtime::TenantTimeZones zones_;
  MergedRecords<v1::Dashboard> counters_{kDashboardCounters};
  MergedRecords<v1::DecisionView> decisions_{kDecisions};
  MergedRecords<DueDayCounts> due_counts_{kOpenDueCounts};
};

}  // namespace reviewtrail::readmodel
