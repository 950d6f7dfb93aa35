#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/followup/planner.h"
#include "reviewtrail/notifier/token_source.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::notifier {

// How the command service answered a RecordReminder / RecordEscalation.
struct RecordOutcome {
  enum class Result {
    kRecorded,  // accepted now, or earlier under the same command id (the original reply)
    kRefused,   // a rule refused it for good (e.g. ACTION_FINAL, RECIPIENT_NOT_PERSON)
    kRetry,     // not decided: unavailable, timed out, a version race, or NOT_OVERDUE by the
                // service's clock; try again later
  };
  Result result = Result::kRetry;
  v1::CommandReply reply;  // when recorded
  std::string reason;      // the rule (PreconditionFailure type) or the status, otherwise
};

// Records follow-ups through reviewtrail.v1.CommandService as the `service` principal of the
// action's tenant. Thread-safe (the stub and the token source are).
class FollowUpRecorder {
 public:
  FollowUpRecorder(std::shared_ptr<v1::CommandService::StubInterface> stub, TokenSource& tokens,
                   std::chrono::milliseconds deadline)
      : stub_(std::move(stub)), tokens_(tokens), deadline_(deadline) {}

  [[nodiscard]] RecordOutcome Record(const std::string& tenant_id, const std::string& action_id,
                                     const followup::Notification& notification,
                                     v1::NotificationChannel channel);

 private:
  std::shared_ptr<v1::CommandService::StubInterface> stub_;
  TokenSource& tokens_;
  std::chrono::milliseconds deadline_;
};

}  // namespace reviewtrail::notifier
