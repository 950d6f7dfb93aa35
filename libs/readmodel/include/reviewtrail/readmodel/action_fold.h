#pragma once

#include <string>

#include "reviewtrail/v1/events.pb.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel {

// Folds one action event into the action's view (pure). It records what happened; the lifecycle
// rules were enforced by the domain when the event was decided. Returns false, leaving `view`
// unchanged, for an event that is not about an action.
bool FoldAction(v1::ActionView& view, const v1::EventEnvelope& event);

// What an action's history entry tells of its view before the event: a few fields, so that a fold
// need not copy the whole view for every event.
struct ViewBefore {
  std::string owner_id;
  google::type::Date due_date;
  v1::ActionStatus status = v1::ACTION_STATUS_UNSPECIFIED;  // unspecified: no view yet

  [[nodiscard]] static ViewBefore Of(const v1::ActionView& view);
};

// The history entry of an action event: who, when, and what changed from `before` to `after` (the
// view before and after the event was folded).
[[nodiscard]] v1::HistoryEntry HistoryOf(const ViewBefore& before, const v1::ActionView& after,
                                         const v1::EventEnvelope& event,
                                         const v1::LogPosition& position);

}  // namespace reviewtrail::readmodel
