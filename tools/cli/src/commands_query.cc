#include <memory>
#include <string>

#include "reviewtrail/cli/paging.h"
#include "reviewtrail/cli/proto_json.h"
#include "reviewtrail/cli/query_format.h"
#include "reviewtrail/cli/read_registry.h"
#include "reviewtrail/cli/request_builders.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/cli/value_parsers.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::cli {
namespace {

using QueryStub = v1::QueryService::StubInterface;

template <typename Request, typename Response>
using QueryRpc = grpc::Status (QueryStub::*)(grpc::ClientContext*, const Request&, Response*);

template <typename Response>
using Formatter = std::string (*)(const Response&);

template <typename Response>
int Print(const ReadSession& session, const Response& response, const std::string& text) {
  if (session.options.json) {
    session.out << MessageToJson(response).dump() << "\n";
  } else {
    session.out << text;
  }
  return kExitOk;
}

// A query answered by one call.
template <typename Request, typename Response>
int RunSingle(const ReadSession& session, const Request& request, QueryRpc<Request, Response> rpc,
              Formatter<Response> format) {
  std::unique_ptr<QueryStub> stub = v1::QueryService::NewStub(session.channel);
  grpc::ClientContext context;
  PrepareClientContext(session.options, context);
  Response response;
  const grpc::Status status = (stub.get()->*rpc)(&context, request, &response);
  if (!status.ok()) return ReportRpcError(status, session);
  return Print(session, response, format(response));
}

// A list: one page, or with --all every page, printed as one table.
template <typename Request, typename Response, typename Item>
int RunList(const ReadSession& session, const Request& request, bool all,
            QueryRpc<Request, Response> rpc, const Repeated<Item>& (Response::*items)() const,
            std::string (*format)(const Repeated<Item>&), std::string_view noun) {
  std::unique_ptr<QueryStub> stub = v1::QueryService::NewStub(session.channel);
  Response merged;
  const grpc::Status status = FetchPages<Request, Response>(
      request, all, session.options,
      [&stub, rpc](grpc::ClientContext* context, const Request& page_request, Response* page) {
        return (stub.get()->*rpc)(context, page_request, page);
      },
      &merged);
  if (!status.ok()) return ReportRpcError(status, session);
  const Repeated<Item>& found = (merged.*items)();
  std::string text = found.empty() ? "" : format(found);
  text += FormatPageFooter(found.size(), noun, merged.next_page_token());
  return Print(session, merged, text);
}

// --page-size, --page-token and --all of a list.
template <typename Request>
void AddPagingFlags(CLI::App& app, Request* request, bool* all) {
  app.add_option_function<int32_t>(
         "--page-size", [request](int32_t size) { request->set_page_size(size); },
         "Items per page, at most 1000 (default: the server's, 100).")
      ->type_name("N")
      ->check(CLI::Range(1, 1000).description(""));
  app.add_option("--page-token", *request->mutable_page_token(),
                 "Continue a list: the token printed as \"More: --page-token ...\" (JSON: "
                 "next_page_token).")
      ->type_name("TOKEN");
  app.add_flag("--all", *all, "Follow the page tokens to the end and print everything at once.");
}

void AddMinPosition(CLI::App& app, std::function<v1::LogPosition*()> field) {
  AddLogPositionFlag(app, "--min-position", std::move(field));
}

void AddGetAction(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetActionRequest>();
  CLI::App* app = registry.Add(
      area, "action", "One action with its evidence, approvals and full history.",
      [request](const ReadSession& session) {
        return RunSingle(session, *request, &QueryStub::GetAction, &FormatActionDetail);
      });
  app->add_option("--action", *request->mutable_action_id(), "The action (act-...).")
      ->type_name("ACTION_ID")
      ->required();
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

struct ListActionsFlags {
  v1::ListActionsRequest request;
  bool all = false;
};

void AddListActions(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<ListActionsFlags>();
  v1::ListActionsRequest* request = &flags->request;
  CLI::App* app = registry.Add(
      area, "actions",
      "Actions matching every given filter (none: all you may see), as a table of status, owner, "
      "due date, overdue marker and title.",
      [flags](const ReadSession& session) {
        return RunList(session, flags->request, flags->all, &QueryStub::ListActions,
                       &v1::ListActionsResponse::actions, &FormatActionTable, "actions");
      });
  app->add_option("--owner", *request->mutable_owner_id(), "Only this owner's actions.")
      ->type_name("PERSON_ID");
  AddParsedFlag(
      *app, "--status", ParseActionStatus,
      [request](v1::ActionStatus status) { request->set_status(status); },
      "Only actions in this status: " + ActionStatusChoices() + ".")
      ->type_name("STATUS");
  app->add_option("--review", *request->mutable_review_id(), "Only actions of this review.")
      ->type_name("REVIEW_ID");
  app->add_option("--decision", *request->mutable_decision_id(),
                  "Only actions carrying out this decision.")
      ->type_name("DECISION_ID");
  app->add_flag_function(
      "--overdue", [request](int64_t) { request->set_overdue_only(true); },
      "Only overdue actions: not final and due before today (the tenant's time zone).");
  AddDateFlag(
      *app, "--due-before", [request] { return request->mutable_due_before(); },
      "Only actions due strictly before this day.");
  AddDateFlag(
      *app, "--due-after,--due-on-or-after",
      [request] { return request->mutable_due_on_or_after(); },
      "Only actions due on or after this day.");
  AddPagingFlags(*app, request, &flags->all);
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

void AddGetReview(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetReviewRequest>();
  CLI::App* app =
      registry.Add(area, "review", "One management review with its decisions.",
                   [request](const ReadSession& session) {
                     return RunSingle(session, *request, &QueryStub::GetReview, &FormatReview);
                   });
  app->add_option("--review", *request->mutable_review_id(), "The review (rev-...).")
      ->type_name("REVIEW_ID")
      ->required();
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

struct ListReviewsFlags {
  v1::ListReviewsRequest request;
  bool all = false;
};

void AddListReviews(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<ListReviewsFlags>();
  CLI::App* app = registry.Add(
      area, "reviews", "Management reviews, by review id.", [flags](const ReadSession& session) {
        return RunList(session, flags->request, flags->all, &QueryStub::ListReviews,
                       &v1::ListReviewsResponse::reviews, &FormatReviewTable, "reviews");
      });
  AddPagingFlags(*app, &flags->request, &flags->all);
  AddMinPosition(*app, [flags] { return flags->request.mutable_min_position(); });
}

struct ListPersonsFlags {
  v1::ListPersonsRequest request;
  bool all = false;
};

void AddListPersons(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<ListPersonsFlags>();
  CLI::App* app = registry.Add(
      area, "persons", "Persons by id, inactive ones included.",
      [flags](const ReadSession& session) {
        return RunList(session, flags->request, flags->all, &QueryStub::ListPersons,
                       &v1::ListPersonsResponse::persons, &FormatPersonTable, "persons");
      });
  app->add_option("--id-prefix", *flags->request.mutable_person_id_prefix(),
                  "Only persons whose id starts with this.")
      ->type_name("PREFIX");
  app->add_option("--name-prefix", *flags->request.mutable_display_name_prefix(),
                  "Only persons whose display name starts with this (ASCII letters in any case).")
      ->type_name("PREFIX");
  AddPagingFlags(*app, &flags->request, &flags->all);
  AddMinPosition(*app, [flags] { return flags->request.mutable_min_position(); });
}

void AddGetPerson(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetPersonRequest>();
  CLI::App* app = registry.Add(
      area, "person", "One person by id, inactive or not.", [request](const ReadSession& session) {
        return RunSingle(session, *request, &QueryStub::GetPerson, &FormatPerson);
      });
  app->add_option("--person", *request->mutable_person_id(), "The person's id.")
      ->type_name("PERSON_ID")
      ->required();
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

void AddDashboard(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetDashboardRequest>();
  CLI::App* app = registry.Add(
      area, "dashboard",
      "Counters: actions by status, open, overdue, due within 7 days, closed on time or late, "
      "median days to close, closures with evidence, deadline moves. For the whole tenant, or "
      "with --review or --owner (at most one) for that scope.",
      [request](const ReadSession& session) {
        return RunSingle(session, *request, &QueryStub::GetDashboard, &FormatDashboard);
      });
  CLI::Option* review =
      app->add_option("--review", *request->mutable_review_id(), "Only this review's actions.")
          ->type_name("REVIEW_ID");
  app->add_option("--owner", *request->mutable_owner_id(), "Only this owner's actions.")
      ->type_name("PERSON_ID")
      ->excludes(review);
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

void AddInputPack(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetReviewInputPackRequest>();
  CLI::App* app = registry.Add(
      area, "input-pack",
      "Clause 9.3.2 (a) for the next management review: every earlier review and the status of "
      "its actions (owner, due date, slips, evidence).",
      [request](const ReadSession& session) {
        return RunSingle(session, *request, &QueryStub::GetReviewInputPack, &FormatInputPack);
      });
  AddDateFlag(
      *app, "--held-before", [request] { return request->mutable_held_before(); },
      "Only reviews held before this day (default: every review).");
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

void AddReadiness(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::CheckAuditReadinessRequest>();
  CLI::App* app = registry.Add(
      area, "readiness",
      "The audit pitfalls as findings, each naming its record: decisions without actions, "
      "actions missing an owner, deadline or completion criteria, closures without evidence, "
      "overdue actions without escalation, deadlines moved more than once, deactivated owners.",
      [request](const ReadSession& session) {
        return RunSingle(session, *request, &QueryStub::CheckAuditReadiness, &FormatReadiness);
      });
  AddMinPosition(*app, [request] { return request->mutable_min_position(); });
}

}  // namespace

void AddQueryCommands(CLI::App& app, ReadRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "query",
      "Read the current state: actions, reviews, persons, dashboards, the review input pack and "
      "the audit-readiness check (QueryService). --min-position P:O reads your own writes.");
  area->require_subcommand(1);
  AddGetAction(*area, registry);
  AddListActions(*area, registry);
  AddGetReview(*area, registry);
  AddListReviews(*area, registry);
  AddListPersons(*area, registry);
  AddGetPerson(*area, registry);
  AddDashboard(*area, registry);
  AddInputPack(*area, registry);
  AddReadiness(*area, registry);
}

}  // namespace reviewtrail::cli
