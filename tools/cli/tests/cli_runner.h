#pragma once

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "reviewtrail/cli/channel.h"
#include "reviewtrail/cli/run_cli.h"

namespace reviewtrail::cli::test_support {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `reviewtrail <args>` against `address` with the token "token-of-dana" and only `env` in
// the environment.
inline CliRun RunAgainst(const std::string& address, const std::vector<std::string>& args,
                         std::map<std::string, std::string> env = {}) {
  env.emplace("REVIEWTRAIL_ADDRESS", address);
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
  const int exit_code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, dependencies);
  return {exit_code, out.str(), err.str()};
}

}  // namespace reviewtrail::cli::test_support
