#pragma once

#include <optional>
#include <string>

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/stored_view.h"

namespace reviewtrail::audit {

// Which entries an export holds: those matching every criterion that is set. A plain value.
struct ExportFilter {
  std::optional<Micros> recorded_from;   // inclusive
  std::optional<Micros> recorded_until;  // exclusive
  std::string review_id;
  std::string action_id;
  std::string actor_id;

  [[nodiscard]] bool Matches(const Entry& entry) const {
    if (recorded_from && entry.recorded_at < *recorded_from) return false;
    if (recorded_until && entry.recorded_at >= *recorded_until) return false;
    if (!review_id.empty() && entry.review_id != review_id) return false;
    if (!action_id.empty() && entry.action_id != action_id) return false;
    if (!actor_id.empty() && entry.actor_id != actor_id) return false;
    return true;
  }
  // The same for an entry read in place.
  [[nodiscard]] bool Matches(const StoredView& view) const {
    if (recorded_from && view.recorded_at < *recorded_from) return false;
    if (recorded_until && view.recorded_at >= *recorded_until) return false;
    if (!review_id.empty() && view[Field::kReviewId] != review_id) return false;
    if (!action_id.empty() && view[Field::kActionId] != action_id) return false;
    if (!actor_id.empty() && view[Field::kActorId] != actor_id) return false;
    return true;
  }
};

}  // namespace reviewtrail::audit
