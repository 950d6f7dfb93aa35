#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "reviewtrail/projection/projection.h"
#include "reviewtrail/readmodel/time_zones.h"

namespace reviewtrail::readmodel {

// The read model of the query service: each event becomes writes on the tables of keys.h.
//   person_registered / _deactivated -> persons
//   review_held, decision_recorded   -> reviews, decisions
//   action events                    -> actions (the folded view), action_history (one entry per
//                                       event), the indexes and the dashboard counters
// For an action event it loads the action's view, folds the event, moves the index entries that
// changed, replaces the action's contribution to its scopes' counters and appends the history
// entry. Payloads it does not handle are ignored (the Projector counts unknown ones).
//
// Holds no state between calls besides its immutable time zones; called by one runner thread.
class QueryProjection final : public projection::Projection {
 public:
  explicit QueryProjection(TenantTimeZones zones) : zones_(std::move(zones)) {}

  [[nodiscard]] std::vector<std::string> Tables() const override;
  [[nodiscard]] absl::Status Apply(const eventlog::Position& position,
                                   const v1::EventEnvelope& event,
                                   projection::Changes& changes) override;

 private:
  [[nodiscard]] absl::Status ApplyAction(const eventlog::Position& position,
                                         const v1::EventEnvelope& event,
                                         projection::Changes& changes);

  TenantTimeZones zones_;
};

}  // namespace reviewtrail::readmodel
