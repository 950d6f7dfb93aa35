#include "reviewtrail/readmodel/query_projection.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "reviewtrail/readmodel/action_fold.h"
#include "reviewtrail/readmodel/dashboard_counters.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel {
namespace {

using IndexEntry = std::pair<std::string, std::string>;  // table, key

template <typename Message>
absl::Status Load(projection::Changes& changes, std::string_view table, const std::string& key,
                  Message& message, bool& found) {
  std::optional<std::string> value = changes.Get(table, key);
  found = value.has_value();
  if (found && !message.ParseFromString(*value)) {
    return absl::DataLossError("unreadable record in " + std::string(table));
  }
  return absl::OkStatus();
}

template <typename Message>
void Store(projection::Changes& changes, std::string_view table, const std::string& key,
           const Message& message) {
  changes.Put(table, key, message.SerializeAsString());
}

bool IsFinal(v1::ActionStatus status) {
  return status == v1::ACTION_STATUS_CLOSED || status == v1::ACTION_STATUS_CANCELLED;
}

std::set<IndexEntry> IndexEntriesOf(const std::string& tenant, const v1::ActionView& action) {
  std::set<IndexEntry> entries;
  const std::string& id = action.action_id();
  if (!action.owner_id().empty()) {
    entries.emplace(kActionsByOwner, Key({tenant, action.owner_id(), id}));
  }
  entries.emplace(kActionsByStatus, Key({tenant, StatusKey(action.status()), id}));
  if (!action.review_id().empty()) {
    entries.emplace(kActionsByReview, Key({tenant, action.review_id(), id}));
  }
  if (!action.decision_id().empty()) {
    entries.emplace(kActionsByDecision, Key({tenant, action.decision_id(), id}));
  }
  const domain::CivilDate due = domain::CivilDate::FromProto(action.due_date());
  if (!IsFinal(action.status()) && due.IsValid()) {
    const std::string day = DayKey(due);
    for (const std::string& scope : ScopesOf(action)) {
      entries.emplace(kOpenActionsByDue, Key({tenant, scope, day, id}));
    }
  }
  return entries;
}

// The decision's action count lives in the decisions table only (queries copy it into the review's
// decisions), so an assignment does not rewrite the whole review.
absl::Status CountActionOfDecision(projection::Changes& changes, const std::string& tenant,
                                   const v1::ActionView& action) {
  v1::DecisionView decision;
  bool found = false;
  const std::string decision_key = Key({tenant, action.decision_id()});
  if (absl::Status s = Load(changes, kDecisions, decision_key, decision, found); !s.ok()) return s;
  if (!found) return absl::OkStatus();  // an action of an unknown decision: nothing to count
  decision.set_action_count(decision.action_count() + 1);
  Store(changes, kDecisions, decision_key, decision);
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> QueryProjection::Tables() const { return AllTables(); }

absl::Status QueryProjection::Apply(const eventlog::Position& position,
                                    const v1::EventEnvelope& event, projection::Changes& changes) {
  const std::string& tenant = event.tenant_id();
  switch (event.payload_case()) {
    case v1::EventEnvelope::kPersonRegistered: {
      const auto& registered = event.person_registered();
      v1::PersonView person;
      person.set_person_id(registered.person_id());
      person.set_display_name(registered.display_name());
      person.set_email(registered.email());
      person.set_manager_id(registered.manager_id());
      person.set_active(true);
      Store(changes, kPersons, Key({tenant, person.person_id()}), person);
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kPersonDeactivated: {
      const std::string key = Key({tenant, event.person_deactivated().person_id()});
      v1::PersonView person;
      bool found = false;
      if (absl::Status s = Load(changes, kPersons, key, person, found); !s.ok()) return s;
      person.set_person_id(event.person_deactivated().person_id());
      person.set_active(false);
      Store(changes, kPersons, key, person);
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kReviewHeld: {
      const auto& held = event.review_held();
      const std::string key = Key({tenant, held.review_id()});
      v1::ReviewView review;
      bool found = false;
      if (absl::Status s = Load(changes, kReviews, key, review, found); !s.ok()) return s;
      if (found && event.aggregate_version() <= review.version()) return absl::OkStatus();
      review.set_review_id(held.review_id());
      review.set_title(held.title());
      *review.mutable_held_on() = held.held_on();
      review.set_chair_id(held.chair_id());
      *review.mutable_attendee_ids() = held.attendee_ids();
      *review.mutable_inputs_covered() = held.inputs_covered();
      review.set_minutes_uri(held.minutes_uri());
      review.set_version(event.aggregate_version());
      Store(changes, kReviews, key, review);
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kDecisionRecorded: {
      const auto& recorded = event.decision_recorded();
      v1::DecisionView decision;
      decision.set_decision_id(recorded.decision_id());
      decision.set_review_id(recorded.review_id());
      decision.set_summary(recorded.summary());
      decision.set_rationale(recorded.rationale());
      decision.set_category(recorded.category());
      *decision.mutable_links() = recorded.links();
      *decision.mutable_recorded_at() = event.occurred_at();
      const std::string key = Key({tenant, recorded.review_id()});
      v1::ReviewView review;
      bool found = false;
      if (absl::Status s = Load(changes, kReviews, key, review, found); !s.ok()) return s;
      if (found && event.aggregate_version() <= review.version()) return absl::OkStatus();
      review.set_review_id(recorded.review_id());
      Store(changes, kDecisions, Key({tenant, decision.decision_id()}), decision);
      *review.add_decisions() = decision;
      review.set_version(event.aggregate_version());
      Store(changes, kReviews, key, review);
      return absl::OkStatus();
    }
    default:
      return ApplyAction(position, event, changes);
  }
}

absl::Status QueryProjection::ApplyAction(const eventlog::Position& position,
                                          const v1::EventEnvelope& event,
                                          projection::Changes& changes) {
  const std::string action_id = ActionIdOf(event);
  if (action_id.empty()) return absl::OkStatus();  // not an action event
  const std::string& tenant = event.tenant_id();
  const std::string key = Key({tenant, action_id});
  v1::ActionView before;
  bool existed = false;
  if (absl::Status s = Load(changes, kActions, key, before, existed); !s.ok()) return s;
  // A redelivered event (a retried Kafka produce may repeat a prefix) is applied once.
  if (existed && event.aggregate_version() <= before.version()) return absl::OkStatus();
  v1::ActionView after = before;
  if (!FoldAction(after, event)) return absl::OkStatus();
  if (after.action_id().empty()) after.set_action_id(action_id);

  // Indexes: delete what no longer holds, add what is new.
  const std::set<IndexEntry> old_entries =
      existed ? IndexEntriesOf(tenant, before) : std::set<IndexEntry>();
  const std::set<IndexEntry> new_entries = IndexEntriesOf(tenant, after);
  for (const IndexEntry& entry : old_entries) {
    if (!new_entries.contains(entry)) changes.Delete(entry.first, entry.second);
  }
  for (const IndexEntry& entry : new_entries) {
    if (!old_entries.contains(entry)) changes.Put(entry.first, entry.second, "");
  }

  // Counters: the action's old contribution out, its new one in.
  std::map<std::string, v1::Dashboard> counters;
  const auto counters_of = [&](const std::string& scope) -> absl::StatusOr<v1::Dashboard*> {
    auto it = counters.find(scope);
    if (it != counters.end()) return &it->second;
    v1::Dashboard loaded;
    bool found = false;
    if (absl::Status s = Load(changes, kDashboardCounters, Key({tenant, scope}), loaded, found);
        !s.ok()) {
      return s;
    }
    return &counters.emplace(scope, std::move(loaded)).first->second;
  };
  if (existed) {
    for (const std::string& scope : ScopesOf(before)) {
      absl::StatusOr<v1::Dashboard*> scoped = counters_of(scope);
      if (!scoped.ok()) return scoped.status();
      AddContribution(**scoped, before, zones_, tenant, -1);
    }
  }
  for (const std::string& scope : ScopesOf(after)) {
    absl::StatusOr<v1::Dashboard*> scoped = counters_of(scope);
    if (!scoped.ok()) return scoped.status();
    AddContribution(**scoped, after, zones_, tenant, +1);
  }
  for (const auto& [scope, scoped] : counters) {
    if (scoped.total_actions() == 0) {
      changes.Delete(kDashboardCounters, Key({tenant, scope}));
    } else {
      Store(changes, kDashboardCounters, Key({tenant, scope}), scoped);
    }
  }

  v1::LogPosition logged;
  logged.set_partition(position.partition);
  logged.set_offset(position.offset);
  Store(changes, kActionHistory, Key({tenant, action_id, VersionKey(event.aggregate_version())}),
        HistoryOf(before, after, event, logged));
  Store(changes, kActions, key, after);
  if (!existed && event.payload_case() == v1::EventEnvelope::kActionAssigned) {
    return CountActionOfDecision(changes, tenant, after);
  }
  return absl::OkStatus();
}

}  // namespace reviewtrail::readmodel
