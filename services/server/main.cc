// reviewtrail-server: every ReviewTrail service in one process, over the embedded log by default.
//   reviewtrail-server [--data-dir ./data] [--listen 127.0.0.1:7443] ...   serve
//   reviewtrail-server token --subject olga --role action_owner ...         mint a token
#include <CLI/CLI.hpp>
#include <iostream>

#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/server/service_host.h"
#include "token_command.h"

namespace {

template <typename Service>
void Report(const absl::StatusOr<std::unique_ptr<Service>>& service, const char* name) {
  if (!service.ok())
    std::cerr << "reviewtrail-server: " << name << ": " << service.status() << "\n";
}

int Serve(reviewtrail::server::ServerConfig config) {
  namespace rt = reviewtrail;
  auto host = rt::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-server: " << host.status() << "\n";
    return 1;
  }
  rt::server::ServiceHost& h = **host;
  const std::filesystem::path data(h.config().data_dir);
  auto commands =
      rt::command::CommandService::Start(h.log(), h.verifier(), h.clock(), h.registry(),
                                         {.write_model_path = (data / "command").string()});
  Report(commands, "command service");
  auto queries = rt::query::QueryService::Start(h.log(), h.verifier(), h.clock(), h.registry(),
                                                {.store_path = (data / "query").string()});
  Report(queries, "query service");
  auto audit = rt::audit_service::AuditService::Start(
      h.log(), h.verifier(), h.clock(), h.registry(), {.store_path = (data / "audit").string()});
  Report(audit, "audit service");
  if (!commands.ok() || !queries.ok() || !audit.ok()) return 1;

  const absl::Status served =
      h.Serve("reviewtrail-server", {commands->get(), queries->get(), audit->get()}, [&] {
        (*commands)->Stop();
        (*queries)->Stop();
        (*audit)->Stop();
      });
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
  app.fallthrough();  // server options may follow the subcommand: `token --data-dir ...`
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
