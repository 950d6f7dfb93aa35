#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

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

// What RunCli takes from the outside world; tests substitute both.
struct CliDependencies {
  EnvLookup env;            // environment variables
  ConnectFunction connect;  // makes the stub for the resolved connection settings
};

// The process environment and a real gRPC channel.
CliDependencies DefaultCliDependencies();

struct CallOptions {
  std::string token;  // sent as `authorization: Bearer <token>` when not empty
  std::chrono::milliseconds timeout{10'000};
  bool json = false;
};

// Sends a parsed command (its command id set) over `stub`; prints the reply or the decoded error
// (text: reply to `out`, error to `err`; JSON: both to `out`). Returns the exit code.
int SendCommand(const CommandInvocation& invocation, CommandStub& stub, const CallOptions& options,
                std::ostream& out, std::ostream& err);

// The whole `reviewtrail` command line: parse, resolve the connection, send, print.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliDependencies& dependencies);
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace reviewtrail::cli
