// reviewtrail-query: the read-model service alone (the gRPC query API), e.g. beside Kafka.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "reviewtrail/events/event_service.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/rpc/read_your_writes.h"
#include "reviewtrail/server/service_host.h"

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{"ReviewTrail query service: the read model and the gRPC query API"};
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  bool rebuild = false;
  int64_t wait_ms = reviewtrail::rpc::kMaxPositionWait.count();
  app.add_flag("--rebuild", rebuild,
               "Rebuild the read model from log position 0 into a fresh store and swap it in "
               "before serving");
  app.add_option("--read-your-writes-timeout-ms", wait_ms,
                 "How long a query with min_position waits for the read model")
      ->check(CLI::Range(1, 60000));
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem =
          reviewtrail::server::FinishKafkaConfig(config, "reviewtrail-query");
      !problem.empty()) {
    std::cerr << "reviewtrail-query: " << problem << "\n";
    return 2;
  }
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-query: " << host.status() << "\n";
    return 1;
  }
  const std::string store_path =
      (std::filesystem::path((*host)->config().data_dir) / "query").string();
  if (rebuild) {
    std::cerr << "reviewtrail-query: rebuilding the read model from position 0\n";
    if (absl::Status rebuilt = reviewtrail::query::RebuildReadModel(
            (*host)->log(), store_path, (*host)->time_zones(), (*host)->registry(),
            /*max_batch=*/1000, reviewtrail::server::CatchUpWorkers((*host)->config()));
        !rebuilt.ok()) {
      std::cerr << "reviewtrail-query: rebuild failed: " << rebuilt << "\n";
      return 1;
    }
  }
  auto service = reviewtrail::query::QueryService::Start(
      (*host)->log(), (*host)->verifier(), (*host)->clock(), (*host)->registry(),
      {.store_path = store_path,
       .time_zones = (*host)->time_zones(),
       .read_your_writes_timeout = std::chrono::milliseconds(wait_ms),
       .rebuild_workers = reviewtrail::server::CatchUpWorkers((*host)->config())});
  if (!service.ok()) {
    std::cerr << "reviewtrail-query: " << service.status() << "\n";
    return 1;
  }
  // The read model's RocksDB figures on /metrics (dropped before the service closes it).
  const auto stores = (*host)->AddStores([&s = **service] { return s.StorageStatistics(); });
  const reviewtrail::projection::Projector& projector = (*service)->projector();
  // The event stream for other systems (docs/SUBSCRIBERS.md) is served beside the queries.
  reviewtrail::events::EventService events((*host)->log(), (*host)->verifier(), (*host)->clock(),
                                           (*host)->registry());
  const absl::Status served =
      (*host)->Serve("reviewtrail-query", {service->get(), &events},
                     [&] {
                       events.Stop();
                       (*service)->Stop();
                     },
                     {.service_names = {reviewtrail::v1::QueryService::service_full_name(),
                                        reviewtrail::v1::EventService::service_full_name()},
                      .readiness = {{[&projector] { return projector.Readiness(); }}}});
  if (!served.ok()) {
    std::cerr << "reviewtrail-query: " << served << "\n";
    return 1;
  }
  return 0;
}
