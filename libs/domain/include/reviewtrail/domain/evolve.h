#pragma once

#include "reviewtrail/domain/state.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::domain {

// evolve(state, event) -> state, per aggregate. Payloads that do not concern the aggregate (or that
// this build does not know) leave it unchanged, except that its version follows the envelope.
void Evolve(PersonState& person, const v1::EventEnvelope& event);
void Evolve(ReviewState& review, const v1::EventEnvelope& event);
void Evolve(ActionState& action, const v1::EventEnvelope& event);
void Evolve(TenantClockState& clock, const v1::EventEnvelope& event);

// The record an event created or changed: its decision, its evidence, or else its aggregate.
[[nodiscard]] std::string EntityIdOf(const v1::EventEnvelope& event);

}  // namespace reviewtrail::domain
