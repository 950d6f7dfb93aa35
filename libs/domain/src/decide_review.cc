#include <algorithm>
#include <set>

#include "decide_support.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/limits.h"
#include "validation.h"

namespace reviewtrail::domain {

Result<Decision> Decide(const StateView& state, const v1::RecordReviewRequest& command,
                        const CommandContext& context) {
  if (auto denied =
          RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "recording a management review")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireText("title", command.title(), kMaxNameLength);
  violations.RequireDate("held_on", command.has_held_on(), command.held_on());
  if (command.has_held_on() && CivilDate::FromProto(command.held_on()).IsValid() &&
      CivilDate::FromProto(command.held_on()) > context.today) {
    violations.Add("held_on", "must not be in the future (today is " + context.today.ToString() +
                                  "); record a review once it has been held");
  }
  violations.RequireId("chair_id", command.chair_id());
  if (static_cast<size_t>(command.attendee_ids_size()) > kMaxAttendees) {
    violations.Add("attendee_ids",
                   "must have at most " + std::to_string(kMaxAttendees) + " entries");
  }
  for (int i = 0; i < command.attendee_ids_size(); ++i) {
    violations.RequireId("attendee_ids[" + std::to_string(i) + "]", command.attendee_ids(i));
  }
  std::set<int> inputs;
  for (int i = 0; i < command.inputs_covered_size(); ++i) {
    const int input = command.inputs_covered(i);
    if (input == v1::REVIEW_INPUT_UNSPECIFIED || !v1::ReviewInput_IsValid(input)) {
      violations.Add("inputs_covered[" + std::to_string(i) + "]",
                     "must be one of the clause 9.3.2 inputs a-g");
    } else if (!inputs.insert(input).second) {
      violations.Add("inputs_covered[" + std::to_string(i) + "]", "is listed twice");
    }
  }
  violations.OptionalUri("minutes_uri", command.minutes_uri());
  if (!violations.empty()) return violations.ToError();

  const std::string id = DeriveId("rev", context.tenant_id, command.command_id(), "review");
  const ReviewState* existing = state.FindReview(id);
  const int64_t version = existing == nullptr ? 0 : existing->version;
  if (auto conflict = CheckExpectedVersion(command.has_expected_version(),
                                           command.expected_version(), version, ReviewName(id))) {
    return *conflict;
  }
  if (existing != nullptr) return AlreadyExists(ReviewName(id), "review already recorded");
  if (auto bad =
          RequireActivePerson(state, command.chair_id(), "chair_id", "CHAIR_NOT_ACTIVE_PERSON")) {
    return *bad;
  }
  for (const std::string& attendee : command.attendee_ids()) {
    if (state.FindPerson(attendee) == nullptr) {
      return Precondition("ATTENDEE_NOT_PERSON", PersonName(attendee), "UNKNOWN",
                          "attendee '" + attendee + "' is not a registered person");
    }
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_REVIEW, id, version);
  auto* held = builder.AddEvent().mutable_review_held();
  held->set_review_id(id);
  held->set_title(command.title());
  *held->mutable_held_on() = command.held_on();
  held->set_chair_id(command.chair_id());
  *held->mutable_attendee_ids() = command.attendee_ids();
  for (int input : inputs) held->add_inputs_covered(static_cast<v1::ReviewInput>(input));
  held->set_minutes_uri(command.minutes_uri());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::RecordDecisionRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "recording a decision")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("review_id", command.review_id());
  violations.RequireText("summary", command.summary(), kMaxSummaryLength);
  violations.RequireText("rationale", command.rationale(), kMaxTextLength);
  if (command.category() == v1::DECISION_CATEGORY_UNSPECIFIED ||
      !v1::DecisionCategory_IsValid(command.category())) {
    violations.Add("category",
                   "is required: IMPROVEMENT_OPPORTUNITY, ISMS_CHANGE or RESOURCE_NEED");
  }
  violations.RequireLinks("links", command.links());
  if (!violations.empty()) return violations.ToError();

  const ReviewState* review = state.FindReview(command.review_id());
  if (review == nullptr) {
    return NotFound(ReviewName(command.review_id()),
                    "review '" + command.review_id() + "' does not exist");
  }
  if (auto conflict =
          CheckExpectedVersion(command.has_expected_version(), command.expected_version(),
                               review->version, ReviewName(review->id))) {
    return *conflict;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_REVIEW, review->id,
                          review->version);
  auto* recorded = builder.AddEvent().mutable_decision_recorded();
  recorded->set_review_id(review->id);
  recorded->set_decision_id(DeriveId("dec", context.tenant_id, command.command_id(), "decision"));
  recorded->set_summary(command.summary());
  recorded->set_rationale(command.rationale());
  recorded->set_category(command.category());
  *recorded->mutable_links() = command.links();
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
