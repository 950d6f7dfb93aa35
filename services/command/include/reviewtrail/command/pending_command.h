#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "reviewtrail/domain/context.h"
#include "reviewtrail/domain/decide.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/v1/commands.pb.h"

namespace reviewtrail::command {

// How a command ended: accepted (or a retry of an accepted one), refused by a rule, or failed for
// want of the log or the store (nothing was acknowledged; retrying with the same id is safe).
using CommandOutcome = std::variant<v1::CommandReply, domain::DomainError, absl::Status>;

// A command waiting for the writer of its tenant's partition. `decide` runs on the thread holding
// that writer (its own thread, or the SubmitOrRun() caller that found it idle) against the tenant's
// current state; `done` is called exactly once, on that same thread.
struct PendingCommand {
  std::string command_id;
  domain::CommandContext context;  // holds the tenant id
  // Not decided after this instant (the caller's gRPC deadline, or the longest the service lets a
  // command wait): answered DEADLINE_EXCEEDED with nothing recorded, so a backlog never records
  // what its callers gave up on. A command id already answered still gets its answer.
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  std::function<domain::Result<domain::Decision>(const domain::StateView&,
                                                 const domain::CommandContext&)>
      decide;
  std::function<void(CommandOutcome)> done;
};

// Wraps a typed request into the decide function of a PendingCommand. The request must outlive the
// command's completion (gRPC keeps it until the reactor finishes).
template <typename Request>
auto DecideWith(const Request& request) {
  return [&request](const domain::StateView& state, const domain::CommandContext& context) {
    return domain::Decide(state, request, context);
  };
}

}  // namespace reviewtrail::command
