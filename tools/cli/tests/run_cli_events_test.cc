// `reviewtrail events tail` against an in-process fake EventService on a loopback port.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"
#include "reviewtrail/v1/event_service.grpc.pb.h"

namespace reviewtrail::cli {
namespace {

using ::testing::HasSubstr;

v1::SubscribeResponse Event(int64_t offset, const std::string& type, const std::string& id) {
  v1::SubscribeResponse message;
  message.mutable_position()->set_partition(1);
  message.mutable_position()->set_offset(offset);
  message.mutable_next()->set_partition(1);
  message.mutable_next()->set_offset(offset + 1);
  message.set_event_id(id);
  message.set_event_type("reviewtrail.v1." + type);
  message.mutable_event()->set_event_id(id);
  message.mutable_event()->set_aggregate_id("act-1");
  return message;
}

v1::SubscribeResponse Heartbeat(int64_t next) {
  v1::SubscribeResponse message;
  message.mutable_next()->set_partition(1);
  message.mutable_next()->set_offset(next);
  return message;
}

// Records the request and token, writes the set messages, then ends with the set status.
class FakeEventService final : public v1::EventService::Service {
 public:
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::SubscribeResponse>* writer) override {
    {
      std::lock_guard lock(mutex_);
      request_ = *request;
      auto token = context->client_metadata().find("authorization");
      if (token != context->client_metadata().end()) {
        authorization_ = std::string(token->second.data(), token->second.size());
      }
    }
    for (const auto& message : messages_) {
      if (!writer->Write(message)) return grpc::Status::CANCELLED;
    }
    return end_;
  }
  v1::SubscribeRequest request() {
    std::lock_guard lock(mutex_);
    return request_;
  }
  std::string authorization() {
    std::lock_guard lock(mutex_);
    return authorization_;
  }

  std::vector<v1::SubscribeResponse> messages_;
  grpc::Status end_ = grpc::Status::OK;

 private:
  std::mutex mutex_;
  v1::SubscribeRequest request_;
  std::string authorization_;
};

class EventCommandsTest : public ::testing::Test {
 protected:
  void Start() {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  ~EventCommandsTest() override {
    if (server_) server_->Shutdown();
  }
  test_support::CliRun Run(const std::vector<std::string>& args) {
    return test_support::RunAgainst(address_, args);
  }

  FakeEventService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(EventCommandsTest, TailSendsTheFiltersAndStartWithTheBearerToken) {
  service_.messages_ = {Event(4, "ActionAssigned", "e-4")};
  Start();
  const auto run =
      Run({"events", "tail", "--from", "1:4", "--type", "ActionAssigned", "--type",
           "ClosureApproved", "--review", "rev-1", "--action", "act-1", "--limit", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const v1::SubscribeRequest request = service_.request();
  EXPECT_EQ(request.from().partition(), 1);
  EXPECT_EQ(request.from().offset(), 4);
  ASSERT_EQ(request.event_types_size(), 2);
  EXPECT_EQ(request.event_types(0), "ActionAssigned");
  EXPECT_EQ(request.event_types(1), "ClosureApproved");
  EXPECT_EQ(request.review_id(), "rev-1");
  EXPECT_EQ(request.action_id(), "act-1");
  EXPECT_EQ(service_.authorization(), "Bearer token-of-dana");
}

TEST_F(EventCommandsTest, NowAsksForTheEndOfTheLogAndExcludesFrom) {
  service_.messages_ = {Event(9, "ReviewHeld", "e-9")};
  Start();
  auto run = Run({"events", "tail", "--now", "--limit", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(service_.request().start_at(), v1::STREAM_START_NOW);
  run = Run({"events", "tail", "--now", "--from", "1:0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--from and --now"));
}

TEST_F(EventCommandsTest, TailPrintsOneLinePerEventSkipsHeartbeatsAndSaysWhereToResume) {
  service_.messages_ = {Event(2, "ActionAssigned", "e-2"), Heartbeat(3),
                        Event(3, "ClosureApproved", "e-3"), Heartbeat(7)};
  service_.end_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "subscriber too slow; resume from position 1:7");
  Start();
  const auto run = Run({"events", "tail"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out,
            "1:2  reviewtrail.v1.ActionAssigned  act-1  e-2\n"
            "1:3  reviewtrail.v1.ClosureApproved  act-1  e-3\n");
  EXPECT_THAT(run.err, HasSubstr("Resume with --from 1:7"));
  EXPECT_THAT(run.err, HasSubstr("RESOURCE_EXHAUSTED"));
}

TEST_F(EventCommandsTest, JsonPrintsEachStreamMessageInTheProtoJsonMapping) {
  service_.messages_ = {Heartbeat(2), Event(2, "ActionAssigned", "e-2")};
  Start();
  const auto run = Run({"--json", "events", "tail", "--limit", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json line = nlohmann::json::parse(run.out);
  EXPECT_EQ(line["event_id"], "e-2");
  EXPECT_EQ(line["event_type"], "reviewtrail.v1.ActionAssigned");
  EXPECT_EQ(line["position"]["offset"], "2");
  EXPECT_EQ(line["next"]["offset"], "3");
  EXPECT_EQ(line["event"]["aggregate_id"], "act-1");
  EXPECT_THAT(run.err, HasSubstr("Resume with --from 1:3"));
}

TEST_F(EventCommandsTest, ABadTypeIsReportedWithItsField) {
  // The real service names the field; the CLI passes the status through as a refusal.
  service_.end_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "event_types[0] is unknown");
  Start();
  const auto run = Run({"events", "tail", "--type", "Nope"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("INVALID_ARGUMENT"));
}

}  // namespace
}  // namespace reviewtrail::cli
