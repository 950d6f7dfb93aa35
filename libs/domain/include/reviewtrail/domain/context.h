#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
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
  Micros now = 0;  // UTC, the real time (events record it)
  // The tenant's calendar day: of `now` plus its test clock's advance, in its time zone
  // (TenantDay in tenant_clock.h).
  CivilDate today;
  absl::TimeZone time_zone = absl::UTCTimeZone();  // the tenant's
  bool sandbox = false;  // the server runs the tenant as a sandbox (test clock allowed)
  std::string correlation_id;
  std::string causation_id;
  // The request's fingerprint (EventEnvelope.command_fingerprint), computed by the service edge;
  // recorded on every event so that a reused command id is recognised after any restart.
  std::string command_fingerprint;
  std::string traceparent;  // W3C trace context of the request, copied onto every event

  [[nodiscard]] bool HasRole(v1::Role role) const;
};

}  // namespace reviewtrail::domain
