#pragma once

// Checks shared by every command that targets an existing action.

#include <optional>
#include <string>
#include <string_view>

#include "decide_support.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/domain/state_view.h"

namespace reviewtrail::domain {

// The action, or NOT_FOUND, or a version conflict with the command's expected_version.
template <typename Command>
Result<const ActionState*> FindActionForCommand(const StateView& state, const std::string& id,
                                                const Command& command) {
  const ActionState* action = state.FindAction(id);
  if (action == nullptr) return NotFound(ActionName(id), "action '" + id + "' does not exist");
  if (auto conflict =
          CheckExpectedVersion(command.has_expected_version(), command.expected_version(),
                               action->version, ActionName(id))) {
    return *conflict;
  }
  return action;
}

// FAILED_PRECONDITION ACTION_FINAL naming the state when the action is closed or cancelled: the
// one rule name every command answers for a final action.
[[nodiscard]] std::optional<DomainError> RequireNotFinal(const ActionState& action,
                                                         std::string_view verb);

// FAILED_PRECONDITION naming the state unless the action is in `expected` (none of them final):
// ACTION_FINAL when the action is closed or cancelled, otherwise ACTION_STATE.
[[nodiscard]] std::optional<DomainError> RequireStatus(
    const ActionState& action, std::initializer_list<v1::ActionStatus> expected,
    std::string_view verb);

// PERMISSION_DENIED unless the actor owns the action (and holds action_owner or isms_manager),
// or, when `managers_too`, is an ISMS manager.
[[nodiscard]] std::optional<DomainError> RequireOwner(const ActionState& action,
                                                      const CommandContext& context,
                                                      bool managers_too, std::string_view what);

}  // namespace reviewtrail::domain
