#pragma once

#include <string>
#include <vector>

#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::domain {

// Everything a decision needs besides state and command. Built by the service edge from the
// authenticated principal and the injected clock; the domain never reads a clock itself.
struct CommandContext {
  std::string tenant_id;
  std::string actor_id;  // the principal's subject (a person id for people)
  std::vector<v1::Role> roles;
  Micros now = 0;   // UTC
  CivilDate today;  // the calendar day of `now` in the tenant's time zone
  std::string correlation_id;
  std::string causation_id;
  std::string traceparent;  // W3C trace context of the request, copied onto every event

  [[nodiscard]] bool HasRole(v1::Role role) const;
};

}  // namespace reviewtrail::domain
