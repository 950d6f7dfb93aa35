#pragma once

#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/server/readiness.h"
#include "reviewtrail/server/runtime_setup.h"
#include "reviewtrail/server/server_config.h"
#include "reviewtrail/server/statistics_metrics.h"

namespace reviewtrail::server {

// What every ReviewTrail binary shares: the event log, authentication, the clock, the metrics
// registry and its /metrics endpoint, the gRPC server and the shutdown sequence. A main() creates
// one, starts its services over it and calls Serve().
//
// Thread-safety: created and served from main's thread; the accessors are safe from any thread.
class ServiceHost {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(ServerConfig config);

  [[nodiscard]] eventlog::EventLog& log() { return *log_; }
  [[nodiscard]] const auth::TokenVerifier& verifier() const { return *auth_.verifier; }
  [[nodiscard]] const auth::SigningKey& signing_key() const { return auth_.local_key.key; }
  [[nodiscard]] const runtime::Clock& clock() const { return clock_; }
  [[nodiscard]] const runtime::TenantTimeZones& time_zones() const { return time_zones_; }
  [[nodiscard]] prometheus::Registry& registry() { return *registry_; }
  [[nodiscard]] const ServerConfig& config() const { return config_; }

  // Exports the RocksDB figures `source` returns (a service's stores) on /metrics until the
  // registration is destroyed; destroy it before the stores close. The event log's own stores are
  // registered by the host.
  [[nodiscard]] std::unique_ptr<StatisticsMetrics::Registration> AddStores(
      StatisticsMetrics::StoreSource source) {
    return statistics_->AddStores(std::move(source));
  }

  struct ServeOptions {
    // Full names of `services` (e.g. "reviewtrail.v1.QueryService"), reported by grpc.health.v1
    // beside "".
    std::vector<std::string> service_names;
    // What must hold for the process to report SERVING (e.g. each projector's Readiness()); the
    // event log's writer health is always checked.
    std::vector<ReadinessCheck> readiness;
    // Runs once the server accepts calls (e.g. to start a client of an in-process service); its
    // error stops the server.
    std::function<absl::Status(grpc::Server&)> on_serving;
  };

  // Serves `services` until SIGTERM or SIGINT, then stops accepting calls, lets in-flight calls
  // finish (up to 10 s) and calls `drain` (e.g. stop the writers) before returning. Health
  // reports NOT_SERVING until every readiness check passes, and whenever one fails.
  [[nodiscard]] absl::Status Serve(const std::string& name,
                                   const std::vector<grpc::Service*>& services,
                                   const std::function<void()>& drain, ServeOptions options = {});

 private:
  explicit ServiceHost(ServerConfig config) : config_(std::move(config)) {}

  ServerConfig config_;
  runtime::SystemClock clock_;
  runtime::TenantTimeZones time_zones_;
  // Outlives the log (whose Kafka clients report to it) and the registrations.
  std::shared_ptr<StatisticsMetrics> statistics_;
  std::unique_ptr<eventlog::EventLog> log_;
  std::unique_ptr<StatisticsMetrics::Registration> log_stores_;
  Authentication auth_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<prometheus::Exposer> exposer_;  // last: its scrapes stop first
};

}  // namespace reviewtrail::server
