// Deciders that create an action or change its plan: assign, reassign, reschedule, cancel.
#include "action_checks.h"
#include "decide_support.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/limits.h"
#include "validation.h"

namespace reviewtrail::domain {
namespace {

void RequireDueDate(Violations& violations, std::string_view field, bool present,
                    const google::type::Date& date, const CommandContext& context) {
  violations.RequireDate(field, present, date);
  if (present && CivilDate::FromProto(date).IsValid() &&
      CivilDate::FromProto(date) < context.today) {
    violations.Add(field, "must not be before today (" + context.today.ToString() + ")");
  }
}

}  // namespace

Result<Decision> Decide(const StateView& state, const v1::AssignActionRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "assigning an action")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("decision_id", command.decision_id());
  violations.RequireText("title", command.title(), kMaxNameLength);
  violations.RequireText("expected_outcome", command.expected_outcome(), kMaxTextLength);
  violations.RequireText("completion_criteria", command.completion_criteria(), kMaxTextLength);
  violations.RequireId("owner_id", command.owner_id());
  RequireDueDate(violations, "due_date", command.has_due_date(), command.due_date(), context);
  violations.RequireLinks("links", command.links());
  if (!violations.empty()) return violations.ToError();

  const ReviewState* review = state.FindReviewOfDecision(command.decision_id());
  if (review == nullptr) {
    return NotFound("decisions/" + command.decision_id(),
                    "decision '" + command.decision_id() + "' does not exist");
  }
  const std::string id = DeriveId("act", context.tenant_id, command.command_id(), "action");
  const ActionState* existing = state.FindAction(id);
  const int64_t version = existing == nullptr ? 0 : existing->version;
  if (auto conflict = CheckExpectedVersion(command.has_expected_version(),
                                           command.expected_version(), version, ActionName(id))) {
    return *conflict;
  }
  if (existing != nullptr) return AlreadyExists(ActionName(id), "action already assigned");
  if (auto bad =
          RequireActivePerson(state, command.owner_id(), "owner_id", "OWNER_NOT_ACTIVE_PERSON")) {
    return *bad;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, id, version);
  auto* assigned = builder.AddEvent().mutable_action_assigned();
  assigned->set_action_id(id);
  assigned->set_review_id(review->id);
  assigned->set_decision_id(command.decision_id());
  assigned->set_title(command.title());
  assigned->set_expected_outcome(command.expected_outcome());
  assigned->set_completion_criteria(command.completion_criteria());
  assigned->set_owner_id(command.owner_id());
  *assigned->mutable_due_date() = command.due_date();
  *assigned->mutable_links() = command.links();
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::ReassignActionRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "reassigning an action")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireId("new_owner_id", command.new_owner_id());
  violations.RequireText("reason", command.reason(), kMaxReasonLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto final_state = RequireNotFinal(current, "reassign")) return *final_state;
  if (command.new_owner_id() == current.owner_id) {
    return Precondition("OWNER_UNCHANGED", ActionName(current.id), StatusName(current.status),
                        "'" + current.owner_id + "' already owns this action");
  }
  if (auto bad = RequireActivePerson(state, command.new_owner_id(), "new_owner_id",
                                     "OWNER_NOT_ACTIVE_PERSON")) {
    return *bad;
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* changed = builder.AddEvent().mutable_action_owner_changed();
  changed->set_action_id(current.id);
  changed->set_previous_owner_id(current.owner_id);
  changed->set_new_owner_id(command.new_owner_id());
  changed->set_reason(command.reason());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::RescheduleActionRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "rescheduling an action")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  RequireDueDate(violations, "new_due_date", command.has_new_due_date(), command.new_due_date(),
                 context);
  violations.RequireText("reason", command.reason(), kMaxReasonLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto final_state = RequireNotFinal(current, "reschedule")) return *final_state;
  const CivilDate new_due = CivilDate::FromProto(command.new_due_date());
  if (new_due == current.due_date) {
    return Precondition("DUE_DATE_UNCHANGED", ActionName(current.id), StatusName(current.status),
                        "the action is already due on " + new_due.ToString());
  }

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* changed = builder.AddEvent().mutable_action_deadline_changed();
  changed->set_action_id(current.id);
  *changed->mutable_previous_due_date() = current.due_date.ToProto();
  *changed->mutable_new_due_date() = command.new_due_date();
  changed->set_reason(command.reason());
  return std::move(builder).Build();
}

Result<Decision> Decide(const StateView& state, const v1::CancelActionRequest& command,
                        const CommandContext& context) {
  if (auto denied = RequireAnyRole(context, {v1::ROLE_ISMS_MANAGER}, "cancelling an action")) {
    return *denied;
  }
  Violations violations;
  violations.RequireCommandId(command.command_id());
  violations.RequireId("action_id", command.action_id());
  violations.RequireText("reason", command.reason(), kMaxReasonLength);
  if (!violations.empty()) return violations.ToError();

  auto action = FindActionForCommand(state, command.action_id(), command);
  if (!action.ok()) return action.error();
  const ActionState& current = *action.value();
  if (auto final_state = RequireNotFinal(current, "cancel")) return *final_state;

  DecisionBuilder builder(context, command.command_id(), v1::AGGREGATE_TYPE_ACTION, current.id,
                          current.version);
  auto* cancelled = builder.AddEvent().mutable_action_cancelled();
  cancelled->set_action_id(current.id);
  cancelled->set_reason(command.reason());
  return std::move(builder).Build();
}

}  // namespace reviewtrail::domain
