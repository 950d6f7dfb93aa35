// Event webhooks of the real reviewtrail-server binary, SIGKILLed while a delivery is in flight and
// restarted on the same data directory: delivery resumes from the endpoint's durable cursor, in
// log order, nothing skipped, and only the unacknowledged event is sent twice.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "child_process.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "server_process.h"

namespace reviewtrail::testing {
namespace {

constexpr auto kWait = std::chrono::seconds(60);
constexpr int kPersons = 8;
constexpr int kHeld = 4;  // the receiver never answers its 4th request

struct Received {
  std::string status;
  std::string id;
  std::string subject;
};

std::vector<Received> ReceivedBy(const std::string& output) {
  static const std::regex kLine(
      R"(request \d+ status=(\S+) id=(\S+) type=reviewtrail.v1.PersonRegistered subject=(\S+) signature=ok mode=ok)");
  std::vector<Received> received;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kLine)) received.push_back({m[1], m[2], m[3]});
  }
  return received;
}

class WebhookRestartTest : public ::testing::Test {
 protected:
  WebhookRestartTest() {
    dir_ =
        std::filesystem::temp_directory_path() / ("webhook-restart-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~WebhookRestartTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ChildProcess> StartServer() {
    auto server = std::make_unique<ChildProcess>(
        REVIEWTRAIL_SERVER_BINARY,
        std::vector<std::string>{"--data-dir", (dir_ / "data").string(), "--listen", "127.0.0.1:0",
                                 "--metrics-listen", "", "--tenant", "acme", "--partitions", "1",
                                 "--webhooks-config", (dir_ / "webhooks.json").string()});
    stub_ = v1::CommandService::NewStub(
        grpc::CreateChannel(GrpcAddressOf(*server, kWait), grpc::InsecureChannelCredentials()));
    return server;
  }

  void Register(const std::string& person, const std::string& token) {
    v1::RegisterPersonRequest request;
    request.set_command_id("person-" + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(person + "@acme.example");
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::CommandReply reply;
    const grpc::Status status = stub_->RegisterPerson(&context, request, &reply);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::filesystem::path dir_;
  std::unique_ptr<v1::CommandService::Stub> stub_;
};

TEST_F(WebhookRestartTest, SigkillMidDeliveryResumesFromTheCursorWithOnlyTheInFlightEventTwice) {
  ChildProcess sink("/usr/bin/python3",
                    {WEBHOOK_SINK, "--secret", "s3cret", "--hold", std::to_string(kHeld)});
  const std::string listening = sink.WaitForLine("listening ", kWait);
  ASSERT_FALSE(listening.empty()) << sink.output();
  const std::string port = listening.substr(listening.find("listening ") + 10);
  std::ofstream(dir_ / "webhooks.json")
      << R"({"initial_backoff_ms": 10, "max_backoff_ms": 100, "tenants": {"acme": {"directory":
        {"url": "http://127.0.0.1:)"
      << std::stoi(port) << R"(/events", "secret": "s3cret", "timeout_ms": 600000,
         "event_types": ["PersonRegistered"]}}}})";

  auto server = StartServer();
  std::string admin;
  std::getline(std::ifstream(dir_ / "data" / "admin.token"), admin);
  ASSERT_FALSE(admin.empty());
  for (int i = 1; i <= kPersons; ++i) Register("p" + std::to_string(i), admin);
  ASSERT_FALSE(sink.WaitForLine("status=held", kWait).empty()) << sink.output();
  server->Signal(SIGKILL);
  server.reset();

  server = StartServer();
  // p8 reaches the receiver only after the restart.
  ASSERT_FALSE(sink.WaitForLine("subject=p" + std::to_string(kPersons) + " ", kWait).empty())
      << sink.output() << server->output();
  const std::vector<Received> received = ReceivedBy(sink.output());
  ASSERT_EQ(received.size(), static_cast<size_t>(kPersons + 1)) << sink.output();
  std::vector<std::string> subjects;
  for (size_t i = 0; i < received.size(); ++i) {
    subjects.push_back(received[i].subject);
    EXPECT_EQ(received[i].status, i + 1 == kHeld ? "held" : "200") << sink.output();
  }
  // p1..p3 before the kill, p4 held (unacknowledged), then p4 again and the rest, in order.
  EXPECT_EQ(subjects,
            (std::vector<std::string>{"p1", "p2", "p3", "p4", "p4", "p5", "p6", "p7", "p8"}))
      << sink.output();
  EXPECT_EQ(received[kHeld - 1].id, received[kHeld].id);
  server->Signal(SIGTERM);
}

}  // namespace
}  // namespace reviewtrail::testing
