// reviewtrail-notifier: reminders and escalations, recorded through the command service and then
// delivered over the log, webhook and e-mail channels.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reviewtrail/notifier/notifier.h"
#include "reviewtrail/notifier/webhook_dispatcher.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/server/service_host.h"

namespace {

// How the notifier reaches reviewtrail.v1.CommandService.
struct CommandServiceOptions {
  std::string address;
  std::string ca;    // PEM CA of its TLS certificate; empty: plaintext
  std::string cert;  // PEM client certificate, when it requires mTLS
  std::string key;   // PEM private key of `cert`
};

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* option) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(std::string(option) + ": cannot read " + path);
  std::stringstream pem;
  pem << in.rdbuf();
  if (pem.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(std::string(option) + ": " + path + " holds no PEM block");
  }
  return pem.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(
    const CommandServiceOptions& options) {
  if (options.ca.empty()) {
    if (!options.cert.empty() || !options.key.empty()) {
      return absl::InvalidArgumentError(
          "--command-service-cert/--command-service-key need --command-service-ca (TLS)");
    }
    return grpc::InsecureChannelCredentials();
  }
  if (options.cert.empty() != options.key.empty()) {
    return absl::InvalidArgumentError(
        "--command-service-cert and --command-service-key go together");
  }
  grpc::SslCredentialsOptions ssl;
  auto ca = ReadPem(options.ca, "--command-service-ca");
  if (!ca.ok()) return ca.status();
  ssl.pem_root_certs = *ca;
  if (!options.cert.empty()) {
    auto cert = ReadPem(options.cert, "--command-service-cert");
    if (!cert.ok()) return cert.status();
    auto key = ReadPem(options.key, "--command-service-key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{"ReviewTrail notifier: reminders and escalations"};
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  CommandServiceOptions command_service;
  std::string notifier_config;
  app.add_option("--command-service", command_service.address,
                 "Address of reviewtrail-command (host:port), where follow-ups are recorded")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE")
      ->required();
  app.add_option("--command-service-ca", command_service.ca,
                 "PEM CA of the command service's TLS certificate (empty: plaintext)")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE_CA");
  app.add_option("--command-service-cert", command_service.cert,
                 "PEM client certificate for a command service that requires mTLS")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE_CERT");
  app.add_option("--command-service-key", command_service.key,
                 "PEM private key of --command-service-cert")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE_KEY");
  app.add_option("--notifier-config", notifier_config,
                 "JSON file: follow-up policy, recipients and channels per tenant (default: "
                 "reminders 7 and 1 days before, escalations from the first overdue day, log "
                 "channel)")
      ->envname("REVIEWTRAIL_NOTIFIER_CONFIG");
  std::string webhooks_config;
  app.add_option("--webhooks-config", webhooks_config,
                 "JSON file: event webhook subscriptions per tenant (CloudEvents over HTTP, "
                 "signed; docs/SUBSCRIBERS.md); none when not given")
      ->envname("REVIEWTRAIL_WEBHOOKS_CONFIG");
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem =
          reviewtrail::server::FinishKafkaConfig(config, "reviewtrail-notifier");
      !problem.empty()) {
    std::cerr << "reviewtrail-notifier: " << problem << "\n";
    return 2;
  }
  if (command_service.address == config.listen) {
    std::cerr << "reviewtrail-notifier: --command-service " << command_service.address
              << " is this notifier's own --listen address; give reviewtrail-command's\n";
    return 2;
  }
  auto credentials = Credentials(command_service);
  if (!credentials.ok()) {
    std::cerr << "reviewtrail-notifier: " << credentials.status().message() << "\n";
    return 2;
  }
  reviewtrail::notifier::NotifierOptions options;
  if (!notifier_config.empty()) {
    auto parsed = reviewtrail::notifier::LoadNotifierConfig(notifier_config);
    if (!parsed.ok()) {
      std::cerr << "reviewtrail-notifier: " << parsed.status() << "\n";
      return 2;
    }
    options.config = *std::move(parsed);
  }
  reviewtrail::notifier::WebhookDispatcherOptions webhooks;
  if (!webhooks_config.empty()) {
    auto parsed = reviewtrail::notifier::LoadWebhooksConfig(webhooks_config);
    if (!parsed.ok()) {
      std::cerr << "reviewtrail-notifier: " << parsed.status() << "\n";
      return 2;
    }
    webhooks.config = *std::move(parsed);
  }
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-notifier: " << host.status() << "\n";
    return 1;
  }
  options.time_zones = (*host)->time_zones();
  options.metrics_tenant_labels = (*host)->config().metrics_tenant_labels;
  auto stub = std::shared_ptr<reviewtrail::v1::CommandService::StubInterface>(
      reviewtrail::v1::CommandService::NewStub(
          grpc::CreateChannel(command_service.address, *credentials)));
  auto tokens = std::make_shared<reviewtrail::notifier::LocalTokenSource>(
      (*host)->signing_key(), (*host)->clock(), "notifier", std::chrono::hours(1),
      reviewtrail::server::LocalTokenIssuer((*host)->config()), (*host)->config().token_audience);
  options.store_path = (std::filesystem::path((*host)->config().data_dir) / "notifier").string();
  auto notifier = reviewtrail::notifier::Notifier::Start((*host)->log(), (*host)->clock(),
                                                         (*host)->registry(), std::move(stub),
                                                         std::move(tokens), std::move(options));
  if (!notifier.ok()) {
    std::cerr << "reviewtrail-notifier: " << notifier.status() << "\n";
    return 1;
  }
  // The follow-up store's RocksDB figures on /metrics (dropped before the notifier closes it).
  const auto stores = (*host)->AddStores([&n = **notifier] { return n.StorageStatistics(); });
  webhooks.store_path = (std::filesystem::path((*host)->config().data_dir) / "webhooks").string();
  std::unique_ptr<reviewtrail::notifier::WebhookDispatcher> dispatcher;
  if (!webhooks.config.endpoints.empty()) {
    auto started = reviewtrail::notifier::WebhookDispatcher::Start(
        (*host)->log(), (*host)->clock(), (*host)->registry(), std::move(webhooks));
    if (!started.ok()) {
      std::cerr << "reviewtrail-notifier: " << started.status() << "\n";
      return 1;
    }
    dispatcher = *std::move(started);
  }
  const reviewtrail::projection::Projector& projector = (*notifier)->projector();
  const absl::Status served =
      (*host)->Serve("reviewtrail-notifier", {},
                     [&] {
                       if (dispatcher) dispatcher->Stop();
                       (*notifier)->Stop();
                     },
                     {.readiness = {{[&projector] { return projector.Readiness(); }}}});
  if (!served.ok()) {
    std::cerr << "reviewtrail-notifier: " << served << "\n";
    return 1;
  }
  return 0;
}
