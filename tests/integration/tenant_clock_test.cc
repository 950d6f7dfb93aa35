// The tenant's day across services: the command, query, admin and audit services in one process
// over one embedded log, on a fake clock, called through their public gRPC API. A tenant at -08:00
// and a sandbox tenant whose test clock is advanced must see the same day in every service.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <memory>
#include <string>

#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/admin_service.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/v1/admin_service.grpc.pb.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::testing {
namespace {

using google::protobuf::util::TimeUtil;
using std::chrono::hours;

// 2026-11-23T03:00Z: 2026-11-22 19:00 at -08:00.
constexpr auto kEarlyUtc = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + hours{3};

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The rule of a FAILED_PRECONDITION, or the first field of an INVALID_ARGUMENT.
std::string DetailOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const auto& detail : details.details()) {
    google::rpc::PreconditionFailure precondition;
    if (detail.UnpackTo(&precondition) && precondition.violations_size() > 0) {
      return precondition.violations(0).type();
    }
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&bad_request) && bad_request.field_violations_size() > 0) {
      return bad_request.field_violations(0).field();
    }
  }
  return "";
}

class TenantClockTest : public ::testing::Test {
 protected:
  TenantClockTest() : clock_(kEarlyUtc) {
    dir_ = std::filesystem::temp_directory_path() /
           ("tenant-clock-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    key_ = *auth::GenerateSigningKey();
    auth::VerifierConfig config;
    config.keys.push_back(auth::ToVerificationKey(key_));
    verifier_ = std::make_unique<auth::TokenVerifier>(*auth::TokenVerifier::Create(config));
    auto log = eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 2});
    EXPECT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);

    auto zones =
        runtime::TenantTimeZones::Parse({"pst=-08:00", "sandbox=-08:00", "ams=Europe/Amsterdam"});
    EXPECT_TRUE(zones.ok()) << zones.status();
    EXPECT_TRUE(zones->AddSandboxes({"sandbox"}).ok());
    auto commands = command::CommandService::Start(
        *log_, *verifier_, clock_, registry_,
        {.write_model_path = (dir_ / "command").string(), .time_zones = *zones});
    EXPECT_TRUE(commands.ok()) << commands.status();
    commands_ = *std::move(commands);
    admin_ = std::make_unique<command::AdminService>(*commands_);
    auto queries = query::QueryService::Start(
        *log_, *verifier_, clock_, registry_,
        {.store_path = (dir_ / "query").string(), .time_zones = *zones, .max_batch = 16});
    EXPECT_TRUE(queries.ok()) << queries.status();
    queries_ = *std::move(queries);
    auto audit = audit_service::AuditService::Start(
        *log_, *verifier_, clock_, registry_,
        {.store_path = (dir_ / "audit").string(), .time_zones = *zones});
    EXPECT_TRUE(audit.ok()) << audit.status();
    audit_ = *std::move(audit);

    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(commands_.get());
    builder.RegisterService(admin_.get());
    builder.RegisterService(queries_.get());
    builder.RegisterService(audit_.get());
    server_ = builder.BuildAndStart();
    EXPECT_NE(port, 0);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    command_stub_ = v1::CommandService::NewStub(channel);
    admin_stub_ = v1::AdminService::NewStub(channel);
    query_stub_ = v1::QueryService::NewStub(channel);
    audit_stub_ = v1::AuditService::NewStub(channel);
  }

  ~TenantClockTest() override {
    server_->Shutdown();
    commands_->Stop();
    queries_->Stop();
    audit_->Stop();
    server_.reset();
    audit_.reset();
    queries_.reset();
    admin_.reset();
    commands_.reset();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Token(const std::string& tenant, const std::string& person,
                    std::vector<v1::Role> roles) {
    auto token = auth::MintToken(key_, auth::Principal{tenant, person, std::move(roles)},
                                 clock_.Now(), std::chrono::hours(24 * 400), "reviewtrail-test");
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }
  std::string Manager(const std::string& tenant) {
    return Token(tenant, "mia", {v1::ROLE_ISMS_MANAGER, v1::ROLE_AUDITOR});
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& token) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return (stub.*method)(&context, request, response);
  }

  // Registers mia and olga (managed by mia), records a review with a decision, and assigns olga an
  // action due on `due`; returns the assignment's reply.
  v1::CommandReply AssignOne(const std::string& tenant, const google::type::Date& due) {
    const std::string token = Manager(tenant);
    v1::CommandReply reply;
    for (const char* person : {"mia", "olga"}) {
      v1::RegisterPersonRequest request;
      request.set_command_id(std::string("person-") + person);
      request.set_person_id(person);
      request.set_display_name(person);
      request.set_email(std::string(person) + "@example.org");
      if (std::string(person) == "olga") request.set_manager_id("mia");
      EXPECT_TRUE(
          Call(*command_stub_, &v1::CommandService::Stub::RegisterPerson, request, &reply, token)
              .ok());
    }
    v1::RecordReviewRequest review;
    review.set_command_id("review-1");
    review.set_title("Q4 review");
    *review.mutable_held_on() = Date(2026, 11, 20);
    review.set_chair_id("mia");
    review.add_attendee_ids("olga");
    review.add_inputs_covered(v1::REVIEW_INPUT_A_PREVIOUS_ACTIONS);
    grpc::Status status =
        Call(*command_stub_, &v1::CommandService::Stub::RecordReview, review, &reply, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    review_id_ = reply.aggregate_id();
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision-1");
    decision.set_review_id(review_id_);
    decision.set_summary("Train everyone");
    decision.set_rationale("Phishing");
    decision.set_category(v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
    status =
        Call(*command_stub_, &v1::CommandService::Stub::RecordDecision, decision, &reply, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    decision_id_ = reply.entity_id();
    status = Assign("assign-1", due, token, &reply);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return reply;
  }

  grpc::Status Assign(const std::string& command_id, const google::type::Date& due,
                      const std::string& token, v1::CommandReply* reply) {
    v1::AssignActionRequest assign;
    assign.set_command_id(command_id);
    assign.set_decision_id(decision_id_);
    assign.set_title("Phishing training");
    assign.set_expected_outcome("All trained");
    assign.set_completion_criteria("LMS export");
    assign.set_owner_id("olga");
    *assign.mutable_due_date() = due;
    return Call(*command_stub_, &v1::CommandService::Stub::AssignAction, assign, reply, token);
  }

  // Overdue as the query service (GetAction, ListActions, the dashboard) and the audit service
  // (GetStateAsOf now) judge it; every one must agree.
  bool OverdueEverywhere(const std::string& tenant, const v1::CommandReply& assigned,
                         const v1::LogPosition& after) {
    const std::string token = Manager(tenant);
    v1::GetActionRequest get;
    get.set_action_id(assigned.aggregate_id());
    *get.mutable_min_position() = after;
    v1::ActionDetail detail;
    grpc::Status status =
        Call(*query_stub_, &v1::QueryService::Stub::GetAction, get, &detail, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::GetDashboardRequest dashboard_request;
    v1::Dashboard dashboard;
    status = Call(*query_stub_, &v1::QueryService::Stub::GetDashboard, dashboard_request,
                  &dashboard, token);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::ListActionsRequest list;
    list.set_overdue_only(true);
    v1::ListActionsResponse listed;
    status = Call(*query_stub_, &v1::QueryService::Stub::ListActions, list, &listed, token);
    EXPECT_TRUE(status.ok()) << status.error_message();

    v1::GetStateAsOfRequest as_of;
    as_of.set_action_id(assigned.aggregate_id());
    *as_of.mutable_as_of() = TimeUtil::MicrosecondsToTimestamp(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
            .count());
    *as_of.mutable_after() = after;
    v1::GetStateAsOfResponse state;
    status = Call(*audit_stub_, &v1::AuditService::Stub::GetStateAsOf, as_of, &state, token);
    EXPECT_TRUE(status.ok()) << status.error_message();

    const bool overdue = detail.action().overdue();
    EXPECT_EQ(dashboard.overdue(), overdue ? 1 : 0);
    EXPECT_EQ(listed.actions_size(), overdue ? 1 : 0);
    EXPECT_EQ(state.action().overdue(), overdue)
        << "GetStateAsOf and the query service disagree on the tenant's day "
        << TimeUtil::ToString(as_of.as_of());
    return overdue;
  }

  std::filesystem::path dir_;
  runtime::FakeClock clock_;
  prometheus::Registry registry_;
  auth::SigningKey key_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<eventlog::EventLog> log_;
  std::unique_ptr<command::CommandService> commands_;
  std::unique_ptr<command::AdminService> admin_;
  std::unique_ptr<query::QueryService> queries_;
  std::unique_ptr<audit_service::AuditService> audit_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CommandService::Stub> command_stub_;
  std::unique_ptr<v1::AdminService::Stub> admin_stub_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
  std::unique_ptr<v1::AuditService::Stub> audit_stub_;
  std::string review_id_;
  std::string decision_id_;
};

TEST_F(TenantClockTest, StateAsOfJudgesOverdueOnTheTenantsDayLikeTheQueries) {
  // 03:00Z on the 23rd is still the 22nd at -08:00: an action due on the 22nd is not overdue yet,
  // although the UTC day is past it.
  const v1::CommandReply assigned = AssignOne("pst", Date(2026, 11, 22));
  EXPECT_FALSE(OverdueEverywhere("pst", assigned, assigned.log_position()));

  // 09:00Z: the 23rd at -08:00 too. Overdue everywhere.
  clock_.Advance(hours(6));
  EXPECT_TRUE(OverdueEverywhere("pst", assigned, assigned.log_position()));
}

TEST_F(TenantClockTest, AnIanaZoneJudgesOverdueOnItsDaylightSavingDayEverywhere) {
  // 2027-07-01T21:30Z is 23:30 on the 1st in Amsterdam (+02:00 in summer): an action due today is
  // not overdue.
  clock_.Advance(std::chrono::sys_days{std::chrono::year{2027} / 7 / 1} + hours{21} +
                 std::chrono::minutes{30} - kEarlyUtc);
  const v1::CommandReply assigned = AssignOne("ams", Date(2027, 7, 1));
  EXPECT_FALSE(OverdueEverywhere("ams", assigned, assigned.log_position()));

  // 22:30Z: already the 2nd in Amsterdam, although a fixed +01:00 (its winter offset) would still
  // say the 1st. Overdue in the query service and GetStateAsOf alike.
  clock_.Advance(hours(1));
  EXPECT_TRUE(OverdueEverywhere("ams", assigned, assigned.log_position()));

  v1::TestClock shown;
  ASSERT_TRUE(Call(*admin_stub_, &v1::AdminService::Stub::GetTestClock, v1::GetTestClockRequest(),
                   &shown, Manager("ams"))
                  .ok());
  EXPECT_EQ(shown.time_zone(), "Europe/Amsterdam");
  EXPECT_EQ(shown.utc_offset_minutes(), 120);
  EXPECT_EQ(shown.today().day(), 2);
}

TEST_F(TenantClockTest, ASandboxClockMovesTheDayOfEveryService) {
  const std::string token = Manager("sandbox");
  // The tenant's today (the 22nd at -08:00) is the earliest due date it takes.
  const v1::CommandReply assigned = AssignOne("sandbox", Date(2026, 11, 22));
  EXPECT_FALSE(OverdueEverywhere("sandbox", assigned, assigned.log_position()));
  const auto before_advance = clock_.Now();
  clock_.Advance(std::chrono::minutes(1));  // the advance is recorded after that instant

  v1::AdvanceTestClockRequest advance;
  advance.set_command_id("clock-1");
  advance.mutable_advance_by()->set_seconds(2 * 86'400);
  v1::CommandReply advanced;
  grpc::Status status =
      Call(*admin_stub_, &v1::AdminService::Stub::AdvanceTestClock, advance, &advanced, token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(advanced.aggregate_id(), "sandbox");
  EXPECT_EQ(advanced.version(), 1);
  // A retry changes nothing.
  v1::CommandReply retried;
  ASSERT_TRUE(
      Call(*admin_stub_, &v1::AdminService::Stub::AdvanceTestClock, advance, &retried, token).ok());
  EXPECT_EQ(retried.log_position().offset(), advanced.log_position().offset());

  v1::TestClock shown;
  ASSERT_TRUE(Call(*admin_stub_, &v1::AdminService::Stub::GetTestClock, v1::GetTestClockRequest(),
                   &shown, token)
                  .ok());
  EXPECT_TRUE(shown.sandbox());
  EXPECT_EQ(shown.advance().seconds(), 2 * 86'400);
  EXPECT_EQ(shown.utc_offset_minutes(), -480);
  EXPECT_EQ(shown.today().day(), 24);

  // Overdue in the query service, its dashboard and GetStateAsOf alike.
  EXPECT_TRUE(OverdueEverywhere("sandbox", assigned, advanced.log_position()));
  // The audit service judges an earlier instant on the clock as it was then.
  v1::GetStateAsOfRequest then;
  then.set_action_id(assigned.aggregate_id());
  *then.mutable_as_of() = TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(before_advance.time_since_epoch())
          .count());
  v1::GetStateAsOfResponse state;
  ASSERT_TRUE(Call(*audit_stub_, &v1::AuditService::Stub::GetStateAsOf, then, &state, token).ok());
  EXPECT_FALSE(state.action().overdue());

  // The command service's today moved too: the 23rd is now in the past for a due date.
  v1::CommandReply reply;
  status = Assign("assign-2", Date(2026, 11, 23), token, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailOf(status), "due_date");
  EXPECT_TRUE(Assign("assign-3", Date(2026, 11, 24), token, &reply).ok());

  // Bad input names the field; the clock never goes backwards.
  advance.set_command_id("clock-2");
  advance.mutable_advance_by()->set_seconds(-86'400);
  status = Call(*admin_stub_, &v1::AdminService::Stub::AdvanceTestClock, advance, &reply, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(DetailOf(status), "advance_by");
}

TEST_F(TenantClockTest, AProductionTenantsClockCannotBeMoved) {
  const std::string token = Manager("pst");
  v1::AdvanceTestClockRequest advance;
  advance.set_command_id("clock-1");
  advance.mutable_advance_by()->set_seconds(86'400);
  v1::CommandReply reply;
  const grpc::Status status =
      Call(*admin_stub_, &v1::AdminService::Stub::AdvanceTestClock, advance, &reply, token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(DetailOf(status), "TENANT_NOT_SANDBOX");
  v1::TestClock shown;
  ASSERT_TRUE(Call(*admin_stub_, &v1::AdminService::Stub::GetTestClock, v1::GetTestClockRequest(),
                   &shown, token)
                  .ok());
  EXPECT_FALSE(shown.sandbox());
  EXPECT_EQ(shown.advance().seconds(), 0);
  EXPECT_EQ(shown.today().day(), 22);
}

}  // namespace
}  // namespace reviewtrail::testing
