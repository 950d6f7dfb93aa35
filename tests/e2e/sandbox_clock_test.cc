// The real reviewtrail-server binary with a sandbox tenant, through the public gRPC API only: once
// the sandbox's test clock is advanced, an action due today goes overdue, the dashboard counts it,
// and the notifier escalates it to the owner's manager. A production tenant's clock cannot move.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reviewtrail/v1/admin_service.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"
#include "server_process.h"

namespace reviewtrail::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
// How long the notifier may take to record the escalation (it does so within a second or two).
constexpr auto kEscalationTimeout = std::chrono::seconds(60);

class SandboxClockTest : public ::testing::Test {
 protected:
  SandboxClockTest() {
    data_ =
        std::filesystem::temp_directory_path() / ("sandbox-clock-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_);
  }
  ~SandboxClockTest() override { std::filesystem::remove_all(data_); }

  std::unique_ptr<ChildProcess> Start() {
    auto server = std::make_unique<ChildProcess>(
        REVIEWTRAIL_SERVER_BINARY,
        std::vector<std::string>{"--data-dir", data_.string(), "--listen", "127.0.0.1:0",
                                 "--metrics-listen", "", "--tenant", "sandbox", "--sandbox-tenant",
                                 "sandbox", "--tenant-time-zone", "sandbox=+01:00"});
    auto channel = grpc::CreateChannel(GrpcAddressOf(*server, kStartTimeout),
                                       grpc::InsecureChannelCredentials());
    commands_ = v1::CommandService::NewStub(channel);
    admin_ = v1::AdminService::NewStub(channel);
    queries_ = v1::QueryService::NewStub(channel);
    return server;
  }

  std::string Mint(const std::string& tenant, const std::string& subject, const std::string& role) {
    return MintWithServer(REVIEWTRAIL_SERVER_BINARY, data_.string(), tenant, subject, role);
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub.*method)(&context, request, response);
  }

  std::filesystem::path data_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
};

std::string PreconditionRule(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& detail : details.details()) {
    google::rpc::PreconditionFailure failure;
    if (detail.UnpackTo(&failure) && failure.violations_size() > 0) {
      return failure.violations(0).type();
    }
  }
  return "";
}

TEST_F(SandboxClockTest, AnAdvancedSandboxClockMakesAnActionOverdueAndEscalated) {
  auto server = Start();
  std::string admin;  // the sandbox tenant's isms_manager + auditor
  std::getline(std::ifstream(data_ / "admin.token"), admin);
  ASSERT_FALSE(admin.empty());
  using Commands = v1::CommandService::Stub;
  using Admin = v1::AdminService::Stub;
  using Queries = v1::QueryService::Stub;

  v1::TestClock clock;
  ASSERT_TRUE(Call(*admin_, &Admin::GetTestClock, v1::GetTestClockRequest(), &clock, admin).ok());
  ASSERT_TRUE(clock.sandbox());
  EXPECT_EQ(clock.advance().seconds(), 0);
  EXPECT_EQ(clock.utc_offset_minutes(), 60);
  const google::type::Date today = clock.today();

  v1::CommandReply reply;
  for (const char* person : {"mia", "olga"}) {
    v1::RegisterPersonRequest request;
    request.set_command_id(std::string("person-") + person);
    request.set_person_id(person);
    request.set_display_name(person);
    request.set_email(std::string(person) + "@sandbox.example");
    if (std::string(person) == "olga") request.set_manager_id("mia");
    ASSERT_TRUE(Call(*commands_, &Commands::RegisterPerson, request, &reply, admin).ok());
  }
  v1::RecordReviewRequest review;
  review.set_command_id("review");
  review.set_title("Portal test review");
  *review.mutable_held_on() = today;
  review.set_chair_id("mia");
  ASSERT_TRUE(Call(*commands_, &Commands::RecordReview, review, &reply, admin).ok());
  v1::RecordDecisionRequest decision;
  decision.set_command_id("decision");
  decision.set_review_id(reply.aggregate_id());
  decision.set_summary("Encrypt laptops");
  decision.set_rationale("Two laptops were lost unencrypted");
  decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
  ASSERT_TRUE(Call(*commands_, &Commands::RecordDecision, decision, &reply, admin).ok());
  v1::AssignActionRequest assign;
  assign.set_command_id("assign");
  assign.set_decision_id(reply.entity_id());
  assign.set_title("Roll out disk encryption");
  assign.set_expected_outcome("Every laptop encrypted");
  assign.set_completion_criteria("MDM report shows 100% encrypted");
  assign.set_owner_id("olga");
  *assign.mutable_due_date() = today;  // the earliest due date the tenant takes
  v1::CommandReply assigned;
  grpc::Status status = Call(*commands_, &Commands::AssignAction, assign, &assigned, admin);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::GetDashboardRequest dashboard_request;
  *dashboard_request.mutable_min_position() = assigned.log_position();
  v1::Dashboard dashboard;
  ASSERT_TRUE(Call(*queries_, &Queries::GetDashboard, dashboard_request, &dashboard, admin).ok());
  EXPECT_EQ(dashboard.overdue(), 0);
  EXPECT_EQ(dashboard.open_actions(), 1);

  // Three days on: overdue since the day after the due date, past the first escalation's day.
  v1::AdvanceTestClockRequest advance;
  advance.set_command_id("advance-3d");
  advance.mutable_advance_by()->set_seconds(3 * 86'400);
  v1::CommandReply advanced;
  status = Call(*admin_, &Admin::AdvanceTestClock, advance, &advanced, admin);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(Call(*admin_, &Admin::GetTestClock, v1::GetTestClockRequest(), &clock, admin).ok());
  EXPECT_EQ(clock.advance().seconds(), 3 * 86'400);

  *dashboard_request.mutable_min_position() = advanced.log_position();
  ASSERT_TRUE(Call(*queries_, &Queries::GetDashboard, dashboard_request, &dashboard, admin).ok());
  EXPECT_EQ(dashboard.overdue(), 1);
  EXPECT_EQ(dashboard.today().day(), clock.today().day());

  // The notifier re-plans on the advance and records a level-1 escalation to the owner's manager.
  v1::GetActionRequest get;
  get.set_action_id(assigned.aggregate_id());
  *get.mutable_min_position() = advanced.log_position();
  v1::ActionDetail detail;
  const auto give_up = std::chrono::steady_clock::now() + kEscalationTimeout;
  while (true) {
    ASSERT_TRUE(Call(*queries_, &Queries::GetAction, get, &detail, admin).ok());
    if (detail.action().highest_escalation() >= 1 || std::chrono::steady_clock::now() > give_up) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(detail.action().overdue());
  ASSERT_EQ(detail.action().highest_escalation(), 1) << server->output();
  bool escalated_to_manager = false;
  for (const v1::HistoryEntry& entry : detail.history()) {
    if (entry.event_type().find("scalation") != std::string::npos) {
      escalated_to_manager = entry.change().find("mia") != std::string::npos;  // the manager
      EXPECT_EQ(entry.actor_id(), "notifier");
    }
  }
  EXPECT_TRUE(escalated_to_manager);

  // A production tenant's clock never moves.
  const std::string production = Mint("production", "admin", "isms_manager");
  advance.set_command_id("advance-production");
  status = Call(*admin_, &Admin::AdvanceTestClock, advance, &reply, production);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(PreconditionRule(status), "TENANT_NOT_SANDBOX");

  const int exit_status = server->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(exit_status)) << server->output();
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
}

}  // namespace
}  // namespace reviewtrail::testing
