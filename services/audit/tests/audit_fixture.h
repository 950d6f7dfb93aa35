#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "loopback_server.h"
#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"
#include "temp_dir.h"
#include "test_events.h"
#include "test_keys.h"

namespace reviewtrail::audit_service::testing {

// Runs a command and returns its exit status and standard output.
inline std::pair<int, std::string> RunShell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline void WriteFile(const std::filesystem::path& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// The trailer as the reference script reads it: JSON with the proto field names.
inline std::string TrailerJson(const v1::ExportTrailer& trailer) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(trailer, &json, options).ok());
  return json;
}

#ifdef REVIEWTRAIL_AUDIT_VERIFY_SCRIPT
// The reference script (services/audit/tests/verify_export.py) run on an export and its trailer.
inline std::pair<int, std::string> RunVerifyScript(const std::filesystem::path& dir,
                                                   const std::string& data, bool csv,
                                                   const v1::ExportTrailer& trailer,
                                                   const std::string& flags = "") {
  const std::string file = (dir / (csv ? "export.csv" : "export.jsonl")).string();
  const std::string trailer_file = (dir / "trailer.json").string();
  WriteFile(file, data);
  WriteFile(trailer_file, TrailerJson(trailer));
  return RunShell(std::string("/usr/bin/python3 ") + REVIEWTRAIL_AUDIT_VERIFY_SCRIPT + " " + file +
                  " " + trailer_file + (flags.empty() ? "" : " " + flags));
}
#endif

using audit::testing::EventFactory;

// A real audit service over a real embedded log in a temp dir, served by a real gRPC server on a
// loopback port chosen by the kernel, with a fake clock at 2026-11-23T09:00Z (the temp dir, keys
// and server from tests/support).
class AuditServiceTest : public ::testing::Test {
 protected:
  static constexpr auto kStart =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9};

  AuditServiceTest() : clock_(kStart), acme_(clock_, "acme") {
    auto log = eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 4});
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    StartService();
  }

  ~AuditServiceTest() override {
    StopService();
    log_.reset();
  }

  std::string StorePath() const { return (dir_ / "audit").string(); }

  void StartService(size_t chunk_bytes = 64 * 1024, size_t request_threads = 0) {
    registry_ = std::make_shared<prometheus::Registry>();
    auto service = AuditService::Start(*log_, keys_.verifier(), clock_, *registry_,
                                       {.store_path = StorePath(),
                                        .max_batch = 7,
                                        .export_chunk_bytes = chunk_bytes,
                                        .request_threads = request_threads});
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    server_ = std::make_unique<::reviewtrail::testing::LoopbackServer>(
        std::vector<grpc::Service*>{service_.get()});
    channel_ = server_->channel();
    stub_ = v1::AuditService::NewStub(channel_);
  }

  void StopService() {
    if (server_) server_->Shutdown();
    if (service_) service_->Stop();
    server_.reset();
    service_.reset();
  }

  // Appends the events (one tenant) and waits until the audit log applied them.
  eventlog::Position Append(const std::vector<v1::EventEnvelope>& events) {
    auto positions = log_->Append(events.front().tenant_id(), events);
    EXPECT_TRUE(positions.ok()) << positions.status();
    const eventlog::Position last = positions->back();
    EXPECT_TRUE(
        service_->WaitFor(last, std::chrono::steady_clock::now() + std::chrono::seconds(20)));
    return last;
  }

  std::string Token(const std::string& person, std::vector<v1::Role> roles,
                    const std::string& tenant = "acme") {
    return keys_.Token(tenant, person, std::move(roles), clock_.Now());
  }
  std::string Auditor() { return Token("alice", {v1::ROLE_AUDITOR}); }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::AuditService::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                    const Request& request, Response* response, const std::string& token) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub_.get()->*method)(&context, request, response);
  }

  v1::VerifyAuditLogResponse Verify(int64_t from = 0, int64_t to = 0) {
    v1::VerifyAuditLogRequest request;
    request.set_from_sequence(from);
    request.set_to_sequence(to);
    v1::VerifyAuditLogResponse response;
    const grpc::Status status =
        Call(&v1::AuditService::Stub::VerifyAuditLog, request, &response, Auditor());
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  struct Export {
    grpc::Status status;
    std::string data;
    v1::ExportTrailer trailer;
    int messages = 0;
  };
  Export ExportLog(const v1::ExportAuditLogRequest& request, const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto reader = stub_->ExportAuditLog(&context, request);
    Export out;
    v1::ExportAuditLogResponse message;
    while (reader->Read(&message)) {
      ++out.messages;
      if (message.has_trailer()) {
        out.trailer = message.trailer();
      } else {
        out.data += message.data();
      }
    }
    out.status = reader->Finish();
    return out;
  }

  static google::rpc::BadRequest BadRequestOf(const grpc::Status& status) {
    google::rpc::Status details;
    details.ParseFromString(status.error_details());
    google::rpc::BadRequest bad_request;
    for (const auto& detail : details.details()) {
      if (detail.UnpackTo(&bad_request)) break;
    }
    return bad_request;
  }

  ::reviewtrail::testing::TempDir temp_{"audit-test"};
  std::filesystem::path dir_{temp_.path()};
  runtime::FakeClock clock_;
  EventFactory acme_;
  ::reviewtrail::testing::TestKeys keys_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<AuditService> service_;
  std::unique_ptr<::reviewtrail::testing::LoopbackServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

}  // namespace reviewtrail::audit_service::testing
