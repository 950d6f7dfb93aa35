// reviewtrail-notifier: reminders and escalations, recorded through the command service and then
// delivered over the log, webhook and e-mail channels.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reviewtrail/notifier/notifier.h"
#include "reviewtrail/server/service_host.h"

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{"ReviewTrail notifier: reminders and escalations"};
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  std::string command_service = "127.0.0.1:7443";
  std::string notifier_config;
  std::string command_ca;
  app.add_option("--command-service", command_service,
                 "Address of reviewtrail.v1.CommandService (host:port)")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE");
  app.add_option("--command-service-ca", command_ca,
                 "PEM CA of the command service's TLS certificate (empty: plaintext)")
      ->envname("REVIEWTRAIL_COMMAND_SERVICE_CA");
  app.add_option("--notifier-config", notifier_config,
                 "JSON file: follow-up policy, recipients and channels per tenant")
      ->envname("REVIEWTRAIL_NOTIFIER_CONFIG");
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem = reviewtrail::server::FinishKafkaConfig(config);
      !problem.empty()) {
    std::cerr << "reviewtrail-notifier: " << problem << "\n";
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
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-notifier: " << host.status() << "\n";
    return 1;
  }
  options.time_zones = (*host)->time_zones();
  options.metrics_tenant_labels = (*host)->config().metrics_tenant_labels;
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!command_ca.empty()) {
    std::ifstream in(command_ca);
    std::stringstream pem;
    pem << in.rdbuf();
    credentials = grpc::SslCredentials({.pem_root_certs = pem.str()});
  }
  auto stub = std::shared_ptr<reviewtrail::v1::CommandService::StubInterface>(
      reviewtrail::v1::CommandService::NewStub(grpc::CreateChannel(command_service, credentials)));
  auto tokens = std::make_shared<reviewtrail::notifier::LocalTokenSource>(
      (*host)->signing_key(), (*host)->clock(), "notifier", std::chrono::hours(1),
      (*host)->config().token_issuer);
  options.store_path = (std::filesystem::path((*host)->config().data_dir) / "notifier").string();
  auto notifier = reviewtrail::notifier::Notifier::Start((*host)->log(), (*host)->clock(),
                                                         (*host)->registry(), std::move(stub),
                                                         std::move(tokens), std::move(options));
  if (!notifier.ok()) {
    std::cerr << "reviewtrail-notifier: " << notifier.status() << "\n";
    return 1;
  }
  const absl::Status served =
      (*host)->Serve("reviewtrail-notifier", {}, [&] { (*notifier)->Stop(); });
  if (!served.ok()) {
    std::cerr << "reviewtrail-notifier: " << served << "\n";
    return 1;
  }
  return 0;
}
