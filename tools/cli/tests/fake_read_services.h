#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::cli::test_support {

// One call a fake received: the method, the request and the metadata.
struct ReadCall {
  std::string method;  // e.g. "ListActions"
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

// Records every call and answers unary ones with the handler set for the method (none: OK with an
// empty response); ExportAuditLog writes the set messages, then ends with the set status.
class CallLog {
 public:
  using Handler =
      std::function<grpc::Status(const google::protobuf::Message&, google::protobuf::Message*)>;

  void Handle(const std::string& method, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[method] = std::move(handler);
  }
  // Answers `method` with `response` (or fails with `status`).
  template <typename Response>
  void AnswerWith(const std::string& method, Response response) {
    Handle(method, [response](const google::protobuf::Message&, google::protobuf::Message* out) {
      out->CopyFrom(response);
      return grpc::Status::OK;
    });
  }
  void FailWith(const std::string& method, grpc::Status status) {
    Handle(method, [status](const google::protobuf::Message&, google::protobuf::Message*) {
      return status;
    });
  }
  [[nodiscard]] std::vector<ReadCall> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

  grpc::Status Record(const std::string& method, grpc::ServerContext* context,
                      const google::protobuf::Message& request,
                      google::protobuf::Message* response) {
    ReadCall call{method, request.SerializeAsString(), {}};
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()),
                            std::string(value.data(), value.size()));
    }
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(std::move(call));
      auto found = handlers_.find(method);
      if (found != handlers_.end()) handler = found->second;
    }
    return handler ? handler(request, response) : grpc::Status::OK;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Handler> handlers_;
  std::vector<ReadCall> calls_;
};

// clang-format off
class FakeQueryService final : public v1::QueryService::Service {
 public:
  explicit FakeQueryService(CallLog& log) : log_(log) {}
  grpc::Status GetAction(grpc::ServerContext* c, const v1::GetActionRequest* r, v1::ActionDetail* a) override { return log_.Record("GetAction", c, *r, a); }
  grpc::Status ListActions(grpc::ServerContext* c, const v1::ListActionsRequest* r, v1::ListActionsResponse* a) override { return log_.Record("ListActions", c, *r, a); }
  grpc::Status GetReview(grpc::ServerContext* c, const v1::GetReviewRequest* r, v1::ReviewView* a) override { return log_.Record("GetReview", c, *r, a); }
  grpc::Status ListReviews(grpc::ServerContext* c, const v1::ListReviewsRequest* r, v1::ListReviewsResponse* a) override { return log_.Record("ListReviews", c, *r, a); }
  grpc::Status ListPersons(grpc::ServerContext* c, const v1::ListPersonsRequest* r, v1::ListPersonsResponse* a) override { return log_.Record("ListPersons", c, *r, a); }
  grpc::Status GetDashboard(grpc::ServerContext* c, const v1::GetDashboardRequest* r, v1::Dashboard* a) override { return log_.Record("GetDashboard", c, *r, a); }
  grpc::Status GetReviewInputPack(grpc::ServerContext* c, const v1::GetReviewInputPackRequest* r, v1::ReviewInputPack* a) override { return log_.Record("GetReviewInputPack", c, *r, a); }
  grpc::Status CheckAuditReadiness(grpc::ServerContext* c, const v1::CheckAuditReadinessRequest* r, v1::AuditReadinessReport* a) override { return log_.Record("CheckAuditReadiness", c, *r, a); }
  grpc::Status GetPerson(grpc::ServerContext* c, const v1::GetPersonRequest* r, v1::PersonView* a) override { return log_.Record("GetPerson", c, *r, a); }

 private:
  CallLog& log_;
};
// clang-format on

class FakeAuditService final : public v1::AuditService::Service {
 public:
  explicit FakeAuditService(CallLog& log) : log_(log) {}

  // What ExportAuditLog streams, then the status it ends with.
  void StreamOnExport(std::vector<v1::ExportAuditLogResponse> messages, grpc::Status end) {
    std::lock_guard lock(mutex_);
    export_messages_ = std::move(messages);
    export_end_ = std::move(end);
  }

  grpc::Status ExportAuditLog(grpc::ServerContext* context,
                              const v1::ExportAuditLogRequest* request,
                              grpc::ServerWriter<v1::ExportAuditLogResponse>* writer) override {
    v1::ExportAuditLogResponse unused;
    log_.Record("ExportAuditLog", context, *request, &unused);
    std::lock_guard lock(mutex_);
    for (const auto& message : export_messages_) writer->Write(message);
    return export_end_;
  }
  grpc::Status VerifyAuditLog(grpc::ServerContext* c, const v1::VerifyAuditLogRequest* r,
                              v1::VerifyAuditLogResponse* a) override {
    return log_.Record("VerifyAuditLog", c, *r, a);
  }
  grpc::Status GetStateAsOf(grpc::ServerContext* c, const v1::GetStateAsOfRequest* r,
                            v1::GetStateAsOfResponse* a) override {
    return log_.Record("GetStateAsOf", c, *r, a);
  }
  grpc::Status ExportAuditPack(grpc::ServerContext* c, const v1::ExportAuditPackRequest* r,
                               v1::ExportAuditPackResponse* a) override {
    return log_.Record("ExportAuditPack", c, *r, a);
  }

 private:
  CallLog& log_;
  std::mutex mutex_;
  std::vector<v1::ExportAuditLogResponse> export_messages_;
  grpc::Status export_end_;
};

// Both fakes served in-process on a free loopback port, as the all-in-one server serves them.
class FakeReadServer {
 public:
  FakeReadServer() : query_(log_), audit_(log_) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&query_);
    builder.RegisterService(&audit_);
    server_ = builder.BuildAndStart();
  }
  ~FakeReadServer() { server_->Shutdown(); }
  FakeReadServer(const FakeReadServer&) = delete;
  FakeReadServer& operator=(const FakeReadServer&) = delete;

  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  CallLog& log() { return log_; }
  FakeAuditService& audit() { return audit_; }

 private:
  CallLog log_;
  FakeQueryService query_;
  FakeAuditService audit_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace reviewtrail::cli::test_support
