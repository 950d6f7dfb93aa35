#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reviewtrail/domain/context.h"
#include "reviewtrail/domain/error.h"
#include "reviewtrail/domain/state_view.h"
#include "reviewtrail/v1/commands.pb.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::domain {

// What an accepted command produces: the events to append, all for one aggregate, numbered from
// its current version + 1. Ids (aggregate, event, evidence) derive from tenant + command id, so a
// retried command yields the same ids.
struct Decision {
  v1::AggregateType aggregate_type = v1::AGGREGATE_TYPE_UNSPECIFIED;
  std::string aggregate_id;
  int64_t version = 0;  // the aggregate's version after the events
  std::vector<v1::EventEnvelope> events;
};

// decide(state, command, context) -> events | error. Pure: no I/O, no clock.
// Checks run in this order, so the most useful error wins: role, input, existence, ownership,
// expected_version, lifecycle and business rules.
Result<Decision> Decide(const StateView& state, const v1::RegisterPersonRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::DeactivatePersonRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RecordReviewRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RecordDecisionRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::AssignActionRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::ReassignActionRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RescheduleActionRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::ReportProgressRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::AttachEvidenceRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RequestClosureRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::ApproveClosureRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RejectClosureRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::CancelActionRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RecordReminderRequest& command,
                        const CommandContext& context);
Result<Decision> Decide(const StateView& state, const v1::RecordEscalationRequest& command,
                        const CommandContext& context);

}  // namespace reviewtrail::domain
