#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <memory>
#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"

namespace reviewtrail::command::testing {

// A real command service over a real embedded log in a temp dir, served by a real gRPC server on
// a loopback port chosen by the kernel, with a fake clock at 2026-11-23T09:00Z.
class CommandServiceTest : public ::testing::Test {
 protected:
  static constexpr auto kStart =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours{9};

  CommandServiceTest() : clock_(kStart) {
    dir_ = std::filesystem::temp_directory_path() /
           ("command-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_ = *auth::GenerateSigningKey();
    auth::VerifierConfig config;
    config.keys.push_back(auth::ToVerificationKey(key_));
    verifier_ = std::make_unique<auth::TokenVerifier>(*auth::TokenVerifier::Create(config));
    StartService();
  }

  ~CommandServiceTest() override {
    StopService();
    std::filesystem::remove_all(dir_);
  }

  void StartService() {
    auto log = eventlog::EmbeddedLog::Open(
        {.path = (dir_ / "log").string(), .partition_count = 4, .shard_count = log_shards_});
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    registry_ = std::make_shared<prometheus::Registry>();
    auto service = CommandService::Start(*log_, *verifier_, clock_, *registry_,
                                         {.write_model_path = (dir_ / "command").string(),
                                          .max_queue_per_writer = max_queue_per_writer_,
                                          .time_zones = time_zones_,
                                          .handlers_write_when_idle = handlers_write_when_idle_});
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
    stub_ = v1::CommandService::NewStub(channel_);
  }

  void StopService() {
    if (server_) server_->Shutdown();
    if (service_) service_->Stop();
    server_.reset();
    service_.reset();
    log_.reset();
  }

  std::string Token(const std::string& person, std::vector<v1::Role> roles,
                    const std::string& tenant = "acme",
                    std::chrono::seconds ttl = std::chrono::hours(1)) {
    auto token = auth::MintToken(key_, auth::Principal{tenant, person, std::move(roles)},
                                 clock_.Now(), ttl, "reviewtrail-test");
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }

  struct Answer {
    grpc::Status status;
    v1::CommandReply reply;
  };

  template <typename Request>
  Answer Send(grpc::Status (v1::CommandService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               v1::CommandReply*),
              const Request& request, const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    Answer answer;
    answer.status = (stub_.get()->*method)(&context, request, &answer.reply);
    return answer;
  }

  int64_t LogSize() {
    int64_t total = 0;
    for (int32_t p = 0; p < log_->PartitionCount(); ++p) total += *log_->EndOffset(p);
    return total;
  }

  static google::rpc::Status Details(const grpc::Status& status) {
    google::rpc::Status details;
    details.ParseFromString(status.error_details());
    return details;
  }

  std::filesystem::path dir_;
  runtime::FakeClock clock_;
  runtime::TenantTimeZones time_zones_;  // of the next StartService()
  int32_t log_shards_ = 1;               // of the log the next StartService() creates
  size_t max_queue_per_writer_ = CommandServiceOptions().max_queue_per_writer;  // of the next start
  bool handlers_write_when_idle_ = true;                                        // of the next start
  auth::SigningKey key_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<CommandService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CommandService::Stub> stub_;
};

}  // namespace reviewtrail::command::testing
