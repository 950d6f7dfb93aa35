#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "reviewtrail/cli/call_options.h"
#include "reviewtrail/cli/channel.h"
#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/config.h"
#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

// The process exit codes, for scripts.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,        // the server answered with an error status
  kExitUsage = 2,          // bad command line, config or local file
  kExitCannotConnect = 3,  // UNAVAILABLE or DEADLINE_EXCEEDED: safe to retry with the command id
};

ExitCode ExitCodeFor(grpc::StatusCode code);

using ConnectFunction =
    std::function<Result<std::unique_ptr<CommandStub>>(const ConnectionSettings&)>;

using ChannelFunction =
    std::function<Result<std::shared_ptr<grpc::Channel>>(const ConnectionSettings&)>;

// What RunCli takes from the outside world; tests substitute them.
struct CliDependencies {
  EnvLookup env;            // environment variables
  ConnectFunction connect;  // makes the CommandService stub for the resolved connection settings
  // The channel of the `query` and `audit` commands.
  ChannelFunction open_channel = OpenChannel;
  // Whether stderr is a terminal (progress of `audit export` is shown there only then).
  bool err_is_terminal = false;
};

// The process environment, a real gRPC channel and whether fd 2 is a terminal.
CliDependencies DefaultCliDependencies();

// Sends a parsed command (its command id set) over `stub`; prints the reply or the decoded error
// (text: reply to `out`, error to `err`; JSON: both to `out`). Returns the exit code.
int SendCommand(const CommandInvocation& invocation, CommandStub& stub, const CallOptions& options,
                std::ostream& out, std::ostream& err);

// The whole `reviewtrail` command line: parse, resolve the connection, send, print.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliDependencies& dependencies);
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace reviewtrail::cli
