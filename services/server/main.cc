// reviewtrail-server: every ReviewTrail service in one process, over the embedded log by default.
//   reviewtrail-server [--data-dir ./data] [--listen 127.0.0.1:7443] ...   serve
//   reviewtrail-server token --subject olga --role action_owner ...         mint a token
#include <CLI/CLI.hpp>
#include <iostream>

#include "reviewtrail/command/command_service.h"
#include "reviewtrail/server/service_host.h"
#include "token_command.h"

namespace {

int Serve(reviewtrail::server::ServerConfig config) {
  using reviewtrail::command::CommandService;
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-server: " << host.status() << "\n";
    return 1;
  }
  auto commands = CommandService::Start(
      (*host)->log(), (*host)->verifier(), (*host)->clock(), (*host)->registry(),
      {.write_model_path =
           (std::filesystem::path((*host)->config().data_dir) / "command").string()});
  if (!commands.ok()) {
    std::cerr << "reviewtrail-server: command service: " << commands.status() << "\n";
    return 1;
  }
  const absl::Status served =
      (*host)->Serve("reviewtrail-server", {commands->get()}, [&] { (*commands)->Stop(); });
  if (!served.ok()) {
    std::cerr << "reviewtrail-server: " << served << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{
      "ReviewTrail all-in-one server: commands, queries, audit and notifier in one process"};
  app.require_subcommand(0, 1);
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  reviewtrail::server::TokenOptions token;
  CLI::App* token_command = reviewtrail::server::AddTokenCommand(app, token);
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem = reviewtrail::server::FinishKafkaConfig(config);
      !problem.empty()) {
    std::cerr << "reviewtrail-server: " << problem << "\n";
    return 2;
  }
  if (token_command->parsed()) return reviewtrail::server::RunTokenCommand(config, token);
  return Serve(std::move(config));
}
