// reviewtrail-server: every ReviewTrail service in one process, over the embedded log by default.
//   reviewtrail-server [--data-dir ./data] [--listen 127.0.0.1:7443] ...   serve
//   reviewtrail-server token --subject olga --role action_owner ...         mint a token
#include <CLI/CLI.hpp>
#include <iostream>

#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/command/admin_service.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/events/event_service.h"
#include "reviewtrail/notifier/notifier.h"
#include "reviewtrail/notifier/notifier_config.h"
#include "reviewtrail/notifier/token_source.h"
#include "reviewtrail/notifier/webhook_dispatcher.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/server/service_host.h"
#include "token_command.h"

namespace {

template <typename Service>
void Report(const absl::StatusOr<std::unique_ptr<Service>>& service, const char* name) {
  if (!service.ok())
    std::cerr << "reviewtrail-server: " << name << ": " << service.status() << "\n";
}

// What the all-in-one adds to the common server options.
struct AllInOneOptions {
  std::string notifier_config;
  std::string webhooks_config;
  bool rebuild_read_model = false;
  int audit_verify_interval = 60;
  int audit_full_verify_interval = 86'400;
};

int Serve(reviewtrail::server::ServerConfig config, AllInOneOptions options) {
  namespace rt = reviewtrail;
  auto host = rt::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-server: " << host.status() << "\n";
    return 1;
  }
  rt::server::ServiceHost& h = **host;
  const std::filesystem::path data(h.config().data_dir);
  auto commands = rt::command::CommandService::Start(
      h.log(), h.verifier(), h.clock(), h.registry(),
      {.write_model_path = (data / "command").string(),
       .max_queue_wait = std::chrono::milliseconds(h.config().command_deadline_ms),
       .time_zones = h.time_zones(),
       .handlers_write_when_idle = h.config().log != "kafka"});
  Report(commands, "command service");
  if (options.rebuild_read_model) {
    std::cerr << "reviewtrail-server: rebuilding the read model from position 0\n";
    if (absl::Status rebuilt = rt::query::RebuildReadModel(
            h.log(), (data / "query").string(), h.time_zones(), h.registry(), /*max_batch=*/1000,
            rt::server::CatchUpWorkers(h.config()));
        !rebuilt.ok()) {
      std::cerr << "reviewtrail-server: rebuild failed: " << rebuilt << "\n";
      return 1;
    }
  }
  auto queries =
      rt::query::QueryService::Start(h.log(), h.verifier(), h.clock(), h.registry(),
                                     {.store_path = (data / "query").string(),
                                      .time_zones = h.time_zones(),
                                      .rebuild_workers = rt::server::CatchUpWorkers(h.config())});
  Report(queries, "query service");
  auto audit = rt::audit_service::AuditService::Start(
      h.log(), h.verifier(), h.clock(), h.registry(),
      {.store_path = (data / "audit").string(),
       .time_zones = h.time_zones(),
       .verify_interval = std::chrono::seconds(options.audit_verify_interval),
       .full_verify_interval = std::chrono::seconds(options.audit_full_verify_interval),
       .metrics_tenant_labels = h.config().metrics_tenant_labels});
  Report(audit, "audit service");
  if (!commands.ok() || !queries.ok() || !audit.ok()) return 1;
  // Every store's RocksDB figures on /metrics (each registration dropped before its store closes).
  const auto stores = h.AddStores([&c = **commands, &q = **queries, &a = **audit] {
    std::vector<rt::eventlog::StoreStatistics> all = c.StorageStatistics();
    for (auto& store : q.StorageStatistics()) all.push_back(std::move(store));
    for (auto& store : a.StorageStatistics()) all.push_back(std::move(store));
    return all;
  });
  rt::events::EventService events(h.log(), h.verifier(), h.clock(), h.registry());
  rt::notifier::NotifierOptions notifier_options;
  notifier_options.store_path = (data / "notifier").string();
  notifier_options.time_zones = h.time_zones();
  notifier_options.metrics_tenant_labels = h.config().metrics_tenant_labels;
  if (!options.notifier_config.empty()) {
    auto parsed = rt::notifier::LoadNotifierConfig(options.notifier_config);
    if (!parsed.ok()) {
      std::cerr << "reviewtrail-server: " << parsed.status() << "\n";
      return 2;
    }
    notifier_options.config = *std::move(parsed);
  }
  rt::notifier::WebhookDispatcherOptions webhook_options{.store_path =
                                                             (data / "webhooks").string()};
  if (!options.webhooks_config.empty()) {
    auto parsed = rt::notifier::LoadWebhooksConfig(options.webhooks_config);
    if (!parsed.ok()) {
      std::cerr << "reviewtrail-server: " << parsed.status() << "\n";
      return 2;
    }
    webhook_options.config = *std::move(parsed);
  }
  std::unique_ptr<rt::notifier::WebhookDispatcher> webhooks;
  if (!webhook_options.config.endpoints.empty()) {
    auto started = rt::notifier::WebhookDispatcher::Start(h.log(), h.clock(), h.registry(),
                                                          std::move(webhook_options));
    if (!started.ok()) {
      std::cerr << "reviewtrail-server: event webhooks: " << started.status() << "\n";
      return 1;
    }
    webhooks = *std::move(started);
  }

