#include "reviewtrail/cli/run_cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <vector>

#include "fake_command_service.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "reviewtrail/cli/channel.h"
#include "temp_dir.h"

namespace reviewtrail::cli {
namespace {

using test_support::FakeCommandService;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `reviewtrail <args>` against the fake server with only `env` in the environment.
class RunCliTest : public ::testing::Test {
 protected:
  RunCliTest() {
    v1::CommandReply reply;
    reply.set_aggregate_id("act-7c1");
    reply.set_version(1);
    reply.add_event_ids("evt-1");
    reply.mutable_log_position()->set_partition(0);
    reply.mutable_log_position()->set_offset(17);
    server_.service().AnswerWith(reply);
  }

  CliRun Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    env.emplace("REVIEWTRAIL_ADDRESS", server_.address());
    env.emplace("REVIEWTRAIL_TOKEN", "token-of-dana");
    std::vector<const char*> argv = {"reviewtrail"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    CliDependencies dependencies{[env](const std::string& name) -> std::optional<std::string> {
                                   auto found = env.find(name);
                                   if (found == env.end()) return std::nullopt;
                                   return found->second;
                                 },
                                 ConnectOverGrpc};
    std::ostringstream out;
    std::ostringstream err;
    const int exit_code =
        RunCli(static_cast<int>(argv.size()), argv.data(), out, err, dependencies);
    return {exit_code, out.str(), err.str()};
  }

  FakeCommandService::Call LastCall() {
    std::optional<FakeCommandService::Call> call = server_.service().last_call();
    EXPECT_TRUE(call.has_value());
    return call.value_or(FakeCommandService::Call{});
  }

  static std::vector<std::string> AssignArgs() {
    return {"action",
            "assign",
            "--decision",
            "dec-1",
            "--title",
            "Phishing training",
            "--expected-outcome",
            "All staff trained",
            "--criteria",
            "LMS export 100%",
            "--owner",
            "per-dana",
            "--due",
            "2026-12-31",
            "--link",
            "control:A.6.3:Awareness",
            "--link",
            "risk:R-12"};
  }

  test_support::FakeServer server_;
};

TEST_F(RunCliTest, AssignSendsTheRequestWithBearerTokenAndPrintsTheOutcome) {
  const CliRun run = Run(AssignArgs());

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const FakeCommandService::Call call = LastCall();
  EXPECT_EQ(call.method, "AssignAction");
  EXPECT_EQ(call.Header("authorization"), "Bearer token-of-dana");
  const auto request = call.RequestAs<v1::AssignActionRequest>();
  EXPECT_EQ(request.decision_id(), "dec-1");
  EXPECT_EQ(request.title(), "Phishing training");
  EXPECT_EQ(request.expected_outcome(), "All staff trained");
  EXPECT_EQ(request.completion_criteria(), "LMS export 100%");
  EXPECT_EQ(request.owner_id(), "per-dana");
  EXPECT_EQ(request.due_date().year(), 2026);
  EXPECT_EQ(request.due_date().month(), 12);
  EXPECT_EQ(request.due_date().day(), 31);
  ASSERT_EQ(request.links_size(), 2);
  EXPECT_EQ(request.links(0).kind(), v1::LINK_KIND_CONTROL);
  EXPECT_EQ(request.links(0).ref(), "A.6.3");
  EXPECT_EQ(request.links(0).title(), "Awareness");
  EXPECT_EQ(request.links(1).kind(), v1::LINK_KIND_RISK);
  EXPECT_FALSE(request.has_expected_version());
  EXPECT_TRUE(std::regex_match(request.command_id(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")))
      << request.command_id();
  EXPECT_EQ(run.out, "Assigned action act-7c1 (version 1) at log position 0:17; command id " +
                         request.command_id() + "\n");
}

TEST_F(RunCliTest, JsonOutputCarriesTheReplyAndTheGivenCommandId) {
  std::vector<std::string> args = AssignArgs();
  args.insert(args.end(), {"--json", "--command-id", "retry-42", "--expected-version", "0"});
  const CliRun run = Run(args);

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::AssignActionRequest>();
  EXPECT_EQ(request.command_id(), "retry-42");
  EXPECT_TRUE(request.has_expected_version());
  EXPECT_EQ(request.expected_version(), 0);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json, nlohmann::json::parse(
                      R"({"aggregate_id": "act-7c1", "entity_id": "act-7c1", "version": 1,
      "event_ids": ["evt-1"], "log_position": {"partition": 0, "offset": 17},
      "command_id": "retry-42"})"));
}

TEST_F(RunCliTest, RefusalPrintsCodeMessageAndFieldViolationsAndExitsOne) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("due_date");
  violation->set_description("must not be before today (2026-11-23)");
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message("due_date must not be before today (2026-11-23)");
  details.add_details()->PackFrom(bad_request);
  server_.service().FailWith(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, details.message(),
                                          details.SerializeAsString()));

  const CliRun run = Run(AssignArgs());

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(run.err,
              HasSubstr("error: INVALID_ARGUMENT: due_date must not be before today (2026-11-23)\n"
                        "  due_date: must not be before today (2026-11-23)\n"));
  EXPECT_THAT(run.err, HasSubstr("command id "));
}

TEST_F(RunCliTest, RefusalAsJsonGoesToStdout) {
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type("EVIDENCE_REQUIRED");
  violation->set_subject("actions/act-7c1");
  violation->set_description("attach evidence first");
  google::rpc::Status details;
  details.add_details()->PackFrom(failure);
  server_.service().FailWith(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                          "closure needs evidence", details.SerializeAsString()));

