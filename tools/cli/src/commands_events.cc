#include <memory>
#include <string>

#include "reviewtrail/cli/proto_json.h"
#include "reviewtrail/cli/read_registry.h"
#include "reviewtrail/cli/request_builders.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/cli/value_parsers.h"
#include "reviewtrail/v1/event_service.grpc.pb.h"

namespace reviewtrail::cli {
namespace {

struct TailFlags {
  v1::SubscribeRequest request;
  bool from_now = false;
  int64_t limit = 0;  // 0: no limit
};

std::string PositionText(const v1::LogPosition& position) {
  return std::to_string(position.partition()) + ":" + std::to_string(position.offset());
}

// "0:17  reviewtrail.v1.ActionAssigned  act-1  <event id>"
std::string EventLine(const v1::SubscribeResponse& message) {
  const std::string subject =
      message.event().aggregate_id().empty() ? "-" : message.event().aggregate_id();
  return PositionText(message.position()) + "  " + message.event_type() + "  " + subject + "  " +
         message.event_id() + "\n";
}

int RunTail(const ReadSession& session, const TailFlags& flags) {
  v1::SubscribeRequest request = flags.request;
  if (flags.from_now) {
    if (request.has_from()) {
      return ReportUsageError("--from and --now exclude each other", session);
    }
    request.set_start_at(v1::STREAM_START_NOW);
  }
  std::unique_ptr<v1::EventService::StubInterface> stub =
      v1::EventService::NewStub(session.channel);
  grpc::ClientContext context;
  PrepareClientContext(session.options, context, /*with_deadline=*/false);  // runs until stopped
  std::unique_ptr<grpc::ClientReaderInterface<v1::SubscribeResponse>> reader =
      stub->Subscribe(&context, request);
  v1::SubscribeResponse message;
  std::string resume;  // the `next` of the last message received
  int64_t events = 0;
  while ((flags.limit == 0 || events < flags.limit) && reader->Read(&message)) {
    resume = PositionText(message.next());
    if (!message.has_event()) continue;  // a heartbeat: only the position moves
    ++events;
    if (session.options.json) {
      session.out << MessageToJson(message).dump() << "\n";
    } else {
      session.out << EventLine(message);
    }
    session.out.flush();
  }
  const bool limit_reached = flags.limit != 0 && events >= flags.limit;
  if (limit_reached) context.TryCancel();
  const grpc::Status status = reader->Finish();
  if (!resume.empty()) session.err << "Resume with --from " << resume << "\n";
  if (limit_reached || status.ok()) return kExitOk;
  return ReportRpcError(status, session);
}

}  // namespace

void AddEventCommands(CLI::App& app, ReadRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "events", "The tenant's event stream (reviewtrail.v1.EventService), for other systems.");
  area->require_subcommand(1);
  auto flags = std::make_shared<TailFlags>();
  v1::SubscribeRequest* request = &flags->request;
  CLI::App* tail = registry.Add(
      *area, "tail",
      "Print the tenant's events in log order, from the beginning (or --from, or --now), then live "
      "until interrupted: one line each (position, type, subject, event id) or, with --json, the "
      "stream message in the proto3 JSON mapping (the event, its position, `next`). On exit the "
      "position to resume from goes to stderr. Needs the subscriber, auditor or service role.",
      [flags](const ReadSession& session) { return RunTail(session, *flags); });
  AddParsedFlag(
      *tail, "--from", ParseLogPosition,
      [request](const v1::LogPosition& from) { *request->mutable_from() = from; },
      "Start at this log position, inclusive: a `Resume with --from` position, a message's `next`, "
      "or a command's `log position` (to see that event and the ones after it).")
      ->type_name("P:O");
  tail->add_flag("--now", flags->from_now, "Only events appended from now on.");
  tail->add_option_function<std::vector<std::string>>(
          "--type",
          [request](const std::vector<std::string>& types) {
            for (const std::string& type : types) request->add_event_types(type);
          },
          "Only events of this type (repeatable), e.g. ActionAssigned, ClosureApproved.")
      ->type_name("TYPE");
  tail->add_option("--review", *request->mutable_review_id(),
                   "Only events of this review: the review, its decisions, its actions' events.")
      ->type_name("REVIEW_ID");
  tail->add_option("--action", *request->mutable_action_id(), "Only events of this action.")
      ->type_name("ACTION_ID");
  tail->add_option("--limit", flags->limit, "Stop after this many events (exit 0).")
      ->type_name("N")
      ->check(CLI::PositiveNumber.description(""));
}

}  // namespace reviewtrail::cli
