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
#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"

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

// Builds a tenant's events as the command service would record them, one minute apart on a fake
// clock, with aggregate versions counted per aggregate.
class EventFactory {
 public:
  EventFactory(runtime::FakeClock& clock, std::string tenant)
      : clock_(clock), tenant_(std::move(tenant)) {}

  v1::EventEnvelope Review(const std::string& review_id, const std::string& title) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_REVIEW, review_id, "ivan");
    auto* held = event.mutable_review_held();
    held->set_review_id(review_id);
    held->set_title(title);
    held->mutable_held_on()->set_year(2026);
    held->mutable_held_on()->set_month(11);
    held->mutable_held_on()->set_day(20);
    held->set_chair_id("ivan");
    held->add_attendee_ids("olga");
    held->add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    return event;
  }
  v1::EventEnvelope Decision(const std::string& review_id, const std::string& decision_id,
                             const std::string& summary) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_REVIEW, review_id, "ivan");
    auto* decision = event.mutable_decision_recorded();
    decision->set_review_id(review_id);
    decision->set_decision_id(decision_id);
    decision->set_summary(summary);
    decision->set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    return event;
  }
  v1::EventEnvelope Assign(const std::string& review_id, const std::string& decision_id,
                           const std::string& action_id, const std::string& title,
                           const std::string& owner, int due_day) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "ivan");
    auto* assigned = event.mutable_action_assigned();
    assigned->set_action_id(action_id);
    assigned->set_review_id(review_id);
    assigned->set_decision_id(decision_id);
    assigned->set_title(title);
    assigned->set_completion_criteria("signed attendance list");
    assigned->set_owner_id(owner);
    assigned->mutable_due_date()->set_year(2026);
    assigned->mutable_due_date()->set_month(12);
    assigned->mutable_due_date()->set_day(due_day);
    return event;
  }
  v1::EventEnvelope Progress(const std::string& action_id, const std::string& actor,
                             const std::string& note, int percent) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, actor);
    event.mutable_progress_reported()->set_action_id(action_id);
    event.mutable_progress_reported()->set_note(note);
    event.mutable_progress_reported()->set_percent_complete(percent);
    return event;
  }
  v1::EventEnvelope Evidence(const std::string& action_id, const std::string& evidence_id,
                             const std::string& sha256) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "olga");
    auto* evidence = event.mutable_evidence_attached();
    evidence->set_action_id(action_id);
    evidence->set_evidence_id(evidence_id);
    evidence->set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
    evidence->set_description("attendance, Zoë's team");
    evidence->set_uri("https://dms.example/" + evidence_id);
    evidence->set_sha256(sha256);
    evidence->set_size_bytes(2048);
    evidence->set_media_type("application/pdf");
    return event;
  }
  v1::EventEnvelope RequestClosure(const std::string& action_id, const std::string& evidence_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "olga");
    event.mutable_closure_requested()->set_action_id(action_id);
    event.mutable_closure_requested()->add_evidence_ids(evidence_id);
    return event;
  }
  v1::EventEnvelope Approve(const std::string& action_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "ivan");
    event.mutable_closure_approved()->set_action_id(action_id);
    event.mutable_closure_approved()->set_note("evidence matches");
    return event;
  }
  v1::EventEnvelope Remind(const std::string& action_id) {
    v1::EventEnvelope event = Envelope(v1::AGGREGATE_TYPE_ACTION, action_id, "notifier");
    auto* reminder = event.mutable_reminder_sent();
    reminder->set_action_id(action_id);
    reminder->set_recipient_id("olga");
    reminder->set_channel(v1::NOTIFICATION_CHANNEL_EMAIL);
    reminder->set_days_before_due(7);
    return event;
  }

 private:
  v1::EventEnvelope Envelope(v1::AggregateType type, const std::string& id,
                             const std::string& actor) {
    using google::protobuf::util::TimeUtil;
    clock_.Advance(std::chrono::minutes(1));
    const int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
            .count();
    v1::EventEnvelope event;
    event.set_event_id(tenant_ + "-evt-" + std::to_string(++events_));
    event.set_tenant_id(tenant_);
    event.set_aggregate_type(type);
    event.set_aggregate_id(id);
    event.set_aggregate_version(++versions_[id]);
    *event.mutable_occurred_at() = TimeUtil::MicrosecondsToTimestamp(micros);
    *event.mutable_recorded_at() = TimeUtil::MicrosecondsToTimestamp(micros + 250);
    event.mutable_actor()->set_person_id(actor);
    event.mutable_actor()->add_roles(actor == "notifier" ? v1::ROLE_SERVICE
                                     : actor == "ivan"   ? v1::ROLE_ISMS_MANAGER
                                                         : v1::ROLE_ACTION_OWNER);
    event.set_command_id("cmd-" + std::to_string(events_));
    return event;
  }

  runtime::FakeClock& clock_;
  std::string tenant_;
  int events_ = 0;
  std::map<std::string, int64_t> versions_;
};

// A real audit service over a real embedded log in a temp dir, served by a real gRPC server on a
// loopback port chosen by the kernel, with a fake clock at 2026-11-23T09:00Z.
class AuditServiceTest : public ::testing::Test {
 protected:
  static constexpr auto kStart =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9};

  AuditServiceTest() : clock_(kStart), acme_(clock_, "acme") {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_ = *auth::GenerateSigningKey();
    auth::VerifierConfig config;
    config.keys.push_back(auth::ToVerificationKey(key_));
    verifier_ = std::make_unique<auth::TokenVerifier>(*auth::TokenVerifier::Create(config));
    auto log = eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 4});
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    StartService();
  }

  ~AuditServiceTest() override {
    StopService();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string StorePath() const { return (dir_ / "audit").string(); }

  void StartService(size_t chunk_bytes = 64 * 1024, size_t request_threads = 0) {
    registry_ = std::make_shared<prometheus::Registry>();
    auto service = AuditService::Start(*log_, *verifier_, clock_, *registry_,
                                       {.store_path = StorePath(),
                                        .max_batch = 7,
                                        .export_chunk_bytes = chunk_bytes,
                                        .request_threads = request_threads});
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
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
    auto token = auth::MintToken(key_, auth::Principal{tenant, person, std::move(roles)},
                                 clock_.Now(), std::chrono::hours(24), "reviewtrail-test");
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
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

  std::filesystem::path dir_;
  runtime::FakeClock clock_;
  EventFactory acme_;
  auth::SigningKey key_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<AuditService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuditService::Stub> stub_;
};

}  // namespace reviewtrail::audit_service::testing
