// reviewtrail-audit: the audit service alone (audit log, exports, verification), e.g. beside
// Kafka. Its store is <data-dir>/audit.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/server/service_host.h"

int main(int argc, char** argv) {
  reviewtrail::server::BlockTerminationSignals();
  CLI::App app{"ReviewTrail audit service: the hash-chained audit log, its exports and checks"};
  reviewtrail::server::ServerConfig config;
  reviewtrail::server::AddServerOptions(app, config);
  int verify_interval = 60;
  int full_verify_interval = 86'400;
  app.add_option("--audit-verify-interval", verify_interval,
                 "Seconds between background verifications of every audit chain (what is new "
                 "since the last run; 0: off)")
      ->envname("REVIEWTRAIL_AUDIT_VERIFY_INTERVAL")
      ->check(CLI::Range(0, 86'400 * 7))
      ->capture_default_str();
  app.add_option("--audit-full-verify-interval", full_verify_interval,
                 "Seconds between full background verifications (every entry again)")
      ->envname("REVIEWTRAIL_AUDIT_FULL_VERIFY_INTERVAL")
      ->check(CLI::Range(1, 86'400 * 365))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (const std::string problem =
          reviewtrail::server::FinishKafkaConfig(config, "reviewtrail-audit");
      !problem.empty()) {
    std::cerr << "reviewtrail-audit: " << problem << "\n";
    return 2;
  }
  auto host = reviewtrail::server::ServiceHost::Create(std::move(config));
  if (!host.ok()) {
    std::cerr << "reviewtrail-audit: " << host.status() << "\n";
    return 1;
  }
  auto service = reviewtrail::audit_service::AuditService::Start(
      (*host)->log(), (*host)->verifier(), (*host)->clock(), (*host)->registry(),
      {.store_path = (std::filesystem::path((*host)->config().data_dir) / "audit").string(),
       .time_zones = (*host)->time_zones(),
       .verify_interval = std::chrono::seconds(verify_interval),
       .full_verify_interval = std::chrono::seconds(full_verify_interval),
       .metrics_tenant_labels = (*host)->config().metrics_tenant_labels});
  if (!service.ok()) {
    std::cerr << "reviewtrail-audit: " << service.status() << "\n";
    return 1;
  }
  // The audit store's RocksDB figures on /metrics (dropped before the service closes it).
  const auto stores = (*host)->AddStores([&s = **service] { return s.StorageStatistics(); });
  const reviewtrail::projection::Projector& projector = (*service)->projector();
  const absl::Status served =
      (*host)->Serve("reviewtrail-audit", {service->get()}, [&] { (*service)->Stop(); },
                     {.service_names = {reviewtrail::v1::AuditService::service_full_name()},
                      .readiness = {{[&projector] { return projector.Readiness(); }}}});
  if (!served.ok()) {
    std::cerr << "reviewtrail-audit: " << served << "\n";
    return 1;
  }
  return 0;
}
