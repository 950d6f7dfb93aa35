// An append that failed may have landed all the same (a Kafka produce whose acknowledgement was
// lost when its broker went down). While the log cannot be read, the write model cannot know, so
// a retry of that command must not be decided again: it would be recorded twice.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"

namespace reviewtrail::command::testing {
namespace {

// An embedded log whose broker can "go down": while `down`, reads fail, and the first append
// lands but reports a failure (its acknowledgement lost), later appends fail without landing.
class FlakyLog : public eventlog::EventLog {
 public:
  explicit FlakyLog(eventlog::EventLog& log) : log_(log) {}

  std::atomic<bool> down = false;
  std::atomic<bool> lose_next_ack = false;

  int32_t PartitionCount() const override { return log_.PartitionCount(); }
  int32_t PartitionFor(std::string_view tenant) const override { return log_.PartitionFor(tenant); }
  int32_t CommitLanes() const override { return log_.CommitLanes(); }
  std::vector<absl::StatusOr<std::vector<eventlog::Position>>> AppendEach(
      std::span<const eventlog::TenantEvents> appends) override {
    if (!down) return log_.AppendEach(appends);
    if (lose_next_ack.exchange(false)) (void)log_.AppendEach(appends);
    return std::vector<absl::StatusOr<std::vector<eventlog::Position>>>(
        appends.size(), absl::UnavailableError("broker down: delivery timed out"));
  }
  absl::StatusOr<int64_t> EndOffset(int32_t partition) override {
    if (down) return absl::UnavailableError("broker down");
    return log_.EndOffset(partition);
  }
  absl::StatusOr<std::vector<eventlog::Record>> Read(int32_t partition, int64_t from,
                                                     size_t max_records) override {
    if (down) return absl::UnavailableError("broker down");
    return log_.Read(partition, from, max_records);
  }
  absl::StatusOr<std::vector<eventlog::Record>> ReadWithoutHeaders(int32_t partition, int64_t from,
                                                                   size_t max_records) override {
    if (down) return absl::UnavailableError("broker down");
    return log_.ReadWithoutHeaders(partition, from, max_records);
  }
  absl::StatusOr<std::unique_ptr<eventlog::Subscription>> Subscribe(
      std::vector<eventlog::Position> start) override {
    return log_.Subscribe(std::move(start));
  }

 private:
  eventlog::EventLog& log_;
};

TEST(AppendInDoubtTest, ARetryOfACommandWhoseAppendMayHaveLandedIsNeverDecidedTwice) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("append-in-doubt-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto embedded =
      eventlog::EmbeddedLog::Open({.path = (dir / "log").string(), .partition_count = 4});
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  FlakyLog log(**embedded);
  const auth::SigningKey key = *auth::GenerateSigningKey();
  auth::VerifierConfig config;
  config.keys.push_back(auth::ToVerificationKey(key));
  const auth::TokenVerifier verifier = *auth::TokenVerifier::Create(config);
  runtime::SystemClock clock;
  prometheus::Registry registry;
  auto service = CommandService::Start(log, verifier, clock, registry,
                                       {.write_model_path = (dir / "command").string()});
  ASSERT_TRUE(service.ok()) << service.status();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service->get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = v1::CommandService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  const std::string token =
      *auth::MintToken(key, auth::Principal{"acme", "mia", {v1::ROLE_ISMS_MANAGER}},
                       std::chrono::system_clock::now(), std::chrono::hours(1), "test");
  v1::RegisterPersonRequest request;
  request.set_command_id("register-zoe");
  request.set_person_id("zoe");
  request.set_display_name("Zoe");
  request.set_email("zoe@acme.example");
  const auto send = [&](v1::CommandReply* reply) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return stub->RegisterPerson(&context, request, reply);
  };

  // Given the broker goes down as the command is appended: its events land, its answer is lost.
  log.down = true;
  log.lose_next_ack = true;
  v1::CommandReply reply;
  EXPECT_EQ(send(&reply).error_code(), grpc::StatusCode::UNAVAILABLE);
  // When the caller retries while the log still cannot be read: refused, nothing decided.
  const grpc::Status while_down = send(&reply);
  EXPECT_EQ(while_down.error_code(), grpc::StatusCode::UNAVAILABLE) << while_down.error_message();
  // Then once the broker is back, the retry gets the answer of the events that landed.
  log.down = false;
  const grpc::Status after = send(&reply);
  ASSERT_TRUE(after.ok()) << after.error_message();
  const int32_t partition = log.PartitionFor("acme");
  auto records = log.Read(partition, 0, 100);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u) << "the command was recorded " << records->size() << " times";
  v1::EventEnvelope event;
  ASSERT_TRUE(event.ParseFromString(records->front().value));
  EXPECT_EQ(event.command_id(), "register-zoe");
  ASSERT_EQ(reply.event_ids_size(), 1);
  EXPECT_EQ(reply.event_ids(0), event.event_id());

  server->Shutdown();
  (*service)->Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace reviewtrail::command::testing
