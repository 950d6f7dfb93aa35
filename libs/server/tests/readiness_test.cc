#include "reviewtrail/server/readiness.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>

#include "grpc/health/v1/health.grpc.pb.h"

namespace reviewtrail::server {
namespace {

using grpc::health::v1::HealthCheckResponse;

// A real gRPC server on port 0 with the default health service, as StartGrpcServer builds it.
class ReadinessTest : public ::testing::Test {
 protected:
  ReadinessTest() {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    server_ = builder.BuildAndStart();
    stub_ = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  ~ReadinessTest() override { server_->Shutdown(); }

  HealthCheckResponse::ServingStatus Check(const std::string& service) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    const grpc::Status status = stub_->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
    return response.status();
  }

  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::health::v1::Health::Stub> stub_;
};

constexpr char kQuery[] = "reviewtrail.v1.QueryService";

TEST_F(ReadinessTest, ServingForTheProcessAndEachServiceOnlyWhileEveryCheckPasses) {
  std::atomic<bool> caught_up = false;
  std::atomic<bool> producer_ok = true;
  // A period far beyond the test: only the explicit evaluations below change anything.
  Readiness readiness(
      {kQuery},
      {{[&] {
         return caught_up ? absl::OkStatus() : absl::UnavailableError("projection catching up");
       }},
       {[&] {
         return producer_ok ? absl::OkStatus() : absl::UnavailableError("producer failed");
       }}},
      std::chrono::hours(1));
  // The default health service answers SERVING for "" until told otherwise.
  EXPECT_EQ(Check(""), HealthCheckResponse::SERVING);
  readiness.Start(*server_->GetHealthCheckService());
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(readiness.status().message(), "projection catching up");

  caught_up = true;
  EXPECT_TRUE(readiness.Evaluate().ok());
  EXPECT_EQ(Check(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::SERVING);

  producer_ok = false;
  EXPECT_EQ(readiness.Evaluate().message(), "producer failed");
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::NOT_SERVING);

  producer_ok = true;
  EXPECT_TRUE(readiness.Evaluate().ok());
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::SERVING);
  readiness.Stop();  // draining: no new calls
  EXPECT_EQ(Check(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::NOT_SERVING);
}

TEST_F(ReadinessTest, ItsThreadNoticesAChangeWithoutBeingAsked) {
  std::atomic<bool> ready = false;
  Readiness readiness(
      {kQuery}, {{[&] { return ready ? absl::OkStatus() : absl::UnavailableError("not yet"); }}},
      std::chrono::milliseconds(10));
  readiness.Start(*server_->GetHealthCheckService());
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::NOT_SERVING);
  ready = true;
  // Bounded wait for the periodic evaluation (no timing is asserted, only the outcome).
  for (int i = 0; i < 3000 && Check(kQuery) != HealthCheckResponse::SERVING; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Check(kQuery), HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(""), HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace reviewtrail::server
