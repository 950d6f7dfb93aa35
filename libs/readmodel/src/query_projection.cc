#include "reviewtrail/readmodel/query_projection.h"

#include <algorithm>
#include <map>
#include <utility>

#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/readmodel/action_fold.h"
#include "reviewtrail/readmodel/action_wire.h"
#include "reviewtrail/readmodel/dashboard_counters.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel {
namespace {

struct IndexEntry {
  const char* table;  // one of the constants of keys.h
  std::string key;

  friend bool operator==(const IndexEntry& a, const IndexEntry& b) {
    return a.key == b.key && std::string_view(a.table) == b.table;
  }
};
// At most 4 entries each: a linear search beats building sets.
using IndexEntries = std::vector<IndexEntry>;

// One open action counted in a scope's open_due_counts, on its due day.
struct DueCount {
  std::string counts_key;  // tenant.scope
  domain::CivilDate due;

  friend bool operator==(const DueCount&, const DueCount&) = default;
};
using DueCounts = std::vector<DueCount>;

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

// Open (not final) with a due date: listed by due date and counted per due day.
bool IsOpenWithDueDate(const v1::ActionView& action) {
  return !domain::IsFinal(action.status()) &&
         domain::CivilDate::FromProto(action.due_date()).IsValid();
}

IndexEntries IndexEntriesOf(const std::string& tenant, const v1::ActionView& action) {
  IndexEntries entries;
  entries.reserve(4);
  const std::string& id = action.action_id();
  if (!action.owner_id().empty()) {
    entries.push_back({kActionsByOwner, Key({tenant, action.owner_id(), id})});
  }
  entries.push_back({kActionsByStatus, Key({tenant, StatusKey(action.status()), id})});
  if (!action.review_id().empty()) {
    entries.push_back(
        {kActionsByReview, Key({tenant, action.review_id(), action.decision_id(), id})});
  }
  if (IsOpenWithDueDate(action)) {
    const std::string day = DayKey(domain::CivilDate::FromProto(action.due_date()));
    entries.push_back({kOpenActionsByDue, Key({tenant, TenantScope(), day, id})});
  }
  return entries;
}

DueCounts DueCountsOf(const std::string& tenant, const v1::ActionView& action) {
  DueCounts counts;
  if (!IsOpenWithDueDate(action)) return counts;
  const domain::CivilDate due = domain::CivilDate::FromProto(action.due_date());
  for (const std::string& scope : ScopesOf(action)) counts.push_back({Key({tenant, scope}), due});
  return counts;
}

template <typename Entry>
bool Contains(const std::vector<Entry>& entries, const Entry& entry) {
  return std::find(entries.begin(), entries.end(), entry) != entries.end();
}

}  // namespace

std::vector<std::string> QueryProjection::Tables() const { return AllTables(); }

absl::Status QueryProjection::Flush(projection::Changes& changes) {
  for (const auto& [key, action] : actions_) {
    if (!action.changed) continue;
    if (absl::Status written = WriteAction(changes, key, action); !written.ok()) {
      Discard();
      return written;
    }
  }
  actions_.clear();
  counters_.Flush(changes);
  decisions_.Flush(changes);
  due_counts_.Flush(changes);
  return absl::OkStatus();
}

void QueryProjection::Discard() {
  actions_.clear();
  counters_.Clear();
  decisions_.Clear();
  due_counts_.Clear();
}

absl::Status QueryProjection::AddDueCount(projection::Changes& changes, std::string_view key,
                                          const domain::CivilDate& day, int64_t delta) {
  absl::StatusOr<std::optional<DueDayCounts>*> counts = due_counts_.Change(changes, key);
  if (!counts.ok()) return counts.status();
  std::optional<DueDayCounts>& record = **counts;
  if (!record.has_value()) record.emplace();
  record->Add(day, delta);
  if (record->empty()) record.reset();
  return absl::OkStatus();
}

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
      absl::StatusOr<std::optional<v1::DecisionView>*> stored =
          decisions_.Change(changes, Key({tenant, decision.decision_id()}));
      if (!stored.ok()) return stored.status();
      **stored = decision;
      *review.add_decisions() = decision;
      review.set_version(event.aggregate_version());
      Store(changes, kReviews, key, review);
      return absl::OkStatus();
    }
    case v1::EventEnvelope::kTestClockAdvanced:
      // The total advance is in each event: the last one is the tenant's clock.
      Store(changes, kTenantClocks, Key({tenant}), event.test_clock_advanced());
      return absl::OkStatus();
    default:
      return ApplyAction(position, event, changes);
  }
}

absl::StatusOr<QueryProjection::ActionRecord*> QueryProjection::ActionOf(
    projection::Changes& changes, const std::string& key, const std::string& tenant) {
  auto [it, inserted] = actions_.try_emplace(key);
  ActionRecord& action = it->second;
  if (!inserted) return &action;
  action.tenant = tenant;
  std::optional<std::string> value = changes.Get(kActions, key);
  if (value.has_value()) {
    if (!action.stored.emplace().ParseFromString(*value)) {
      actions_.erase(it);
      return absl::DataLossError("unreadable record in " + std::string(kActions));
    }
    action.current = action.stored;
    // Written with the view: an action the store does not hold has no history either.
    action.history = changes.Get(kActionHistory, key).value_or("");
  }
  return &action;
}

