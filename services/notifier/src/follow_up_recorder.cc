#include "follow_up_recorder.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::notifier {
namespace {

// The rule of a FAILED_PRECONDITION (its PreconditionFailure type), empty when absent.
std::string PreconditionRule(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& any : details.details()) {
    google::rpc::PreconditionFailure failure;
    if (any.UnpackTo(&failure) && failure.violations_size() > 0) {
      return failure.violations(0).type();
    }
  }
  return "";
}

RecordOutcome Classify(const grpc::Status& status, v1::CommandReply reply) {
  RecordOutcome outcome;
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      outcome.result = RecordOutcome::Result::kRecorded;
      outcome.reply = std::move(reply);
      return outcome;
    case grpc::StatusCode::FAILED_PRECONDITION: {
      outcome.reason = PreconditionRule(status);
      if (outcome.reason.empty()) outcome.reason = "FAILED_PRECONDITION";
      // The service's "today" may trail ours by a moment: an escalation is retried, not dropped.
      outcome.result = outcome.reason == "NOT_OVERDUE" ? RecordOutcome::Result::kRetry
                                                       : RecordOutcome::Result::kRefused;
      return outcome;
    }
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::ALREADY_EXISTS:
      outcome.result = RecordOutcome::Result::kRefused;
      break;
    default:  // UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED, UNAUTHENTICATED, ...
      outcome.result = RecordOutcome::Result::kRetry;
      break;
  }
  outcome.reason = "grpc code " + std::to_string(static_cast<int>(status.error_code())) + ": " +
                   status.error_message();
  return outcome;
}

}  // namespace

RecordOutcome FollowUpRecorder::Record(const std::string& tenant_id, const std::string& action_id,
                                       const followup::Notification& notification,
                                       v1::NotificationChannel channel) {
  absl::StatusOr<std::string> token = tokens_.TokenFor(tenant_id);
  if (!token.ok()) {
    return RecordOutcome{.result = RecordOutcome::Result::kRetry,
                         .reason = "no token: " + token.status().ToString()};
  }
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + *token);
  // A gRPC deadline is transport plumbing, not logic: it uses the real clock.
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  v1::CommandReply reply;
  grpc::Status status;
  if (notification.kind == followup::Kind::kReminder) {
    v1::RecordReminderRequest request;
    request.set_command_id(notification.command_id);
    request.set_action_id(action_id);
    request.set_recipient_id(notification.recipient_id);
    request.set_channel(channel);
    request.set_days_before_due(notification.days);
    status = stub_->RecordReminder(&context, request, &reply);
  } else {
    v1::RecordEscalationRequest request;
    request.set_command_id(notification.command_id);
    request.set_action_id(action_id);
    request.set_level(notification.level);
    request.set_recipient_id(notification.recipient_id);
    request.set_channel(channel);
    request.set_days_overdue(notification.days);
    status = stub_->RecordEscalation(&context, request, &reply);
  }
  return Classify(status, std::move(reply));
}

}  // namespace reviewtrail::notifier
