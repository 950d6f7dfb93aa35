#include "token_command.h"

#include <filesystem>
#include <iostream>

#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/server/runtime_setup.h"

namespace reviewtrail::server {

CLI::App* AddTokenCommand(CLI::App& app, TokenOptions& options) {
  CLI::App* token = app.add_subcommand(
      "token", "Mint a bearer token signed with the local key of --data-dir (prints it)");
  token
      ->add_option("--subject", options.subject,
                   "The principal: a registered person's id, or a service name")
      ->required();
  token->add_option("--tenant", options.tenant, "Tenant (default: --tenant of the server)");
  token
      ->add_option("--role", options.roles,
                   "isms_manager, action_owner, auditor, service or subscriber")
      ->required()
      ->check(CLI::IsMember({"isms_manager", "action_owner", "auditor", "service", "subscriber"}));
  token->add_option("--ttl-days", options.ttl_days, "Days until the token expires")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  return token;
}

int RunTokenCommand(const ServerConfig& config, const TokenOptions& options) {
  auto key = auth::LoadOrCreateLocalKey(std::filesystem::path(config.data_dir) / "keys");
  if (!key.ok()) {
    std::cerr << "token: " << key.status() << "\n";
    return 1;
  }
  auth::Principal principal{
      options.tenant.empty() ? config.tenant : options.tenant, options.subject, {}};
  for (const std::string& role : options.roles)
    principal.roles.push_back(*auth::RoleFromName(role));
  auto token =
      MintLocalToken(config, key->key, principal, std::chrono::hours(24 * options.ttl_days));
  if (!token.ok()) {
    std::cerr << "token: " << token.status() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

}  // namespace reviewtrail::server
