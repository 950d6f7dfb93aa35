// reviewtrail-command: the command service alone (the write API), e.g. beside Kafka.
#include <CLI/CLI.hpp>
#include <iostream>

#include "reviewtrail/command/admin_service.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/server/service_host.h"

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{"ReviewTrail command service: the gRPC write API"};
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem =
          reviewtrail::server::FinishKafkaConfig(config, "reviewtrail-command");
      !problem.empty()) {
    std::cerr << "reviewtrail-command: " << problem << "\n";
    return 2;
  }
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-command: " << host.status() << "\n";
    return 1;
  }
  auto service = reviewtrail::command::CommandService::Start(
      (*host)->log(), (*host)->verifier(), (*host)->clock(), (*host)->registry(),
      {.write_model_path = (std::filesystem::path((*host)->config().data_dir) / "command").string(),
       .max_queue_wait = std::chrono::milliseconds((*host)->config().command_deadline_ms),
       .time_zones = (*host)->time_zones(),
       .handlers_write_when_idle = (*host)->config().log != "kafka"});
  if (!service.ok()) {
    std::cerr << "reviewtrail-command: " << service.status() << "\n";
    return 1;
  }
  // The write model's RocksDB figures on /metrics (dropped before the service closes it).
  const auto stores = (*host)->AddStores([&s = **service] { return s.StorageStatistics(); });
  reviewtrail::command::AdminService admin(**service);
  // Start() indexed the whole log before returning; from here its writer's health decides.
  const absl::Status served =
      (*host)->Serve("reviewtrail-command", {service->get(), &admin}, [&] { (*service)->Stop(); },
                     {.service_names = {reviewtrail::v1::CommandService::service_full_name(),
                                        reviewtrail::v1::AdminService::service_full_name()}});
  if (!served.ok()) {
    std::cerr << "reviewtrail-command: " << served << "\n";
    return 1;
  }
  return 0;
}
