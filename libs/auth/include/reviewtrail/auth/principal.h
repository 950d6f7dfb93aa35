#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::auth {

// Who is calling: the subject of a verified bearer token, within one tenant. A plain value.
struct Principal {
  std::string tenant_id;
  std::string person_id;  // the token's `sub`
  std::vector<v1::Role> roles;

  [[nodiscard]] bool HasRole(v1::Role role) const;
};

// The claim-format name of a role ("isms_manager", "action_owner", "auditor", "service",
// "subscriber"); empty
// for ROLE_UNSPECIFIED and for values this build does not know.
[[nodiscard]] std::string_view RoleName(v1::Role role);

// The role a claim-format name stands for; nullopt for any other string (matching is exact).
[[nodiscard]] std::optional<v1::Role> RoleFromName(std::string_view name);

}  // namespace reviewtrail::auth
