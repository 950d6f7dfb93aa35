#include "reviewtrail/domain/state.h"

#include <algorithm>

#include "reviewtrail/domain/context.h"

namespace reviewtrail::domain {

const DecisionState* ReviewState::FindDecision(const std::string& decision_id) const {
  auto it = std::find_if(decisions.begin(), decisions.end(),
                         [&](const DecisionState& decision) { return decision.id == decision_id; });
  return it == decisions.end() ? nullptr : &*it;
}

std::string StatusName(v1::ActionStatus status) {
  const std::string& name = v1::ActionStatus_Name(status);
  constexpr std::string_view kPrefix = "ACTION_STATUS_";
  return name.starts_with(kPrefix) ? name.substr(kPrefix.size()) : name;
}

bool CommandContext::HasRole(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace reviewtrail::domain
