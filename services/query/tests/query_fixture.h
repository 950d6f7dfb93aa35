#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "golden_scenario.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "loopback_server.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/runtime/clock.h"
#include "temp_dir.h"
#include "test_keys.h"

namespace reviewtrail::query::testing {

using readmodel::testing::GoldenScenario;

// Appends the golden scenario, each tenant's events in one batch; returns each tenant's last
// position.
inline std::map<std::string, eventlog::Position> AppendGolden(eventlog::EventLog& log,
                                                              const GoldenScenario& scenario) {
  std::map<std::string, std::vector<v1::EventEnvelope>> by_tenant;
  for (const auto& event : scenario.events) by_tenant[event.tenant_id()].push_back(event);
  std::map<std::string, eventlog::Position> last;
  for (const auto& [tenant, events] : by_tenant) {
    auto positions = log.Append(tenant, events);
    EXPECT_TRUE(positions.ok()) << positions.status();
    if (positions.ok()) last[tenant] = positions->back();
  }
  return last;
}

inline v1::LogPosition ToProto(const eventlog::Position& position) {
  v1::LogPosition proto;
  proto.set_partition(position.partition);
  proto.set_offset(position.offset);
  return proto;
}

inline google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  return details;
}

// The first BadRequest field violation's field of a status; empty when there is none.
inline std::string ViolatedField(const grpc::Status& status) {
  const google::rpc::Status details = Details(status);
  for (const auto& detail : details.details()) {
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&bad_request) && bad_request.field_violations_size() > 0) {
      return bad_request.field_violations(0).field();
    }
  }
  return "";
}

// A real query service (and a command service, for read-your-writes) over a real embedded log in
// a temp dir, served by a real gRPC server on a loopback port chosen by the kernel, with a fake
// clock at the golden "now" (2026-03-02T10:00Z) (the temp dir, keys and server from tests/support).
// With LogKind::kKafka the log is a Kafka topic on librdkafka's in-process mock cluster instead.
class QueryServiceTest : public ::testing::Test {
 protected:
  enum class LogKind { kEmbedded, kKafka };

  explicit QueryServiceTest(LogKind kind = LogKind::kEmbedded)
      : clock_(std::chrono::system_clock::time_point(
            std::chrono::microseconds(readmodel::testing::kNowMicros))) {
    if (kind == LogKind::kEmbedded) {
      auto log =
          eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 4});
      EXPECT_TRUE(log.ok()) << log.status();
      if (log.ok()) log_ = *std::move(log);
    } else {
      auto cluster = eventlog::MockKafkaCluster::Start(3);
      EXPECT_TRUE(cluster.ok()) << cluster.status();
      cluster_ = *std::move(cluster);
      EXPECT_TRUE(cluster_->CreateTopic(eventlog::kDefaultEventTopic, 4, 3).ok());
      eventlog::KafkaLogConfig kafka;
      kafka.bootstrap_servers = cluster_->bootstrap_servers();
      kafka.partition_count = 4;
      auto log = eventlog::KafkaLog::Open(kafka);
      EXPECT_TRUE(log.ok()) << log.status();
      if (log.ok()) log_ = *std::move(log);
    }
    if (log_) StartService();
  }

  ~QueryServiceTest() override {
    StopService();
    log_.reset();
  }

  std::string StorePath() const { return (dir_ / "query").string(); }

  void StartService(std::chrono::milliseconds wait = std::chrono::seconds(10)) {
    registry_ = std::make_shared<prometheus::Registry>();
    auto service = QueryService::Start(*log_, keys_.verifier(), clock_, *registry_,
                                       {.store_path = StorePath(),
                                        .time_zones = runtime::TenantTimeZones(),
                                        .read_your_writes_timeout = wait,
                                        .max_batch = 16,
                                        .notices = &notices_});
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    auto commands =
        command::CommandService::Start(*log_, keys_.verifier(), clock_, *registry_,
                                       {.write_model_path = (dir_ / "command").string()});
    ASSERT_TRUE(commands.ok()) << commands.status();
    commands_ = *std::move(commands);
    server_ = std::make_unique<::reviewtrail::testing::LoopbackServer>(
        std::vector<grpc::Service*>{service_.get(), commands_.get()});
    channel_ = server_->channel();
    stub_ = v1::QueryService::NewStub(channel_);
    command_stub_ = v1::CommandService::NewStub(channel_);
  }

  void StopService() {
    if (server_) server_->Shutdown();
    if (commands_) commands_->Stop();
    if (service_) service_->Stop();
    server_.reset();
    commands_.reset();
    service_.reset();
  }

  std::string Token(const std::string& person, std::vector<v1::Role> roles,
                    const std::string& tenant = "acme") {
    return keys_.Token(tenant, person, std::move(roles), clock_.Now(), std::chrono::hours(1));
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& token) {
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub.*method)(&context, request, response);
  }

  template <typename Request, typename Response>
  grpc::Status Query(grpc::Status (v1::QueryService::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&, Response*),
                     const Request& request, Response* response, const std::string& token) {
    return Call(*stub_, method, request, response, token);
  }

  // Appends the golden scenario and waits until the service applied all of it.
  void LoadGolden() {
    scenario_ = readmodel::testing::BuildGoldenScenario();
    last_ = AppendGolden(*log_, scenario_);
    for (const auto& [tenant, position] : last_) {
      ASSERT_TRUE(service_->projector().WaitFor(
          position, std::chrono::steady_clock::now() + std::chrono::seconds(30)))
          << tenant;
    }
  }

  const std::string& Id(const std::string& name) { return scenario_.ids.at(name); }

  ::reviewtrail::testing::TempDir temp_{"query-test"};
  std::filesystem::path dir_{temp_.path()};
  runtime::FakeClock clock_;
  ::reviewtrail::testing::TestKeys keys_;
  std::unique_ptr<eventlog::MockKafkaCluster> cluster_;  // outlives the log (declared first)
  std::unique_ptr<eventlog::EventLog> log_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::ostringstream notices_;  // the query service's start-up notices
  std::unique_ptr<QueryService> service_;
  std::unique_ptr<command::CommandService> commands_;
  std::unique_ptr<::reviewtrail::testing::LoopbackServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
  std::unique_ptr<v1::CommandService::Stub> command_stub_;
  GoldenScenario scenario_;
  std::map<std::string, eventlog::Position> last_;
};

}  // namespace reviewtrail::query::testing
