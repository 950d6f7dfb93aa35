#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/cli/call_options.h"
#include "reviewtrail/v1/common.pb.h"

namespace reviewtrail::cli {

// What a `query` or `audit` subcommand works with once its flags are parsed.
struct ReadSession {
  std::shared_ptr<grpc::Channel> channel;
  CallOptions options;
  std::ostream& out;
  std::ostream& err;
  bool err_is_terminal = false;
};

// Runs the subcommand and returns the process exit code.
using ReadRun = std::function<int(const ReadSession&)>;

// Collects the read-side leaf subcommands; after parsing, chosen() is the one the command line
// named (nullptr when it named a CommandService command or none).
class ReadRegistry {
 public:
  CLI::App* Add(CLI::App& area, const std::string& name, const std::string& description,
                ReadRun run);
  [[nodiscard]] const ReadRun* chosen() const { return chosen_; }

 private:
  std::vector<std::unique_ptr<ReadRun>> runs_;
  const ReadRun* chosen_ = nullptr;
};

// Prints a failed call: text lines on err ("error: CODE: message", then the details), or with
// --json {"error": {...}} on out. Returns its exit code (1 refused, 3 unreachable / not caught up).
int ReportRpcError(const grpc::Status& status, const ReadSession& session);

// Prints "error: <message>" (a local problem: a file, a flag combination) and returns 2.
int ReportUsageError(std::string_view message, const ReadSession& session);

// --min-position P:O (and `names` as given), the read-your-writes position stored in `field()`.
CLI::Option* AddLogPositionFlag(CLI::App& app, const std::string& names,
                                std::function<v1::LogPosition*()> field);

// The areas, one file each.
void AddQueryCommands(CLI::App& app, ReadRegistry& registry);    // reviewtrail.v1.QueryService
void AddAuditCommands(CLI::App& app, ReadRegistry& registry);    // reviewtrail.v1.AuditService
void AddSandboxCommands(CLI::App& app, ReadRegistry& registry);  // reviewtrail.v1.AdminService
void AddEventCommands(CLI::App& app, ReadRegistry& registry);    // reviewtrail.v1.EventService

}  // namespace reviewtrail::cli
