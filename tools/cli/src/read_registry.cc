#include "reviewtrail/cli/read_registry.h"

#include <utility>

#include "reviewtrail/cli/error_details.h"
#include "reviewtrail/cli/output_format.h"
#include "reviewtrail/cli/request_builders.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/cli/value_parsers.h"

namespace reviewtrail::cli {

void PrepareClientContext(const CallOptions& options, grpc::ClientContext& context,
                          bool with_deadline) {
  if (with_deadline) context.set_deadline(std::chrono::system_clock::now() + options.timeout);
  if (!options.token.empty()) context.AddMetadata("authorization", "Bearer " + options.token);
}

CLI::App* ReadRegistry::Add(CLI::App& area, const std::string& name, const std::string& description,
                            ReadRun run) {
  CLI::App* app = area.add_subcommand(name, description);
  runs_.push_back(std::make_unique<ReadRun>(std::move(run)));
  const ReadRun* added = runs_.back().get();
  app->callback([this, added] { chosen_ = added; });
  return app;
}

int ReportRpcError(const grpc::Status& status, const ReadSession& session) {
  const ErrorReport report = DecodeErrorReport(status);
  const ExitCode exit_code = ExitCodeFor(status.error_code());
  if (session.options.json) {
    nlohmann::json json = ErrorToJson(report, "");
    json.erase("command_id");
    session.out << json.dump() << "\n";
    return exit_code;
  }
  bool first = true;
  for (const std::string& line : DescribeErrorReport(report)) {
    session.err << (first ? "error: " : "") << line << "\n";
    first = false;
  }
  if (exit_code == kExitCannotConnect) {
    session.err << "Nothing was changed; it is safe to run the same command again.\n";
  }
  return exit_code;
}

int ReportUsageError(std::string_view message, const ReadSession& session) {
  session.err << "error: " << message << "\n";
  return kExitUsage;
}

CLI::Option* AddLogPositionFlag(CLI::App& app, const std::string& names,
                                std::function<v1::LogPosition*()> field) {
  return AddParsedFlag(
             app, names, ParseLogPosition,
             [field = std::move(field)](const v1::LogPosition& position) { *field() = position; },
             "Read your writes: answer only once the server has applied this log position, the "
             "`log_position` a command printed (e.g. 0:17). Waits a bounded time; UNAVAILABLE "
             "(exit 3) when it is not reached, safe to retry.")
      ->type_name("P:O");
}

}  // namespace reviewtrail::cli
