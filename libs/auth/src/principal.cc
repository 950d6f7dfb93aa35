#include "reviewtrail/auth/principal.h"

#include <algorithm>
#include <array>
#include <utility>

namespace reviewtrail::auth {
namespace {

constexpr std::array<std::pair<v1::Role, std::string_view>, 5> kRoleNames = {{
    {v1::ROLE_ISMS_MANAGER, "isms_manager"},
    {v1::ROLE_ACTION_OWNER, "action_owner"},
    {v1::ROLE_AUDITOR, "auditor"},
    {v1::ROLE_SERVICE, "service"},
    {v1::ROLE_SUBSCRIBER, "subscriber"},
}};

}  // namespace

bool Principal::HasRole(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view RoleName(v1::Role role) {
  for (const auto& [value, name] : kRoleNames) {
    if (value == role) return name;
  }
  return {};
}

std::optional<v1::Role> RoleFromName(std::string_view name) {
  for (const auto& [value, role_name] : kRoleNames) {
    if (role_name == name) return value;
  }
  return std::nullopt;
}

}  // namespace reviewtrail::auth
