#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "reviewtrail/server/server_config.h"

namespace reviewtrail::server {

struct TokenOptions {
  std::string subject;
  std::string tenant;
  std::vector<std::string> roles;
  int ttl_days = 30;
};

// `token`: mints a bearer token signed with the local key of --data-dir.
CLI::App* AddTokenCommand(CLI::App& app, TokenOptions& options);
[[nodiscard]] int RunTokenCommand(const ServerConfig& config, const TokenOptions& options);

}  // namespace reviewtrail::server