  const CliRun run =
      Run({"--json", "action", "request-closure", "--action", "act-7c1", "--command-id", "c-9"});

  EXPECT_EQ(run.exit_code, 1);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["command_id"], "c-9");
  EXPECT_EQ(json["error"]["code"], "FAILED_PRECONDITION");
  EXPECT_EQ(json["error"]["message"], "closure needs evidence");
  EXPECT_EQ(json["error"]["field_violations"], nlohmann::json::array());
  EXPECT_EQ(json["error"]["precondition_violations"][0]["type"], "EVIDENCE_REQUIRED");
  EXPECT_EQ(json["error"]["precondition_violations"][0]["subject"], "actions/act-7c1");
}

TEST_F(RunCliTest, DecisionRecordNamesTheNewDecision) {
  v1::CommandReply reply;
  reply.set_aggregate_id("rev-1");
  reply.set_entity_id("dec-9");
  reply.set_version(2);
  server_.service().AnswerWith(reply);
  const CliRun run = Run({"decision", "record", "--review", "rev-1", "--summary", "s",
                          "--rationale", "r", "--category", "improvement", "--command-id", "c-3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "Recorded decision on review rev-1 (version 2) at log position 0:0; decision dec-9; "
            "command id c-3\n");
  EXPECT_EQ(LastCall().RequestAs<v1::RecordDecisionRequest>().category(),
            v1::DECISION_CATEGORY_IMPROVEMENT_OPPORTUNITY);
}

TEST_F(RunCliTest, UnreachableServerExitsThreeAndOffersTheRetry) {
  std::string dead_address;
  {
    test_support::FakeServer gone;
    dead_address = gone.address();
  }
  std::vector<std::string> args = AssignArgs();
  args.insert(args.end(), {"--address", dead_address, "--timeout", "5", "--command-id", "c-1"});
  const CliRun run = Run(args);

  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(run.err, HasSubstr("retry it with --command-id c-1"));
}

TEST_F(RunCliTest, BadFlagValuesAreUsageErrorsNamingFlagAndRule) {
  std::vector<std::string> bad_date = AssignArgs();
  bad_date[13] = "31.12.2026";
  CliRun run = Run(bad_date);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--due: must be an ISO date YYYY-MM-DD"));

  run = Run({"decision", "record", "--review", "rev-1", "--summary", "s", "--rationale", "r",
             "--category", "nice-to-have"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--category: 'nice-to-have' is not a decision category"));

  run = Run({"review", "record", "--title", "Q4", "--held-on", "2026-11-20", "--chair", "per-1",
             "--input", "z"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--input: 'z' is not a clause 9.3.2 input"));

  run = Run({"action", "assign", "--title", "t"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("is required"));

  run = Run({"action", "frobnicate"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_FALSE(server_.service().last_call().has_value());
}

TEST_F(RunCliTest, HelpExplainsTheFieldsAndExitsZero) {
  const CliRun run = Run({"action", "assign", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("--expected-outcome"));
  EXPECT_THAT(run.out, HasSubstr("never a team, role or department"));
}

TEST_F(RunCliTest, EvidenceAttachHashesTheFileAndGuessesItsMediaType) {
  test_support::TempDir dir;
  const std::string file = dir.Write("lms-report.pdf", "abc");
  const CliRun run =
      Run({"evidence", "attach", "--action", "act-7c1", "--kind", "training-record", "--uri",
           "https://dms.example.com/doc/4711", "--file", file, "--description", "LMS export"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::AttachEvidenceRequest>();
  EXPECT_EQ(request.action_id(), "act-7c1");
  EXPECT_EQ(request.kind(), v1::EVIDENCE_KIND_TRAINING_RECORD);
  EXPECT_EQ(request.uri(), "https://dms.example.com/doc/4711");
  EXPECT_EQ(request.sha256(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(request.size_bytes(), 3);
  EXPECT_EQ(request.media_type(), "application/pdf");
  EXPECT_EQ(request.description(), "LMS export");
}

TEST_F(RunCliTest, EvidenceAttachNeedsAFileOrTheFingerprint) {
  CliRun run =
      Run({"evidence", "attach", "--action", "a", "--kind", "other", "--uri", "https://x/y"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("give --file PATH"));

  run = Run({"evidence", "attach", "--action", "a", "--kind", "other", "--uri", "https://x/y.png",
             "--sha256", std::string(64, 'A'), "--size", "10"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::AttachEvidenceRequest>();
  EXPECT_EQ(request.sha256(), std::string(64, 'a'));
  EXPECT_EQ(request.media_type(), "image/png");

  run = Run({"evidence", "attach", "--action", "a", "--kind", "other", "--uri", "https://x/y",
             "--file", "/no/such/file.pdf"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--file: cannot open '/no/such/file.pdf'"));
}

TEST_F(RunCliTest, TokenAndAddressComeFromTheConfigFileWhenNotGivenOtherwise) {
  test_support::TempDir dir;
  const std::string token_file = dir.Write("token", "token-from-file\n");
  const std::string config = dir.Write(
      "cli.ini", "address = \"" + server_.address() + "\"\ntoken-file = \"" + token_file + "\"\n");
  std::vector<const char*> argv = {"reviewtrail",
                                   "action",
                                   "cancel",
                                   "--action",
                                   "act-1",
                                   "--reason",
                                   "revoked by review rev-2"};
  CliDependencies dependencies{[config](const std::string& name) -> std::optional<std::string> {
                                 if (name == "REVIEWTRAIL_CONFIG") return config;
                                 return std::nullopt;
                               },
                               ConnectOverGrpc};
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunCli(static_cast<int>(argv.size()), argv.data(), out, err, dependencies), 0)
      << err.str();
  EXPECT_EQ(LastCall().Header("authorization"), "Bearer token-from-file");
  EXPECT_EQ(LastCall().RequestAs<v1::CancelActionRequest>().reason(), "revoked by review rev-2");
  EXPECT_THAT(out.str(), HasSubstr("Cancelled action act-7c1"));
}

TEST_F(RunCliTest, FlagTokenBeatsEnvironmentToken) {
  std::vector<std::string> args = AssignArgs();
  args.insert(args.begin(), {"--token", "flag-token"});
  ASSERT_EQ(Run(args).exit_code, 0);
  EXPECT_EQ(LastCall().Header("authorization"), "Bearer flag-token");
}

struct CommandCase {
  std::vector<std::string> args;
  std::string method;
};

TEST_F(RunCliTest, EveryCommandReachesItsRpc) {
  const std::vector<CommandCase> cases = {
      {{"person", "register", "--display-name", "Dana", "--email", "dana@example.com"},
       "RegisterPerson"},
      {{"person", "deactivate", "--person", "per-1", "--reason", "left"}, "DeactivatePerson"},
      {{"review", "record", "--title", "Q4", "--held-on", "2026-11-20", "--chair", "per-1",
        "--attendee", "per-2", "--attendee", "per-3", "--input", "a", "--input", "g"},
       "RecordReview"},
      {{"decision", "record", "--review", "rev-1", "--summary", "s", "--rationale", "r",
        "--category", "isms-change", "--link", "document:POL-7"},
       "RecordDecision"},
      {AssignArgs(), "AssignAction"},
      {{"action", "reassign", "--action", "act-1", "--new-owner", "per-2", "--reason", "r"},
       "ReassignAction"},
      {{"action", "reschedule", "--action", "act-1", "--due", "2027-01-31", "--reason", "r"},
       "RescheduleAction"},
      {{"action", "progress", "--action", "act-1", "--note", "n", "--percent", "40"},
       "ReportProgress"},
      {{"action", "cancel", "--action", "act-1", "--reason", "r"}, "CancelAction"},
      {{"action", "request-closure", "--action", "act-1", "--note", "n"}, "RequestClosure"},
      {{"action", "approve", "--action", "act-1"}, "ApproveClosure"},
      {{"action", "reject", "--action", "act-1", "--reason", "r"}, "RejectClosure"},
      {{"evidence", "attach", "--action", "act-1", "--kind", "test-result", "--uri", "s3://b/k",
        "--sha256", std::string(64, '0'), "--size", "1"},
       "AttachEvidence"},
      {{"reminder", "record", "--action", "act-1", "--recipient", "per-1", "--channel", "email",
        "--days-before-due", "7"},
       "RecordReminder"},
      {{"escalation", "record", "--action", "act-1", "--level", "2", "--recipient", "per-9",
        "--channel", "webhook", "--days-overdue", "3"},
       "RecordEscalation"},
  };
  for (const CommandCase& command : cases) {
    const CliRun run = Run(command.args);
    EXPECT_EQ(run.exit_code, 0) << command.method << ": " << run.err;
    EXPECT_EQ(LastCall().method, command.method);
    EXPECT_THAT(run.out, Not(IsEmpty())) << command.method;
  }
  const auto review = Run(cases[2].args).exit_code == 0
                          ? LastCall().RequestAs<v1::RecordReviewRequest>()
                          : v1::RecordReviewRequest();
  EXPECT_EQ(review.attendee_ids_size(), 2);
  ASSERT_EQ(review.inputs_covered_size(), 2);
  EXPECT_EQ(review.inputs_covered(1), v1::REVIEW_INPUT_G_IMPROVEMENT_OPPORTUNITIES);
}

TEST(ExitCodeForTest, SeparatesRefusalsFromConnectionTrouble) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), kExitOk);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::FAILED_PRECONDITION), kExitRefused);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED), kExitRefused);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAVAILABLE), kExitCannotConnect);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED), kExitCannotConnect);
}

}  // namespace
}  // namespace reviewtrail::cli
