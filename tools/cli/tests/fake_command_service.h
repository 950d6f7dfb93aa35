#pragma once

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::cli::test_support {

// A CommandService that records each call and answers with a set reply or error status.
class FakeCommandService final : public v1::CommandService::Service {
 public:
  struct Call {
    std::string method;  // e.g. "AssignAction"
    std::string request_bytes;
    std::multimap<std::string, std::string> metadata;

    template <typename Request>
    [[nodiscard]] Request RequestAs() const {
      Request request;
      request.ParseFromString(request_bytes);
      return request;
    }
    [[nodiscard]] std::string Header(const std::string& key) const {
      auto found = metadata.find(key);
      return found == metadata.end() ? "" : found->second;
    }
  };

  void AnswerWith(v1::CommandReply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
    status_ = grpc::Status::OK;
  }
  void FailWith(grpc::Status status) {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
  }
  [[nodiscard]] std::optional<Call> last_call() const {
    std::lock_guard lock(mutex_);
    return last_call_;
  }

  // clang-format off
  grpc::Status RegisterPerson(grpc::ServerContext* c, const v1::RegisterPersonRequest* r, v1::CommandReply* a) override { return Record("RegisterPerson", c, *r, a); }
  grpc::Status DeactivatePerson(grpc::ServerContext* c, const v1::DeactivatePersonRequest* r, v1::CommandReply* a) override { return Record("DeactivatePerson", c, *r, a); }
  grpc::Status RecordReview(grpc::ServerContext* c, const v1::RecordReviewRequest* r, v1::CommandReply* a) override { return Record("RecordReview", c, *r, a); }
  grpc::Status RecordDecision(grpc::ServerContext* c, const v1::RecordDecisionRequest* r, v1::CommandReply* a) override { return Record("RecordDecision", c, *r, a); }
  grpc::Status AssignAction(grpc::ServerContext* c, const v1::AssignActionRequest* r, v1::CommandReply* a) override { return Record("AssignAction", c, *r, a); }
  grpc::Status ReassignAction(grpc::ServerContext* c, const v1::ReassignActionRequest* r, v1::CommandReply* a) override { return Record("ReassignAction", c, *r, a); }
  grpc::Status RescheduleAction(grpc::ServerContext* c, const v1::RescheduleActionRequest* r, v1::CommandReply* a) override { return Record("RescheduleAction", c, *r, a); }
  grpc::Status ReportProgress(grpc::ServerContext* c, const v1::ReportProgressRequest* r, v1::CommandReply* a) override { return Record("ReportProgress", c, *r, a); }
  grpc::Status AttachEvidence(grpc::ServerContext* c, const v1::AttachEvidenceRequest* r, v1::CommandReply* a) override { return Record("AttachEvidence", c, *r, a); }
  grpc::Status RequestClosure(grpc::ServerContext* c, const v1::RequestClosureRequest* r, v1::CommandReply* a) override { return Record("RequestClosure", c, *r, a); }
  grpc::Status ApproveClosure(grpc::ServerContext* c, const v1::ApproveClosureRequest* r, v1::CommandReply* a) override { return Record("ApproveClosure", c, *r, a); }
  grpc::Status RejectClosure(grpc::ServerContext* c, const v1::RejectClosureRequest* r, v1::CommandReply* a) override { return Record("RejectClosure", c, *r, a); }
  grpc::Status CancelAction(grpc::ServerContext* c, const v1::CancelActionRequest* r, v1::CommandReply* a) override { return Record("CancelAction", c, *r, a); }
  grpc::Status RecordReminder(grpc::ServerContext* c, const v1::RecordReminderRequest* r, v1::CommandReply* a) override { return Record("RecordReminder", c, *r, a); }
  grpc::Status RecordEscalation(grpc::ServerContext* c, const v1::RecordEscalationRequest* r, v1::CommandReply* a) override { return Record("RecordEscalation", c, *r, a); }
  // clang-format on

 private:
  grpc::Status Record(const std::string& method, grpc::ServerContext* context,
                      const google::protobuf::Message& request, v1::CommandReply* reply) {
    Call call{method, request.SerializeAsString(), {}};
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()),
                            std::string(value.data(), value.size()));
    }
    std::lock_guard lock(mutex_);
    last_call_ = std::move(call);
    if (!status_.ok()) return status_;
    *reply = reply_;
    return grpc::Status::OK;
  }

  mutable std::mutex mutex_;
  v1::CommandReply reply_;
  grpc::Status status_;
  std::optional<Call> last_call_;
};

// The fake served in-process on a free loopback port.
class FakeServer {
 public:
  FakeServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() { server_->Shutdown(); }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  FakeCommandService& service() { return service_; }

 private:
  FakeCommandService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace reviewtrail::cli::test_support