absl::Status QueryProjection::ApplyAction(const eventlog::Position& position,
                                          const v1::EventEnvelope& event,
                                          projection::Changes& changes) {
  const std::string action_id = domain::ActionIdOf(event);
  if (action_id.empty()) return absl::OkStatus();  // not an action event
  const std::string& tenant = event.tenant_id();
  absl::StatusOr<ActionRecord*> record = ActionOf(changes, Key({tenant, action_id}), tenant);
  if (!record.ok()) return record.status();
  ActionRecord& action = **record;
  const bool existed = action.current.has_value();
  // A redelivered event (a retried Kafka produce may repeat a prefix) is applied once.
  if (existed && event.aggregate_version() <= action.current->version()) {
    return absl::OkStatus();
  }
  const ViewBefore before = existed ? ViewBefore::Of(*action.current) : ViewBefore();
  v1::ActionView& after = existed ? *action.current : action.current.emplace();
  if (!FoldAction(after, event)) {
    if (!existed) action.current.reset();
    return absl::OkStatus();
  }
  if (after.action_id().empty()) after.set_action_id(action_id);

  v1::LogPosition logged;
  logged.set_partition(position.partition);
  logged.set_offset(position.offset);
  AppendHistoryEntry(action.history, HistoryOf(before, after, event, logged));
  if (!existed && event.payload_case() == v1::EventEnvelope::kActionAssigned) {
    // The decision's action count lives in the decisions table only (queries copy it into the
    // review's decisions), so an assignment does not rewrite the whole review.
    absl::StatusOr<std::optional<v1::DecisionView>*> decision =
        decisions_.Change(changes, Key({tenant, after.decision_id()}));
    if (!decision.ok()) return decision.status();
    // An action of an unknown decision: nothing to count.
    if ((*decision)->has_value()) (**decision)->set_action_count((**decision)->action_count() + 1);
  }
  action.changed = true;
  return absl::OkStatus();
}

absl::Status QueryProjection::WriteAction(projection::Changes& changes, const std::string& key,
                                          const ActionRecord& action) {
  const std::string& tenant = action.tenant;
  const v1::ActionView& after = *action.current;
  const std::string view = after.SerializeAsString();

  // Indexes: delete what no longer holds, add what is new (and rewrite the copies of the view an
  // index holds).
  const IndexEntries old_entries =
      action.stored.has_value() ? IndexEntriesOf(tenant, *action.stored) : IndexEntries();
  const IndexEntries new_entries = IndexEntriesOf(tenant, after);
  for (const IndexEntry& entry : old_entries) {
    if (!Contains(new_entries, entry)) changes.Delete(entry.table, entry.key);
  }
  for (const IndexEntry& entry : new_entries) {
    if (HoldsActionViews(entry.table)) {
      changes.Put(entry.table, entry.key, view);
    } else if (!Contains(old_entries, entry)) {
      changes.Put(entry.table, entry.key, "");
    }
  }

  // Open actions per scope and due day: out of the counts they left, into the ones they joined.
  const DueCounts old_counts =
      action.stored.has_value() ? DueCountsOf(tenant, *action.stored) : DueCounts();
  const DueCounts new_counts = DueCountsOf(tenant, after);
  for (const DueCount& count : old_counts) {
    if (Contains(new_counts, count)) continue;
    if (absl::Status s = AddDueCount(changes, count.counts_key, count.due, -1); !s.ok()) return s;
  }
  for (const DueCount& count : new_counts) {
    if (Contains(old_counts, count)) continue;
    if (absl::Status s = AddDueCount(changes, count.counts_key, count.due, +1); !s.ok()) return s;
  }

  // Counters: the action's old contribution out, its new one in (merged in memory until Flush).
  const auto counters_of = [&](const std::string& scope) -> absl::StatusOr<v1::Dashboard*> {
    absl::StatusOr<std::optional<v1::Dashboard>*> counters =
        counters_.Change(changes, Key({tenant, scope}));
    if (!counters.ok()) return counters.status();
    if (!(*counters)->has_value()) (*counters)->emplace();
    return &***counters;
  };
  const std::vector<std::string> old_scopes =
      action.stored.has_value() ? ScopesOf(*action.stored) : std::vector<std::string>();
  for (const std::string& scope : old_scopes) {
    absl::StatusOr<v1::Dashboard*> scoped = counters_of(scope);
    if (!scoped.ok()) return scoped.status();
    AddContribution(**scoped, *action.stored, zones_, tenant, -1);
  }
  for (const std::string& scope : ScopesOf(after)) {
    absl::StatusOr<v1::Dashboard*> scoped = counters_of(scope);
    if (!scoped.ok()) return scoped.status();
    AddContribution(**scoped, after, zones_, tenant, +1);
  }
  // A scope left without actions has no record (it reads as all zeros).
  for (const std::string& scope : old_scopes) {
    absl::StatusOr<std::optional<v1::Dashboard>*> counters =
        counters_.Change(changes, Key({tenant, scope}));
    if (!counters.ok()) return counters.status();
    if ((*counters)->has_value() && (**counters)->total_actions() == 0) (*counters)->reset();
  }
  changes.Put(kActions, key, view);
  changes.Put(kActionHistory, key, action.history);
  return absl::OkStatus();
}

}  // namespace reviewtrail::readmodel