  // The notifier records follow-ups through the command service, in process, once it serves.
  std::unique_ptr<rt::notifier::Notifier> notifier;
  std::unique_ptr<rt::server::StatisticsMetrics::Registration> notifier_store;
  const auto start_notifier = [&](grpc::Server& server) -> absl::Status {
    auto started = rt::notifier::Notifier::Start(
        h.log(), h.clock(), h.registry(),
        rt::v1::CommandService::NewStub(server.InProcessChannel({})),
        std::make_shared<rt::notifier::LocalTokenSource>(
            h.signing_key(), h.clock(), "notifier", std::chrono::hours(1),
            rt::server::LocalTokenIssuer(h.config()), h.config().token_audience),
        std::move(notifier_options));
    if (!started.ok()) return started.status();
    notifier = *std::move(started);
    notifier_store = h.AddStores([&n = *notifier] { return n.StorageStatistics(); });
    return absl::OkStatus();
  };
  rt::command::AdminService admin(**commands);
  const auto projector_ready = [&]() -> absl::Status {
    if (absl::Status s = (*queries)->projector().Readiness(); !s.ok()) return s;
    if (absl::Status s = (*audit)->projector().Readiness(); !s.ok()) return s;
    if (notifier == nullptr) return absl::UnavailableError("the notifier has not started");
    return notifier->projector().Readiness();
  };
  const absl::Status served = h.Serve(
      "reviewtrail-server", {commands->get(), &admin, queries->get(), audit->get(), &events},
      [&] {
        if (webhooks) webhooks->Stop();
        if (notifier) notifier->Stop();
        events.Stop();
        (*commands)->Stop();
        (*queries)->Stop();
        (*audit)->Stop();
      },
      {.service_names = {rt::v1::CommandService::service_full_name(),
                         rt::v1::AdminService::service_full_name(),
                         rt::v1::QueryService::service_full_name(),
                         rt::v1::AuditService::service_full_name(),
                         rt::v1::EventService::service_full_name()},
       .readiness = {{projector_ready}},
       .on_serving = start_notifier});
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
      "ReviewTrail all-in-one server: commands, queries, audit, notifier and event webhooks in one "
      "process"};
  app.require_subcommand(0, 1);
  app.fallthrough();  // server options may follow the subcommand: `token --data-dir ...`
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  std::string notifier_config;
  app.add_option(
         "--notifier-config", notifier_config,
         "JSON file: follow-up policy, recipients and channels per tenant (default: "
         "reminders 7 and 1 days before, escalations from the first overdue day, log channel)")
      ->envname("REVIEWTRAIL_NOTIFIER_CONFIG");
  std::string webhooks_config;
  app.add_option("--webhooks-config", webhooks_config,
                 "JSON file: event webhook subscriptions per tenant (CloudEvents over HTTP, "
                 "signed; docs/SUBSCRIBERS.md); none when not given")
      ->envname("REVIEWTRAIL_WEBHOOKS_CONFIG");
  bool rebuild = false;
  app.add_flag("--rebuild-read-model", rebuild,
               "Rebuild the query read model from log position 0 before serving");
  AllInOneOptions options;
  app.add_option("--audit-verify-interval", options.audit_verify_interval,
                 "Seconds between background verifications of every audit chain (what is new "
                 "since the last run; 0: off)")
      ->envname("REVIEWTRAIL_AUDIT_VERIFY_INTERVAL")
      ->check(CLI::Range(0, 86'400 * 7))
      ->capture_default_str();
  app.add_option("--audit-full-verify-interval", options.audit_full_verify_interval,
                 "Seconds between full background verifications (every entry again)")
      ->envname("REVIEWTRAIL_AUDIT_FULL_VERIFY_INTERVAL")
      ->check(CLI::Range(1, 86'400 * 365))
      ->capture_default_str();
  reviewtrail::server::TokenOptions token;
  CLI::App* token_command = reviewtrail::server::AddTokenCommand(app, token);
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem =
          reviewtrail::server::FinishKafkaConfig(config, "reviewtrail-server");
      !problem.empty()) {
    std::cerr << "reviewtrail-server: " << problem << "\n";
    return 2;
  }
  if (token_command->parsed()) return reviewtrail::server::RunTokenCommand(config, token);
  options.notifier_config = notifier_config;
  options.webhooks_config = webhooks_config;
  options.rebuild_read_model = rebuild;
  return Serve(std::move(config), std::move(options));
}
