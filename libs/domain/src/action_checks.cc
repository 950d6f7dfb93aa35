#include "action_checks.h"

namespace reviewtrail::domain {

std::optional<DomainError> RequireNotFinal(const ActionState& action, std::string_view verb) {
  if (!action.IsFinal()) return std::nullopt;
  return Precondition("ACTION_FINAL", ActionName(action.id), StatusName(action.status),
                      "cannot " + std::string(verb) + " an action that is " +
                          StatusName(action.status) + "; closed and cancelled are final");
}

std::optional<DomainError> RequireStatus(const ActionState& action,
                                         std::initializer_list<v1::ActionStatus> expected,
                                         std::string_view verb) {
  // A closed or cancelled action answers ACTION_FINAL whatever the command, so a client needs one
  // rule name for "nothing more can happen to this action".
  if (auto final_state = RequireNotFinal(action, verb)) return final_state;
  std::string allowed;
  for (v1::ActionStatus status : expected) {
    if (action.status == status) return std::nullopt;
    if (!allowed.empty()) allowed += " or ";
    allowed += StatusName(status);
  }
  return Precondition("ACTION_STATE", ActionName(action.id), StatusName(action.status),
                      "cannot " + std::string(verb) + " an action that is " +
                          StatusName(action.status) + "; it must be " + allowed);
}

std::optional<DomainError> RequireOwner(const ActionState& action, const CommandContext& context,
                                        bool managers_too, std::string_view what) {
  if (managers_too && context.HasRole(v1::ROLE_ISMS_MANAGER)) return std::nullopt;
  const bool owner_role =
      context.HasRole(v1::ROLE_ACTION_OWNER) || context.HasRole(v1::ROLE_ISMS_MANAGER);
  if (owner_role && context.actor_id == action.owner_id) return std::nullopt;
  return PermissionDenied("OWNER_REQUIRED",
                          std::string(what) + " is reserved to the action's owner ('" +
                              action.owner_id + "')" + (managers_too ? " or an ISMS manager" : ""));
}

}  // namespace reviewtrail::domain
