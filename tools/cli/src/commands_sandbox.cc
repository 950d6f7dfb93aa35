// `reviewtrail sandbox`: a sandbox tenant's test clock (reviewtrail.v1.AdminService).
#include <memory>
#include <string>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/cli/command_id.h"
#include "reviewtrail/cli/output_format.h"
#include "reviewtrail/cli/proto_json.h"
#include "reviewtrail/cli/query_format.h"
#include "reviewtrail/cli/read_registry.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/v1/admin_service.grpc.pb.h"

namespace reviewtrail::cli {
namespace {

using google::protobuf::util::TimeUtil;

struct AdvanceFlags {
  int64_t days = 0;
  int64_t hours = 0;
  std::string command_id;
};

// "3d 4h" of a duration in whole seconds.
std::string DurationText(const google::protobuf::Duration& duration) {
  const int64_t seconds = duration.seconds();
  std::string text = std::to_string(seconds / 86'400) + "d";
  if (seconds % 86'400 != 0) {
    text += " " + std::to_string(seconds % 86'400 / 3600) + "h";
    if (seconds % 3600 != 0) text += " " + std::to_string(seconds % 3600) + "s";
  }
  return text;
}

void AddAdvance(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<AdvanceFlags>();
  CLI::App* app = registry.Add(
      area, "advance",
      "Move the tenant's test clock forward, so that its due dates, overdue actions, dashboards, "
      "reminders and escalations behave as they will once that much time has passed. Only for a "
      "tenant the server runs as a sandbox (--sandbox-tenant); never goes backwards. Needs the "
      "ISMS manager role.",
      [flags](const ReadSession& session) -> int {
        if (flags->days == 0 && flags->hours == 0) {
          return ReportUsageError("give --days and/or --hours (more than 0 in all)", session);
        }
        v1::AdvanceTestClockRequest request;
        if (flags->command_id.empty()) {
          Result<std::string> fresh = NewCommandId();
          if (!fresh.ok()) return ReportUsageError(fresh.failure().message, session);
          flags->command_id = fresh.value();
        }
        request.set_command_id(flags->command_id);
        request.mutable_advance_by()->set_seconds(flags->days * 86'400 + flags->hours * 3600);
        std::unique_ptr<v1::AdminService::StubInterface> stub =
            v1::AdminService::NewStub(session.channel);
        grpc::ClientContext context;
        PrepareClientContext(session.options, context);
        v1::CommandReply reply;
        const grpc::Status status = stub->AdvanceTestClock(&context, request, &reply);
        if (!status.ok()) return ReportRpcError(status, session);
        if (session.options.json) {
          session.out << ReplyToJson(reply, flags->command_id).dump() << "\n";
        } else {
          session.out << FormatReplyText("Advanced the test clock of tenant", "", reply,
                                         flags->command_id)
                      << "\n";
        }
        return kExitOk;
      });
  app->add_option("--days", flags->days, "Whole days to move the clock forward.")
      ->type_name("DAYS")
      ->check(CLI::Range(int64_t{0}, int64_t{3650}).description(""));
  app->add_option("--hours", flags->hours,
                  "Hours to move the clock forward (with --days or alone).")
      ->type_name("HOURS")
      ->check(CLI::Range(int64_t{0}, int64_t{87'600}).description(""));
  app->add_option("--command-id", flags->command_id,
                  "Idempotency key (default: a fresh UUID); rerun with the printed one after an "
                  "unreachable server to apply it at most once.")
      ->type_name("ID");
}

void AddShow(CLI::App& area, ReadRegistry& registry) {
  registry.Add(area, "show",
               "The tenant's clock: sandbox or not, its advance, its now and its today. Needs the "
               "ISMS manager or auditor role.",
               [](const ReadSession& session) -> int {
                 std::unique_ptr<v1::AdminService::StubInterface> stub =
                     v1::AdminService::NewStub(session.channel);
                 grpc::ClientContext context;
                 PrepareClientContext(session.options, context);
                 v1::TestClock clock;
                 const grpc::Status status =
                     stub->GetTestClock(&context, v1::GetTestClockRequest(), &clock);
                 if (!status.ok()) return ReportRpcError(status, session);
                 if (session.options.json) {
                   session.out << MessageToJson(clock).dump() << "\n";
                   return kExitOk;
                 }
                 session.out << "Tenant " << clock.tenant_id()
                             << (clock.sandbox() ? " (sandbox)" : " (production: real clock)")
                             << "\nAdvance: " << DurationText(clock.advance())
                             << "\nNow: " << TimeUtil::ToString(clock.now())
                             << "\nToday: " << DateText(clock.today())
                             << "\nTime zone: " << clock.time_zone() << " (UTC offset now "
                             << clock.utc_offset_minutes() << " min)\n";
                 return kExitOk;
               });
}

}  // namespace

void AddSandboxCommands(CLI::App& app, ReadRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "sandbox", "A sandbox tenant's test clock: try overdue actions and escalations now.");
  area->require_subcommand(1);
  AddAdvance(*area, registry);
  AddShow(*area, registry);
}

}  // namespace reviewtrail::cli
