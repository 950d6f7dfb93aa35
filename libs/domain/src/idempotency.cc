#include "reviewtrail/domain/idempotency.h"

#include "decide_support.h"

namespace reviewtrail::domain {

std::string_view CommandRecording(v1::EventEnvelope::PayloadCase payload) {
  using Envelope = v1::EventEnvelope;
  switch (payload) {
    case Envelope::kPersonRegistered:
      return "RegisterPerson";
    case Envelope::kPersonDeactivated:
      return "DeactivatePerson";
    case Envelope::kReviewHeld:
      return "RecordReview";
    case Envelope::kDecisionRecorded:
      return "RecordDecision";
    case Envelope::kActionAssigned:
      return "AssignAction";
    case Envelope::kActionOwnerChanged:
      return "ReassignAction";
    case Envelope::kActionDeadlineChanged:
      return "RescheduleAction";
    case Envelope::kProgressReported:
      return "ReportProgress";
    case Envelope::kEvidenceAttached:
      return "AttachEvidence";
    case Envelope::kClosureRequested:
      return "RequestClosure";
    case Envelope::kClosureApproved:
      return "ApproveClosure";
    case Envelope::kClosureRejected:
      return "RejectClosure";
    case Envelope::kActionCancelled:
      return "CancelAction";
    case Envelope::kReminderSent:
      return "RecordReminder";
    case Envelope::kEscalationRaised:
      return "RecordEscalation";
    case Envelope::kTestClockAdvanced:
      return "AdvanceTestClock";
    case Envelope::PAYLOAD_NOT_SET:
      break;
  }
  return {};
}

CommandOrigin OriginOf(const v1::EventEnvelope& event) {
  CommandOrigin origin;
  origin.fingerprint = event.command_fingerprint();
  origin.command = std::string(CommandRecording(event.payload_case()));
  switch (event.aggregate_type()) {
    case v1::AGGREGATE_TYPE_PERSON:
      origin.subject = PersonName(event.aggregate_id());
      break;
    case v1::AGGREGATE_TYPE_REVIEW:
      origin.subject = ReviewName(event.aggregate_id());
      break;
    case v1::AGGREGATE_TYPE_ACTION:
      origin.subject = ActionName(event.aggregate_id());
      break;
    default:
      origin.subject = event.aggregate_id();
      break;
  }
  return origin;
}

std::optional<DomainError> CheckRetry(const CommandOrigin& first, std::string_view command_id,
                                      std::string_view fingerprint) {
  if (first.fingerprint.empty() || fingerprint.empty() || first.fingerprint == fingerprint) {
    return std::nullopt;
  }
  const std::string original =
      (first.command.empty() ? std::string("a command") : first.command) + " on " + first.subject;
  DomainError error;
  error.code = ErrorCode::kInvalidArgument;
  error.rule = "IDEMPOTENCY_KEY_REUSED";
  error.subject = first.subject;
  error.metadata = {{"original_command", first.command}};
  error.message = "command_id '" + std::string(command_id) + "' was already used for " + original +
                  " with a different request";
  error.violations.push_back(
      {"command_id", "was already used for " + original +
                         " with a different request; a retry must repeat the original request "
                         "exactly, a new command needs a new command_id"});
  return error;
}

}  // namespace reviewtrail::domain
