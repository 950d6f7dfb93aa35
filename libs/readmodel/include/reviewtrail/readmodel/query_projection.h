#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
//   test_clock_advanced              -> tenant_clocks (a sandbox's test clock)
//   action events                    -> actions (the folded view), action_history (one entry per
//                                       event, in one record per action), the indexes, the open
//                                       actions' counts per due day and the dashboard counters
// An action event is folded into the action's view and appends its history entry. The view is
// kept in memory for the rest of the batch; Flush writes what the batch's events did to it, once
// per action: the view and its copies, the history record, the index entries that changed (and a
// due-date entry's count with it: the counts always equal the due-date index's keys per scope and
// day), and the action's contribution to its scopes' counters replaced. Payloads it does not handle
// are ignored (the Projector counts unknown ones).
//
// Within a batch it likewise keeps the dashboard counters, the due-day counts and the decisions it
// updates merged in memory (parsed once, written once by Flush); nothing outlives the batch besides
// the immutable time zones. Called by one runner thread.
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
  // An action touched by the batch: its view as the store held it (nullopt: none) and as the
  // batch's events left it, and its history record with the batch's entries appended.
  struct ActionRecord {
    std::string tenant;
    std::optional<v1::ActionView> stored;
    std::optional<v1::ActionView> current;
    std::string history;
    bool changed = false;
  };
  // The record of the action under `key` (its actions key), read through `changes` on first use.
  [[nodiscard]] absl::StatusOr<ActionRecord*> ActionOf(projection::Changes& changes,
                                                       const std::string& key,
                                                       const std::string& tenant);
  // Writes what the batch did to one action: its view, index entries and counters.
  [[nodiscard]] absl::Status WriteAction(projection::Changes& changes, const std::string& key,
                                         const ActionRecord& action);
  // Adds `delta` to the count of open actions due on `day` in the record under `key`
  // (tenant.scope); a scope left with no count has no record.
  [[nodiscard]] absl::Status AddDueCount(projection::Changes& changes, std::string_view key,
                                         const domain::CivilDate& day, int64_t delta);

  runtime::TenantTimeZones zones_;
  absl::flat_hash_map<std::string, ActionRecord> actions_;  // by actions key
  MergedRecords<v1::Dashboard> counters_{kDashboardCounters};
  MergedRecords<v1::DecisionView> decisions_{kDecisions};
  MergedRecords<DueDayCounts> due_counts_{kOpenDueCounts};
};

}  // namespace reviewtrail::readmodel
