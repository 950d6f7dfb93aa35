#include "reviewtrail/readmodel/queries.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/readmodel/action_wire.h"
#include "reviewtrail/readmodel/dashboard_counters.h"
#include "reviewtrail/readmodel/due_day_counts.h"
#include "reviewtrail/readmodel/field_error.h"
#include "reviewtrail/readmodel/keys.h"
#include "reviewtrail/readmodel/page_token.h"

namespace reviewtrail::readmodel {
namespace {

using domain::CivilDate;

constexpr v1::ActionStatus kStatuses[] = {v1::ACTION_STATUS_OPEN, v1::ACTION_STATUS_IN_PROGRESS,
                                          v1::ACTION_STATUS_CLOSURE_REQUESTED,
                                          v1::ACTION_STATUS_CLOSED, v1::ACTION_STATUS_CANCELLED};

// Before every valid date.
constexpr CivilDate kEarliestDay{1, 1, 1};

using domain::IsOverdue;

bool IsOverdue(const v1::ActionView& action, const CivilDate& today) {
  return IsOverdue(action.status(), CivilDate::FromProto(action.due_date()), today);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> Read(const projection::ReadView& view,
                                            std::string_view table, const std::string& key) {
  absl::StatusOr<std::optional<std::string>> value = view.Get(table, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<Message>();
  Message message;
  if (!message.ParseFromString(**value)) {
    return absl::DataLossError("unreadable record in " + std::string(table));
  }
  return std::optional<Message>(std::move(message));
}

template <typename Message>
absl::StatusOr<Message> Parse(std::string_view table, std::string_view value) {
  Message message;
  if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError("unreadable record in " + std::string(table));
  }
  return message;
}

// Where a page starts: after the token's key, which must come from the same index.
absl::StatusOr<std::string> PageStart(const std::string& page_token, std::string_view index,
                                      std::string_view prefix) {
  if (page_token.empty()) return std::string(prefix);
  std::optional<PageToken> token = DecodePageToken(page_token);
  if (!token.has_value() || token->index != index ||
      token->last_key.substr(0, prefix.size()) != prefix) {
    return InvalidFieldError("page_token",
                             "is not a page token of this list with these filters; start over "
                             "without it");
  }
  return token->last_key + '\0';  // the smallest key after it
}

// A keyed list of one table in key order, paged: the records of the tenant whose id starts with
// `id_prefix` and that `keep`.
template <typename Message, typename Response, typename Add, typename Keep>
absl::StatusOr<Response> ListTable(const projection::ReadView& view, std::string_view table,
                                   const std::string& tenant_id, int32_t page_size,
                                   const std::string& page_token, Add add, Keep keep,
                                   std::string_view id_prefix = {}) {
  const std::string prefix = Prefix({tenant_id}) + std::string(id_prefix);
  absl::StatusOr<std::string> start = PageStart(page_token, table, prefix);
  if (!start.ok()) return start.status();
  const int32_t size = EffectivePageSize(page_size);
  Response response;
  int32_t listed = 0;
  std::string last_key;
  absl::Status failure;
  absl::Status scanned =
      view.Scan(table, prefix, *start, [&](std::string_view key, std::string_view value) {
        absl::StatusOr<Message> message = Parse<Message>(table, value);
        if (!message.ok()) {
          failure = message.status();
          return false;
        }
        if (!keep(*message)) return true;
        if (listed == size) {
          response.set_next_page_token(EncodePageToken({std::string(table), last_key}));
          return false;
        }
        add(response, *std::move(message));
        ++listed;
        last_key = std::string(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  return response;
}

// Copies each decision's action count (kept in the decisions table) into the review.
absl::Status FillActionCounts(const projection::ReadView& view, const std::string& tenant_id,
                              v1::ReviewView& review) {
  for (v1::DecisionView& decision : *review.mutable_decisions()) {
    absl::StatusOr<std::optional<v1::DecisionView>> stored =
        Read<v1::DecisionView>(view, kDecisions, Key({tenant_id, decision.decision_id()}));
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) decision.set_action_count((*stored)->action_count());
  }
  return absl::OkStatus();
}

absl::Status NotFound(std::string_view collection, const std::string& id) {
  return absl::NotFoundError(std::string(collection) + "/" + id);
}

}  // namespace

absl::StatusOr<v1::ActionView> Queries::FindAction(const std::string& tenant_id,
                                                   const std::string& action_id,
                                                   const CivilDate& today) const {
  absl::StatusOr<std::optional<v1::ActionView>> action =
      Read<v1::ActionView>(view_, kActions, Key({tenant_id, action_id}));
  if (!action.ok()) return action.status();
  if (!action->has_value()) return NotFound("actions", action_id);
  (*action)->set_overdue(IsOverdue(**action, today));
  return **std::move(action);
}

absl::StatusOr<v1::ActionDetail> Queries::GetAction(const std::string& tenant_id,
                                                    const std::string& action_id,
                                                    const CivilDate& today) const {
  absl::StatusOr<v1::ActionView> action = FindAction(tenant_id, action_id, today);
  if (!action.ok()) return action.status();
  // The history record is an ActionDetail holding only the history.
  absl::StatusOr<std::optional<v1::ActionDetail>> history =
      Read<v1::ActionDetail>(view_, kActionHistory, Key({tenant_id, action_id}));
  if (!history.ok()) return history.status();
  v1::ActionDetail detail = std::move(*history).value_or(v1::ActionDetail());
  *detail.mutable_action() = *std::move(action);
  return detail;
}

absl::StatusOr<v1::ListActionsResponse> Queries::ListActions(const std::string& tenant_id,
                                                             const v1::ListActionsRequest& request,
                                                             const CivilDate& today) const {
  std::string page;
  if (absl::Status listed = ListActionsSerialized(tenant_id, request, today, page); !listed.ok()) {
    return listed;
  }
  v1::ListActionsResponse response;
  if (!response.ParseFromString(page)) {
    return absl::DataLossError("unreadable record in " + std::string(kActions));
  }
  return response;
}

absl::Status Queries::ListActionsSerialized(const std::string& tenant_id,
                                            const v1::ListActionsRequest& request,
                                            const CivilDate& today, std::string& page) const {
  page.clear();
  absl::Status listed = ListActionsInto(tenant_id, request, today, page);
  if (!listed.ok()) page.clear();
  return listed;
}

absl::Status Queries::ListActionsInto(const std::string& tenant_id,
                                      const v1::ListActionsRequest& request, const CivilDate& today,
                                      std::string& page) const {
  const bool due_before_set = request.has_due_before();
  const bool due_after_set = request.has_due_on_or_after();
  const CivilDate due_before = CivilDate::FromProto(request.due_before());
  const CivilDate due_after = CivilDate::FromProto(request.due_on_or_after());

  // The index that narrows the scan most, by what the filter names.
  std::string index;
  std::string prefix;
  std::string start_key;
  std::optional<std::string> end_key;  // exclusive, for the due-date index
  if (!request.decision_id().empty()) {
    // The decision's actions are a range of its review's.
    absl::StatusOr<std::optional<v1::DecisionView>> decision =
        Read<v1::DecisionView>(view_, kDecisions, Key({tenant_id, request.decision_id()}));
    if (!decision.ok()) return decision.status();
    if (!decision->has_value()) return absl::OkStatus();  // no such decision: no actions
    index = kActionsByReview;
    prefix = Prefix({tenant_id, (*decision)->review_id(), request.decision_id()});
  } else if (!request.review_id().empty()) {
    index = kActionsByReview;
    prefix = Prefix({tenant_id, request.review_id()});
  } else if (!request.owner_id().empty()) {
    index = kActionsByOwner;
    prefix = Prefix({tenant_id, request.owner_id()});
  } else if (request.overdue_only()) {
    index = kOpenActionsByDue;
    prefix = Prefix({tenant_id, TenantScope()});
    if (due_after_set) start_key = prefix + DayKey(due_after);
    CivilDate end = today;
    if (due_before_set && due_before < end) end = due_before;
    end_key = prefix + DayKey(end);
  } else if (request.status() != v1::ACTION_STATUS_UNSPECIFIED) {
    index = kActionsByStatus;
    prefix = Prefix({tenant_id, StatusKey(request.status())});
  } else {
    index = kActions;
    prefix = Prefix({tenant_id});
  }
  if (!request.page_token().empty()) {
    absl::StatusOr<std::string> start = PageStart(request.page_token(), index, prefix);
    if (!start.ok()) return start.status();
    start_key = std::max(start_key, *start);
  }

  const auto is_overdue = [&](const ActionListFields& action) {
    return IsOverdue(action.status, action.due, today);
  };
  const auto matches = [&](const ActionListFields& action) {
    if (!request.owner_id().empty() && action.owner_id != request.owner_id()) return false;
    if (request.status() != v1::ACTION_STATUS_UNSPECIFIED && action.status != request.status()) {
      return false;
    }
    if (!request.review_id().empty() && action.review_id != request.review_id()) return false;
    if (!request.decision_id().empty() && action.decision_id != request.decision_id()) {
      return false;
    }
    if (request.overdue_only() && !is_overdue(action)) return false;
    if (due_before_set && !(action.due < due_before)) return false;
    if (due_after_set && action.due < due_after) return false;
    return true;
  };

  const int32_t size = EffectivePageSize(request.page_size());
  page.reserve(static_cast<size_t>(size) * 512);  // a stored view is ~400 bytes
  int32_t listed = 0;
  std::string last_key;
  // Each action in index order: the fields the filters need decoded from the stored view, which
  // is copied into the page as it is if it matches, until one more match than the page holds shows
  // the list goes on.
  enum class Next { kMore, kPageDone, kFailed };
  const auto consider = [&](std::string_view key, std::string_view value) -> Next {
    ActionListFields action;
    if (!DecodeActionListFields(value, action)) return Next::kFailed;
    if (!matches(action)) return Next::kMore;
    if (listed == size) {
      // One more match exists: the list goes on after the last key returned.
      AppendNextPageToken(page, EncodePageToken({index, last_key}));
      return Next::kPageDone;
    }
    if (action.has_overdue) {
      // A view stored with `overdue` (never written so) gets the computed one in its place.
      v1::ActionView view;
      if (!view.ParseFromArray(value.data(), static_cast<int>(value.size()))) return Next::kFailed;
      view.set_overdue(is_overdue(action));
      AppendListedAction(page, view.SerializeAsString(), false);
    } else {
      AppendListedAction(page, value, is_overdue(action));
    }
    ++listed;
    last_key = key;
    return Next::kMore;
  };
  const auto unreadable = [] {
    return absl::DataLossError("unreadable record in " + std::string(kActions));
  };

  if (HoldsActionViews(index)) {
    // The index holds the actions: one pass over it.
    Next next = Next::kMore;
    absl::Status scanned =
        view_.Scan(index, prefix, start_key, [&](std::string_view key, std::string_view value) {
          if (end_key.has_value() && key >= *end_key) return false;
          next = consider(key, value);
          return next == Next::kMore;
        });
    if (!scanned.ok()) return scanned;
    return next == Next::kFailed ? unreadable() : absl::OkStatus();
  }
  // Otherwise a slice of the index at a time: as many keys as matches are still wanted, their
  // actions read together, then considered.
  std::string slice_start = start_key;
  while (true) {
    const size_t wanted = static_cast<size_t>(size - listed) + 1;
    std::vector<std::string> index_keys;
    absl::Status scanned =
        view_.Scan(index, prefix, slice_start, [&](std::string_view key, std::string_view) {
          if (end_key.has_value() && key >= *end_key) return false;
          index_keys.emplace_back(key);
          return index_keys.size() < wanted;
        });
    if (!scanned.ok()) return scanned;
    if (index_keys.empty()) break;
    std::vector<std::string> action_keys;
    action_keys.reserve(index_keys.size());
    for (const std::string& key : index_keys) {
      action_keys.push_back(Key({tenant_id, LastComponent(key)}));
    }
    absl::StatusOr<std::vector<std::optional<std::string>>> values =
        view_.MultiGet(kActions, action_keys);
    if (!values.ok()) return values.status();
    for (size_t i = 0; i < index_keys.size(); ++i) {
      if (!(*values)[i].has_value()) continue;
      const Next next = consider(index_keys[i], *(*values)[i]);
      if (next == Next::kFailed) return unreadable();
      if (next == Next::kPageDone) return absl::OkStatus();
    }
    if (index_keys.size() < wanted) break;   // the index has no more keys
    slice_start = index_keys.back() + '\0';  // the smallest key after the slice
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReviewView> Queries::GetReview(const std::string& tenant_id,
                                                  const std::string& review_id) const {
  absl::StatusOr<std::optional<v1::ReviewView>> review =
      Read<v1::ReviewView>(view_, kReviews, Key({tenant_id, review_id}));
  if (!review.ok()) return review.status();
  if (!review->has_value()) return NotFound("reviews", review_id);
  if (absl::Status filled = FillActionCounts(view_, tenant_id, **review); !filled.ok()) {
    return filled;
  }
  return **std::move(review);
}

absl::StatusOr<v1::ListReviewsResponse> Queries::ListReviews(const std::string& tenant_id,
                                                             int32_t page_size,
                                                             const std::string& page_token) const {
  absl::StatusOr<v1::ListReviewsResponse> listed =
      ListTable<v1::ReviewView, v1::ListReviewsResponse>(
          view_, kReviews, tenant_id, page_size, page_token,
          [](v1::ListReviewsResponse& response, v1::ReviewView review) {
            *response.add_reviews() = std::move(review);
          },
          [](const v1::ReviewView&) { return true; });
  if (!listed.ok()) return listed;
  for (v1::ReviewView& review : *listed->mutable_reviews()) {
    if (absl::Status filled = FillActionCounts(view_, tenant_id, review); !filled.ok()) {
      return filled;
    }
  }
  return listed;
}

absl::StatusOr<int64_t> Queries::TestClockAdvance(const std::string& tenant_id) const {
  absl::StatusOr<std::optional<v1::TestClockAdvanced>> clock =
      Read<v1::TestClockAdvanced>(view_, kTenantClocks, Key({tenant_id}));
  if (!clock.ok()) return clock.status();
  if (!clock->has_value()) return 0;
  return std::max<int64_t>(
      0, google::protobuf::util::TimeUtil::DurationToMicroseconds((*clock)->total_advance()));
}

absl::StatusOr<v1::ListPersonsResponse> Queries::ListPersons(
    const std::string& tenant_id, const v1::ListPersonsRequest& request) const {
  const std::string& name_prefix = request.display_name_prefix();
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  return ListTable<v1::PersonView, v1::ListPersonsResponse>(
      view_, kPersons, tenant_id, request.page_size(), request.page_token(),
      [](v1::ListPersonsResponse& response, v1::PersonView person) {
        *response.add_persons() = std::move(person);
      },
      // The id prefix is the scanned range; the name prefix (ASCII letters in any case) a filter.
      [&](const v1::PersonView& person) {
        const std::string& name = person.display_name();
        return name.size() >= name_prefix.size() &&
               std::equal(name_prefix.begin(), name_prefix.end(), name.begin(),
                          [&](char a, char b) { return lower(a) == lower(b); });
      },
      request.person_id_prefix());
}

absl::StatusOr<v1::PersonView> Queries::GetPerson(const std::string& tenant_id,
                                                  const std::string& person_id) const {
  absl::StatusOr<std::optional<v1::PersonView>> person =
      Read<v1::PersonView>(view_, kPersons, Key({tenant_id, person_id}));
  if (!person.ok()) return person.status();
  if (!person->has_value()) return NotFound("persons", person_id);
  return **std::move(person);
}

absl::StatusOr<v1::Dashboard> Queries::GetDashboard(const std::string& tenant_id,
                                                    const std::string& review_id,
                                                    const std::string& owner_id,
                                                    const CivilDate& today) const {
  std::string scope = TenantScope();
  if (!review_id.empty()) {
    absl::StatusOr<std::optional<std::string>> review =
        view_.Get(kReviews, Key({tenant_id, review_id}));
    if (!review.ok()) return review.status();
    if (!review->has_value()) return NotFound("reviews", review_id);
    scope = ReviewScope(review_id);
  } else if (!owner_id.empty()) {
    absl::StatusOr<std::optional<std::string>> person =
        view_.Get(kPersons, Key({tenant_id, owner_id}));
    if (!person.ok()) return person.status();
    if (!person->has_value()) return NotFound("persons", owner_id);
    scope = OwnerScope(owner_id);
  }
  absl::StatusOr<std::optional<v1::Dashboard>> stored =
      Read<v1::Dashboard>(view_, kDashboardCounters, Key({tenant_id, scope}));
  if (!stored.ok()) return stored.status();
  v1::Dashboard dashboard = stored->value_or(v1::Dashboard());
  if (dashboard.by_status_size() == 0) {
    for (v1::ActionStatus status : kStatuses) dashboard.add_by_status()->set_status(status);
  }
  dashboard.set_review_id(review_id);
  dashboard.set_owner_id(owner_id);
  *dashboard.mutable_today() = today.ToProto();

  // The scope's open actions due before today are overdue; from today on, for 8 days, due soon:
  // sums of the scope's counts per due day (one record, not one read per action).
  absl::StatusOr<std::optional<DueDayCounts>> counts =
      Read<DueDayCounts>(view_, kOpenDueCounts, Key({tenant_id, scope}));
  if (!counts.ok()) return counts.status();
  const DueDayCounts due = std::move(*counts).value_or(DueDayCounts());
  dashboard.set_overdue(due.Sum(kEarliestDay, today));
  dashboard.set_due_within_7_days(due.Sum(today, today.AddDays(8)));
  dashboard.set_median_days_to_close(MedianDaysToClose(dashboard));
  const int64_t closed = dashboard.closed_on_time() + dashboard.closed_late();
  dashboard.set_evidence_closure_share(
      closed == 0
          ? 0.0
          : static_cast<double>(dashboard.closures_with_evidence()) / static_cast<double>(closed));
  return dashboard;
}

absl::StatusOr<v1::ReviewInputPack> Queries::GetReviewInputPack(
    const std::string& tenant_id, std::optional<CivilDate> held_before,
    const CivilDate& today) const {
  std::vector<v1::ReviewView> reviews;
  absl::Status failure;
  absl::Status scanned =
      view_.Scan(kReviews, Prefix({tenant_id}), "", [&](std::string_view, std::string_view value) {
        absl::StatusOr<v1::ReviewView> review = Parse<v1::ReviewView>(kReviews, value);
        if (!review.ok()) {
          failure = review.status();
          return false;
        }
        if (!held_before.has_value() || CivilDate::FromProto(review->held_on()) < *held_before) {
          reviews.push_back(*std::move(review));
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  std::sort(reviews.begin(), reviews.end(), [](const v1::ReviewView& a, const v1::ReviewView& b) {
    return std::make_tuple(CivilDate::FromProto(a.held_on()), a.review_id()) <
           std::make_tuple(CivilDate::FromProto(b.held_on()), b.review_id());
  });

  v1::ReviewInputPack pack;
  *pack.mutable_today() = today.ToProto();
  for (const v1::ReviewView& review : reviews) {
    v1::ReviewInputPackSection* section = pack.add_sections();
    section->set_review_id(review.review_id());
    section->set_title(review.title());
    *section->mutable_held_on() = review.held_on();
    scanned = view_.Scan(kActionsByReview, Prefix({tenant_id, review.review_id()}), "",
                         [&](std::string_view key, std::string_view) {
                           absl::StatusOr<v1::ActionView> action =
                               FindAction(tenant_id, std::string(LastComponent(key)), today);
                           if (!action.ok()) {
                             failure = action.status();
                             return false;
                           }
                           *section->add_actions() = *std::move(action);
                           return true;
                         });
    if (!scanned.ok()) return scanned;
    if (!failure.ok()) return failure;
  }
  return pack;
}

absl::StatusOr<v1::AuditReadinessReport> Queries::CheckAuditReadiness(
    const std::string& tenant_id, const CivilDate& today) const {
  v1::AuditReadinessReport report;
  *report.mutable_today() = today.ToProto();
  const auto add = [&report](v1::AuditFindingType type, std::string subject,
                             std::string description) {
    v1::AuditFinding* finding = report.add_findings();
    finding->set_type(type);
    finding->set_subject(std::move(subject));
    finding->set_description(std::move(description));
  };
  absl::Status failure;
  absl::Status scanned = view_.Scan(
      kDecisions, Prefix({tenant_id}), "", [&](std::string_view, std::string_view value) {
        absl::StatusOr<v1::DecisionView> decision = Parse<v1::DecisionView>(kDecisions, value);
        if (!decision.ok()) {
          failure = decision.status();
          return false;
        }
        if (decision->action_count() == 0) {
          add(v1::AUDIT_FINDING_TYPE_DECISION_WITHOUT_ACTION,
              "decisions/" + decision->decision_id(),
              "decision '" + decision->summary() + "' of review " + decision->review_id() +
                  " has no action: recorded as discussed only");
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;

  std::map<std::string, bool> person_active;  // cache of owners looked up
  const auto is_active = [&](const std::string& person_id) -> absl::StatusOr<bool> {
    auto it = person_active.find(person_id);
    if (it != person_active.end()) return it->second;
    absl::StatusOr<std::optional<v1::PersonView>> person =
        Read<v1::PersonView>(view_, kPersons, Key({tenant_id, person_id}));
    if (!person.ok()) return person.status();
    const bool active = person->has_value() && (*person)->active();
    person_active[person_id] = active;
    return active;
  };
  scanned =
      view_.Scan(kActions, Prefix({tenant_id}), "", [&](std::string_view, std::string_view value) {
        absl::StatusOr<v1::ActionView> action = Parse<v1::ActionView>(kActions, value);
        if (!action.ok()) {
          failure = action.status();
          return false;
        }
        const std::string subject = "actions/" + action->action_id();
        const CivilDate due = CivilDate::FromProto(action->due_date());
        if (action->owner_id().empty()) {
          add(v1::AUDIT_FINDING_TYPE_ACTION_MISSING_OWNER, subject, "no named owner");
        }
        if (!due.IsValid()) {
          add(v1::AUDIT_FINDING_TYPE_ACTION_MISSING_DEADLINE, subject, "no valid due date");
        }
        if (action->completion_criteria().empty()) {
          add(v1::AUDIT_FINDING_TYPE_ACTION_MISSING_COMPLETION_CRITERIA, subject,
              "no completion criteria");
        }
        if (action->status() == v1::ACTION_STATUS_CLOSED && action->evidence_size() == 0) {
          add(v1::AUDIT_FINDING_TYPE_CLOSED_WITHOUT_EVIDENCE, subject,
              "closed with no evidence attached");
        }
        if (IsOverdue(*action, today) && action->highest_escalation() == 0) {
          add(v1::AUDIT_FINDING_TYPE_OVERDUE_WITHOUT_ESCALATION, subject,
              "overdue since " + due.ToString() + " with no escalation on record");
        }
        if (action->deadline_changes() > 1) {
          add(v1::AUDIT_FINDING_TYPE_DEADLINE_MOVED_MORE_THAN_ONCE, subject,
              "deadline moved " + std::to_string(action->deadline_changes()) + " times (from " +
                  CivilDate::FromProto(action->original_due_date()).ToString() + " to " +
                  due.ToString() + ")");
        }
        if (!domain::IsFinal(action->status()) && !action->owner_id().empty()) {
          absl::StatusOr<bool> active = is_active(action->owner_id());
          if (!active.ok()) {
            failure = active.status();
            return false;
          }
          if (!*active) {
            add(v1::AUDIT_FINDING_TYPE_OWNER_DEACTIVATED, subject,
                "owner " + action->owner_id() + " is deactivated or unknown; reassign the action");
          }
        }
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!failure.ok()) return failure;
  std::stable_sort(report.mutable_findings()->begin(), report.mutable_findings()->end(),
                   [](const v1::AuditFinding& a, const v1::AuditFinding& b) {
                     return std::make_tuple(static_cast<int>(a.type()), a.subject()) <
                            std::make_tuple(static_cast<int>(b.type()), b.subject());
                   });
  return report;
}

}  // namespace reviewtrail::readmodel
