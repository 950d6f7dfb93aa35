#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "fake_read_services.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace reviewtrail::cli {
namespace {

using test_support::CliRun;
using test_support::ReadCall;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

v1::ActionView Action(const std::string& id, v1::ActionStatus status, const std::string& owner,
                      bool overdue, const std::string& title) {
  v1::ActionView action;
  action.set_action_id(id);
  action.set_status(status);
  action.set_owner_id(owner);
  *action.mutable_due_date() = Day(2026, 12, 31);
  action.set_overdue(overdue);
  action.set_title(title);
  return action;
}

class QueryCommandsTest : public ::testing::Test {
 protected:
  CliRun Run(const std::vector<std::string>& args) {
    return test_support::RunAgainst(server_.address(), args);
  }
  std::vector<ReadCall> Calls() { return server_.log().calls(); }
  ReadCall LastCall() {
    const std::vector<ReadCall> calls = Calls();
    EXPECT_FALSE(calls.empty());
    return calls.empty() ? ReadCall{} : calls.back();
  }

  test_support::FakeReadServer server_;
};

TEST_F(QueryCommandsTest, ListActionsSendsEveryFilterWithTheBearerToken) {
  const CliRun run =
      Run({"query",      "actions",        "--owner",    "per-ole",     "--status",  "in-progress",
           "--review",   "rev-1",          "--decision", "dec-2",       "--overdue", "--due-before",
           "2027-01-01", "--due-after",    "2026-10-01", "--page-size", "50",        "--page-token",
           "tok-1",      "--min-position", "0:17"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ReadCall call = LastCall();
  EXPECT_EQ(call.method, "ListActions");
  EXPECT_EQ(call.Header("authorization"), "Bearer token-of-dana");
  const auto request = call.RequestAs<v1::ListActionsRequest>();
  EXPECT_EQ(request.owner_id(), "per-ole");
  EXPECT_EQ(request.status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(request.review_id(), "rev-1");
  EXPECT_EQ(request.decision_id(), "dec-2");
  EXPECT_TRUE(request.overdue_only());
  EXPECT_EQ(request.due_before().year(), 2027);
  EXPECT_EQ(request.due_on_or_after().month(), 10);
  EXPECT_EQ(request.page_size(), 50);
  EXPECT_EQ(request.page_token(), "tok-1");
  EXPECT_EQ(request.min_position().partition(), 0);
  EXPECT_EQ(request.min_position().offset(), 17);
}

TEST_F(QueryCommandsTest, ListActionsPrintsAnAlignedTableAndTheNextPageToken) {
  v1::ListActionsResponse page;
  *page.add_actions() = Action("act-1", v1::ACTION_STATUS_CLOSURE_REQUESTED, "per-ole", false,
                               "Roll out phishing training");
  *page.add_actions() = Action("act-22", v1::ACTION_STATUS_OPEN, "per-dana", true, "Fix backups");
  page.set_next_page_token("tok-2");
  server_.log().AnswerWith("ListActions", page);

  const CliRun run = Run({"query", "actions"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "ACTION  STATUS             OWNER     DUE         OVERDUE  TITLE\n"
            "act-1   closure-requested  per-ole   2026-12-31           Roll out phishing training\n"
            "act-22  open               per-dana  2026-12-31  overdue  Fix backups\n"
            "2 actions. More: --page-token tok-2 (or --all).\n");
}

TEST_F(QueryCommandsTest, AllFollowsPageTokensToTheEnd) {
  server_.log().Handle(
      "ListActions", [](const google::protobuf::Message& message, google::protobuf::Message* out) {
        const auto& request = dynamic_cast<const v1::ListActionsRequest&>(message);
        auto& response = dynamic_cast<v1::ListActionsResponse&>(*out);
        if (request.page_token().empty()) {
          *response.add_actions() = Action("act-1", v1::ACTION_STATUS_OPEN, "p", false, "one");
          response.set_next_page_token("t2");
        } else if (request.page_token() == "t2") {
          *response.add_actions() = Action("act-2", v1::ACTION_STATUS_OPEN, "p", false, "two");
          response.set_next_page_token("t3");
        } else {
          *response.add_actions() = Action("act-3", v1::ACTION_STATUS_OPEN, "p", false, "three");
        }
        return grpc::Status::OK;
      });

  const CliRun run = Run({"--json", "query", "actions", "--all", "--owner", "p"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> tokens;
  for (const ReadCall& call : Calls()) {
    const auto request = call.RequestAs<v1::ListActionsRequest>();
    EXPECT_EQ(request.owner_id(), "p");  // every page keeps the filters
    EXPECT_EQ(call.Header("authorization"), "Bearer token-of-dana");
    tokens.push_back(request.page_token());
  }
  EXPECT_THAT(tokens, ElementsAre("", "t2", "t3"));
  const nlohmann::json json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json["actions"].size(), 3u);
  EXPECT_EQ(json["actions"][2]["action_id"], "act-3");
  EXPECT_EQ(json["actions"][0]["status"], "ACTION_STATUS_OPEN");
  EXPECT_EQ(json["next_page_token"], "");
}

TEST_F(QueryCommandsTest, AllStopsWhenTheServerRepeatsAToken) {
  v1::ListPersonsResponse page;
  page.add_persons()->set_person_id("per-1");
  page.set_next_page_token("same");
  server_.log().AnswerWith("ListPersons", page);

  const CliRun run = Run({"query", "persons", "--all"});

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("page token 'same' twice"));
  EXPECT_EQ(Calls().size(), 2u);
}

TEST_F(QueryCommandsTest, PersonsFilterByIdOrNamePrefixAndOnePersonShowsItsFields) {
  v1::ListPersonsResponse page;
  page.add_persons()->set_person_id("ole");
  server_.log().AnswerWith("ListPersons", page);
  CliRun run = Run({"query", "persons", "--id-prefix", "ol", "--name-prefix", "Ole B"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::ListPersonsRequest>();
  EXPECT_EQ(request.person_id_prefix(), "ol");
  EXPECT_EQ(request.display_name_prefix(), "Ole B");

  v1::PersonView person;
  person.set_person_id("ole");
  person.set_display_name("Ole Berg");
  person.set_email("ole@example.com");
  person.set_manager_id("dana");
  person.set_active(true);
  server_.log().AnswerWith("GetPerson", person);
  run = Run({"query", "person", "--person", "ole"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastCall().RequestAs<v1::GetPersonRequest>().person_id(), "ole");
  EXPECT_THAT(run.out, HasSubstr("Ole Berg"));
  EXPECT_THAT(run.out, HasSubstr("dana"));
}

TEST_F(QueryCommandsTest, FooterCountsInTheSingular) {
  v1::ListReviewsResponse page;
  page.add_reviews()->set_review_id("rev-1");
  server_.log().AnswerWith("ListReviews", page);
  const CliRun run = Run({"query", "reviews"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\n1 review.\n"));
}

TEST_F(QueryCommandsTest, ActionDetailShowsFieldsAndHistory) {
  v1::ActionDetail detail;
  *detail.mutable_action() =
      Action("act-1", v1::ACTION_STATUS_IN_PROGRESS, "per-ole", true, "Phishing training");
  *detail.mutable_action()->mutable_original_due_date() = Day(2026, 11, 30);
  v1::HistoryEntry* entry = detail.add_history();
  entry->set_version(2);
  entry->set_event_type("ActionDeadlineChanged");
  entry->set_actor_id("per-dana");
  entry->set_change("due date 2026-11-30 -> 2026-12-31 (supplier late)");
  entry->mutable_position()->set_offset(42);
  server_.log().AnswerWith("GetAction", detail);

  const CliRun run = Run({"query", "action", "--action", "act-1", "--min-position", "1:9"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::GetActionRequest>();
  EXPECT_EQ(request.action_id(), "act-1");
  EXPECT_EQ(request.min_position().partition(), 1);
  EXPECT_EQ(request.min_position().offset(), 9);
  EXPECT_THAT(run.out, HasSubstr("Status:               in-progress, OVERDUE, 0% complete\n"));
  EXPECT_THAT(run.out, HasSubstr("Due:                  2026-12-31 (first 2026-11-30)\n"));
  EXPECT_THAT(run.out, HasSubstr("ActionDeadlineChanged  0:42      due date 2026-11-30"));
}

TEST_F(QueryCommandsTest, DashboardPrintsLabelledCountsAndTakesOneScope) {
  v1::Dashboard dashboard;
  dashboard.set_owner_id("per-ole");
  *dashboard.mutable_today() = Day(2026, 11, 23);
  dashboard.set_total_actions(7);
  v1::StatusCount* open = dashboard.add_by_status();
  open->set_status(v1::ACTION_STATUS_OPEN);
  open->set_count(3);
  dashboard.set_overdue(2);
  dashboard.set_closures_with_evidence(4);
  dashboard.set_evidence_closure_share(0.8);
  dashboard.set_median_days_to_close(9.5);
  server_.log().AnswerWith("GetDashboard", dashboard);

  CliRun run = Run({"query", "dashboard", "--owner", "per-ole"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastCall().RequestAs<v1::GetDashboardRequest>().owner_id(), "per-ole");
  EXPECT_THAT(run.out, HasSubstr("Dashboard for owner per-ole, today 2026-11-23\n"));
  EXPECT_THAT(run.out, HasSubstr("Actions                 7\n"));
  EXPECT_THAT(run.out, HasSubstr("  open                  3\n"));
  EXPECT_THAT(run.out, HasSubstr("Overdue                 2\n"));
  EXPECT_THAT(run.out, HasSubstr("Median days to close    9.5\n"));
  EXPECT_THAT(run.out, HasSubstr("Closures with evidence  4 (80%)\n"));

  run = Run({"--json", "query", "dashboard"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["total_actions"], "7");  // proto3 JSON: int64 as a string
  EXPECT_EQ(json["closed_late"], "0");    // zero values are printed too
  EXPECT_EQ(json["today"]["year"], 2026);

  run = Run({"query", "dashboard", "--owner", "per-ole", "--review", "rev-1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("excludes"));
}

TEST_F(QueryCommandsTest, EveryQueryReachesItsRpc) {
  struct Case {
    std::vector<std::string> args;
    std::string method;
  };
  const std::vector<Case> cases = {
      {{"query", "action", "--action", "act-1"}, "GetAction"},
      {{"query", "actions"}, "ListActions"},
      {{"query", "review", "--review", "rev-1"}, "GetReview"},
      {{"query", "reviews", "--page-size", "5"}, "ListReviews"},
      {{"query", "persons"}, "ListPersons"},
      {{"query", "dashboard", "--review", "rev-1"}, "GetDashboard"},
      {{"query", "input-pack", "--held-before", "2026-11-20"}, "GetReviewInputPack"},
      {{"query", "person", "--person", "per-1"}, "GetPerson"},
      {{"query", "readiness", "--min-position", "0:3"}, "CheckAuditReadiness"},
  };
  for (const Case& query : cases) {
    const CliRun run = Run(query.args);
    EXPECT_EQ(run.exit_code, 0) << query.method << ": " << run.err;
    EXPECT_EQ(LastCall().method, query.method);
    EXPECT_EQ(LastCall().Header("authorization"), "Bearer token-of-dana");
  }
  EXPECT_EQ(LastCall().RequestAs<v1::CheckAuditReadinessRequest>().min_position().offset(), 3);
}

TEST_F(QueryCommandsTest, ReadinessListsFindings) {
  v1::AuditReadinessReport report;
  *report.mutable_today() = Day(2026, 11, 23);
  v1::AuditFinding* finding = report.add_findings();
  finding->set_type(v1::AUDIT_FINDING_TYPE_CLOSED_WITHOUT_EVIDENCE);
  finding->set_subject("actions/act-9");
  finding->set_description("closed without evidence");
  server_.log().AnswerWith("CheckAuditReadiness", report);

  const CliRun run = Run({"query", "readiness"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "Audit readiness on 2026-11-23: 1 finding\n"
            "FINDING                  SUBJECT        DESCRIPTION\n"
            "closed-without-evidence  actions/act-9  closed without evidence\n");
}

TEST_F(QueryCommandsTest, NotFoundIsDecodedAndExitsOne) {
  google::rpc::ResourceInfo resource;
  resource.set_resource_type("action");
  resource.set_resource_name("act-404");
  google::rpc::Status details;
  details.add_details()->PackFrom(resource);
  server_.log().FailWith("GetAction", grpc::Status(grpc::StatusCode::NOT_FOUND, "no action act-404",
                                                   details.SerializeAsString()));

  CliRun run = Run({"query", "action", "--action", "act-404"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(run.err, HasSubstr("error: NOT_FOUND: no action act-404\n"));
  EXPECT_THAT(run.err, HasSubstr("act-404"));

  run = Run({"--json", "query", "action", "--action", "act-404"});
  EXPECT_EQ(run.exit_code, 1);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(json["error"]["resource_info"][0]["resource_name"], "act-404");
  EXPECT_FALSE(json.contains("command_id"));
}

TEST_F(QueryCommandsTest, PositionNotReachedExitsThree) {
  server_.log().FailWith("ListReviews",
                         grpc::Status(grpc::StatusCode::UNAVAILABLE, "position 0:99 not applied"));
  const CliRun run = Run({"query", "reviews", "--min-position", "0:99"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("safe to run the same command again"));
}

TEST_F(QueryCommandsTest, BadFlagValuesAreUsageErrors) {
  CliRun run = Run({"query", "actions", "--status", "done"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--status: 'done' is not an action status"));

  run = Run({"query", "actions", "--min-position", "17"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--min-position: must be a log position PARTITION:OFFSET"));

  run = Run({"query", "actions", "--page-size", "5000"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(Calls().empty());
}

}  // namespace
}  // namespace reviewtrail::cli
