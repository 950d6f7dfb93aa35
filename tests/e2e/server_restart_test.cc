// The real reviewtrail-server binary, killed with SIGKILL and restarted on the same data directory:
// state, deduplication and tokens survive; SIGTERM then stops it cleanly.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "child_process.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "server_process.h"

namespace reviewtrail::testing {
namespace {

using Stub = v1::CommandService::Stub;
constexpr auto kStartTimeout = std::chrono::seconds(60);

class ServerRestartTest : public ::testing::Test {
 protected:
  ServerRestartTest() {
    data_ =
        std::filesystem::temp_directory_path() / ("server-restart-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_);
  }
  ~ServerRestartTest() override { std::filesystem::remove_all(data_); }

  std::unique_ptr<ChildProcess> Start() {
    auto server = std::make_unique<ChildProcess>(
        REVIEWTRAIL_SERVER_BINARY,
        std::vector<std::string>{"--data-dir", data_.string(), "--listen", "127.0.0.1:0",
                                 "--metrics-listen", "", "--tenant", "acme"});
    stub_ = v1::CommandService::NewStub(grpc::CreateChannel(GrpcAddressOf(*server, kStartTimeout),
                                                            grpc::InsecureChannelCredentials()));
    return server;
  }

  std::string Mint(const std::string& subject, const std::string& role) {
    return MintWithServer(REVIEWTRAIL_SERVER_BINARY, data_.string(), "acme", subject, role);
  }

  template <typename Request>
  grpc::Status Send(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                 v1::CommandReply*),
                    const Request& request, const std::string& token, v1::CommandReply* reply) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub_.get()->*method)(&context, request, reply);
  }

  std::filesystem::path data_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(ServerRestartTest, KilledServerRestartsWithStateAndDeduplicationIntact) {
  auto server = Start();
  std::string admin;
  std::getline(std::ifstream(data_ / "admin.token"), admin);
  ASSERT_FALSE(admin.empty());
  struct stat info {};
  ASSERT_EQ(::stat((data_ / "admin.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  v1::CommandReply reply;
  for (const char* person : {"mia", "olga"}) {
    v1::RegisterPersonRequest request;
    request.set_command_id(std::string("person-") + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(std::string(person) + "@acme.example");
    ASSERT_TRUE(Send(&Stub::RegisterPerson, request, admin, &reply).ok());
  }
  v1::RecordReviewRequest review;
  review.set_command_id("review");
  review.set_title("Annual management review");
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  review.mutable_held_on()->set_year(static_cast<int>(today.year()));
  review.mutable_held_on()->set_month(static_cast<int>(static_cast<unsigned>(today.month())));
  review.mutable_held_on()->set_day(static_cast<int>(static_cast<unsigned>(today.day())));
  review.set_chair_id("mia");
  ASSERT_TRUE(Send(&Stub::RecordReview, review, admin, &reply).ok());
  v1::RecordDecisionRequest decision;
  decision.set_command_id("decision");
  decision.set_review_id(reply.aggregate_id());
  decision.set_summary("Encrypt laptops");
  decision.set_rationale("Two laptops were lost unencrypted");
  decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
  ASSERT_TRUE(Send(&Stub::RecordDecision, decision, admin, &reply).ok());

  v1::AssignActionRequest assign;
  assign.set_command_id("assign");
  assign.set_decision_id(reply.entity_id());
  assign.set_title("Roll out disk encryption");
  assign.set_expected_outcome("Every laptop encrypted");
  assign.set_completion_criteria("MDM report shows 100% encrypted");
  assign.set_owner_id("olga");
  *assign.mutable_due_date() = review.held_on();
  assign.mutable_due_date()->set_year(assign.due_date().year() + 1);
  v1::CommandReply assigned;
  ASSERT_TRUE(Send(&Stub::AssignAction, assign, admin, &assigned).ok());

  const std::string owner = Mint("olga", "action_owner");
  v1::AttachEvidenceRequest evidence;
  evidence.set_command_id("evidence");
  evidence.set_action_id(assigned.aggregate_id());
  evidence.set_kind(v1::EVIDENCE_KIND_CONTROL_UPDATE);
  evidence.set_uri("https://mdm.acme.example/report/7");
  evidence.set_sha256(std::string(64, 'c'));
  evidence.set_size_bytes(99);
  v1::CommandReply before;
  ASSERT_TRUE(Send(&Stub::AttachEvidence, evidence, owner, &before).ok());
  EXPECT_TRUE(before.entity_id().starts_with("evd-"));

  EXPECT_TRUE(WIFSIGNALED(server->Signal(SIGKILL)));
  server = Start();

  // Retries after the crash get the original answers and change nothing.
  v1::CommandReply after;
  ASSERT_TRUE(Send(&Stub::AttachEvidence, evidence, owner, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
  ASSERT_TRUE(Send(&Stub::AssignAction, assign, admin, &after).ok());
  EXPECT_EQ(after.SerializeAsString(), assigned.SerializeAsString());
  // State survived: the owner's token, minted before the crash, requests closure at version 2.
  v1::RequestClosureRequest close;
  close.set_command_id("close");
  close.set_action_id(assigned.aggregate_id());
  close.set_expected_version(2);
  ASSERT_TRUE(Send(&Stub::RequestClosure, close, owner, &reply).ok());
  EXPECT_EQ(reply.version(), 3);
  // The owner cannot approve their own action; the manager role is needed.
  v1::ApproveClosureRequest approve;
  approve.set_command_id("approve");
  approve.set_action_id(assigned.aggregate_id());
  EXPECT_EQ(Send(&Stub::ApproveClosure, approve, owner, &reply).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const int status = server->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << server->output();
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace reviewtrail::testing
