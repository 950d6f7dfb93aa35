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

// Which aggregate an event touches, read from its payload (every reader of the log, the write model
// excepted, asks these): the action it concerns, or empty for person, review and tenant events and
// unknown payloads.
[[nodiscard]] std::string ActionIdOf(const v1::EventEnvelope& event);
// The review an event names itself (ReviewHeld, DecisionRecorded, ActionAssigned), or empty.
[[nodiscard]] std::string ReviewIdOf(const v1::EventEnvelope& event);

// The action lifecycle: the status an action has after `event`, given its status before (the
// status before an ActionAssigned is ignored). Every fold of an action (the write model's state,
// the query view) takes its status from here.
//   open ──progress/evidence──▶ in_progress ──request──▶ closure_requested ──approve──▶ closed
//                                    ▲                          │
//                                    └─────────reject───────────┘
//   any non-final ──cancel──▶ cancelled          (closed and cancelled are final)
[[nodiscard]] v1::ActionStatus StatusAfter(v1::ActionStatus before, const v1::EventEnvelope& event);

}  // namespace reviewtrail::domain
