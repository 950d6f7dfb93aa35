#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/v1/event_service.pb.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::events {

// Which of a tenant's events a stream delivers: the filters of a SubscribeRequest (event types,
// review, action; all given ones must match). "Which review / action does this event concern" is
// domain::ActionIdOf / ReviewIdOf, the functions the audit trail uses. An action event
// does not name its review, so a review filter also remembers the actions assigned in the review
// (ActionAssigned carries review_id); it must therefore see the tenant's events from the first
// one (NeedsHistory), also those before the stream's start, which are Select()ed but not sent.
//
// A plain value, owned by one stream and called by its thread.
class EventSelector {
 public:
  // The selector of `request`, or one field violation per bad filter (e.g. "event_types[1]").
  [[nodiscard]] static domain::Result<EventSelector> FromRequest(
      const v1::SubscribeRequest& request);

  // Whether `event` is delivered. Call it for every event of the tenant, in log order.
  [[nodiscard]] bool Select(const v1::EventEnvelope& event);

  // True when Select must see every event of the tenant from the first one (a review filter).
  [[nodiscard]] bool NeedsHistory() const { return !review_id_.empty(); }

  // Every event type a subscriber may name: the full names of EventEnvelope's payload messages.
  [[nodiscard]] static std::vector<std::string> KnownEventTypes();

 private:
  absl::flat_hash_set<std::string> types_;  // full names; empty: every type
  std::string review_id_;
  std::string action_id_;
  absl::flat_hash_set<std::string> review_actions_;  // actions assigned in review_id_
};

}  // namespace reviewtrail::events
