#include "command_mix.h"

#include <chrono>

namespace reviewtrail::tools {
namespace {

constexpr int kSteps = 5;

google::type::Date NextYear() {
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  google::type::Date date;
  date.set_year(static_cast<int>(today.year()) + 1);
  date.set_month(1);
  date.set_day(31);
  return date;
}

}  // namespace

CommandMix::CommandMix(v1::CommandService::StubInterface& stub, std::string caller,
                       std::string decision_id, std::string owner_id, std::string manager_token,
                       std::string owner_token)
    : stub_(stub),
      caller_(std::move(caller)),
      decision_id_(std::move(decision_id)),
      owner_id_(std::move(owner_id)),
      manager_token_(std::move(manager_token)),
      owner_token_(std::move(owner_token)) {}

grpc::Status CommandMix::Next() { return Send(static_cast<int>(sequence_++ % kSteps)); }

grpc::Status CommandMix::Send(int step) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  context.AddMetadata("authorization",
                      "Bearer " + ((step == 0 || step == 4) ? manager_token_ : owner_token_));
  const std::string command_id = caller_ + "-" + std::to_string(sequence_);
  v1::CommandReply& reply = reply_;
  reply.Clear();
  switch (step) {
    case 0: {
      v1::AssignActionRequest request;
      request.set_command_id(command_id);
      request.set_decision_id(decision_id_);
      request.set_title("Review supplier access rights");
      request.set_expected_outcome("Only current suppliers keep access");
      request.set_completion_criteria("Access review signed off by the CISO");
      request.set_owner_id(owner_id_);
      *request.mutable_due_date() = NextYear();
      grpc::Status status = stub_.AssignAction(&context, request, &reply);
      if (status.ok()) action_id_ = reply.aggregate_id();
      return status;
    }
    case 1: {
      v1::ReportProgressRequest request;
      request.set_command_id(command_id);
      request.set_action_id(action_id_);
      request.set_note("Half of the suppliers reviewed");
      request.set_percent_complete(50);
      return stub_.ReportProgress(&context, request, &reply);
    }
    case 2: {
      v1::AttachEvidenceRequest request;
      request.set_command_id(command_id);
      request.set_action_id(action_id_);
      request.set_kind(v1::EVIDENCE_KIND_APPROVAL_MINUTES);
      request.set_uri("https://dms.example/access-review.pdf");
      request.set_sha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
      request.set_size_bytes(48213);
      request.set_media_type("application/pdf");
      return stub_.AttachEvidence(&context, request, &reply);
    }
    case 3: {
      v1::RequestClosureRequest request;
      request.set_command_id(command_id);
      request.set_action_id(action_id_);
      return stub_.RequestClosure(&context, request, &reply);
    }
    default: {
      v1::ApproveClosureRequest request;
      request.set_command_id(command_id);
      request.set_action_id(action_id_);
      return stub_.ApproveClosure(&context, request, &reply);
    }
  }
}

}  // namespace reviewtrail::tools
