#include "reviewtrail/server/service_host.h"

#include <errno.h>  // program_invocation_short_name
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "prometheus/gauge.h"
#include "reviewtrail/runtime/structured_log.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::server {

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(ServerConfig config) {
  DisableMutexDeadlockDetection();
  std::unique_ptr<ServiceHost> host(new ServiceHost(std::move(config)));
  runtime::SetUpLogging(program_invocation_short_name, host->config_.log_format == "json"
                                                           ? runtime::LogFormat::kJson
                                                           : runtime::LogFormat::kText);
  auto zones = runtime::TenantTimeZones::Parse(host->config_.tenant_time_zones);
  if (!zones.ok()) return zones.status();
  if (absl::Status sandboxes = zones->AddSandboxes(host->config_.sandbox_tenants);
      !sandboxes.ok()) {
    return sandboxes;
  }
  host->time_zones_ = *std::move(zones);
  std::error_code error;
  std::filesystem::create_directories(host->config_.data_dir, error);
  if (error) {
    return absl::FailedPreconditionError("cannot create --data-dir " + host->config_.data_dir +
                                         ": " + error.message());
  }
  // Every store the process opens from here on draws from one budget.
  eventlog::SetProcessMemoryBudget(host->config_.memory_budget_bytes);
  host->statistics_ = std::make_shared<StatisticsMetrics>(host->config_.kafka.statistics_interval,
                                                          eventlog::ProcessStoreMemory());
  if (!host->config_.metrics_listen.empty()) {
    host->config_.kafka.on_statistics =
        [statistics = host->statistics_](const eventlog::KafkaStatistics& stats) {
          statistics->OnKafkaStatistics(stats);
        };
  }
  auto log = OpenEventLog(host->config_);
  if (!log.ok()) return log.status();
  host->log_ = *std::move(log);
  host->log_stores_ =
      host->statistics_->AddStores([log = host->log_.get()] { return log->StorageStatistics(); });
  auto auth = SetUpAuthentication(host->config_);
  if (!auth.ok()) return auth.status();
  host->auth_ = *std::move(auth);
  if (!host->config_.metrics_listen.empty()) {
    try {
      host->exposer_ = std::make_unique<prometheus::Exposer>(host->config_.metrics_listen);
    } catch (const std::exception& e) {
      return absl::UnavailableError("cannot serve metrics on " + host->config_.metrics_listen +
                                    ": " + e.what());
    }
    host->exposer_->RegisterCollectable(host->registry_);
    host->exposer_->RegisterCollectable(host->statistics_);
  }
  return host;
}

absl::Status ServiceHost::Serve(const std::string& name,
                                const std::vector<grpc::Service*>& services,
                                const std::function<void()>& drain, ServeOptions options) {
  int port = 0;
  auto server = StartGrpcServer(config_, services, &port);
  if (!server.ok()) return server.status();
  std::vector<ReadinessCheck> checks = std::move(options.readiness);
  // 1 while the event log takes appends, 0 while its writer has failed: a Kafka producer's fatal
  // error, or the embedded log's full or read-only volume (until a write succeeds again).
  prometheus::Gauge& writer_up = prometheus::BuildGauge()
                                     .Name("reviewtrail_event_log_writer_up")
                                     .Help(
                                         "1 while the event log takes appends, 0 while its "
                                         "writer fails (full or read-only volume, Kafka "
                                         "producer's fatal error)")
                                     .Register(*registry_)
                                     .Add({});
  writer_up.Set(1);
  checks.insert(checks.begin(), ReadinessCheck{[this, &writer_up]() -> absl::Status {
                  absl::Status writer = log_->WriterHealth();
                  writer_up.Set(writer.ok() ? 1 : 0);
                  if (writer.ok()) return writer;
                  return absl::UnavailableError("the event log's writer failed: " +
                                                std::string(writer.message()));
                }});
  grpc::HealthCheckServiceInterface& health = *(*server)->GetHealthCheckService();
  Readiness readiness(options.service_names, std::move(checks));
  // NOT_SERVING from the start; the checks run once on_serving has set up what they look at.
  health.SetServingStatus("", false);
  for (const std::string& service : options.service_names) health.SetServingStatus(service, false);
  if (options.on_serving) {
    if (absl::Status started = options.on_serving(**server); !started.ok()) {
      (*server)->Shutdown();
      drain();
      return started;
    }
  }
  readiness.Start(health);
  auto admin_token = EnsureAdminToken(config_, signing_key(), verifier());
  if (!admin_token.ok()) return admin_token.status();

  const std::string host = config_.listen.substr(0, config_.listen.rfind(':'));
  const std::filesystem::path token_file =
      std::filesystem::absolute(std::filesystem::path(config_.data_dir) / "admin.token");
  std::cout << name << " is listening (health: SERVING once caught up with the log)\n"
            << "  gRPC     " << host << ":" << port
            << (config_.tls_cert.empty() ? " (plaintext)" : " (TLS)") << "\n";
  if (exposer_) {
    // The bound port (the configured one, or the kernel's choice for ":0").
    const std::string metrics_host =
        config_.metrics_listen.substr(0, config_.metrics_listen.rfind(':'));
    const std::vector<int> ports = exposer_->GetListeningPorts();
    std::cout << "  metrics  http://" << metrics_host << ":" << (ports.empty() ? 0 : ports.front())
              << "/metrics\n";
  }
  std::cout << "  log      " << config_.log << " (" << log_->PartitionCount() << " partitions)\n"
            << "  data     " << std::filesystem::absolute(config_.data_dir).string() << "\n"
            << "  token    " << token_file.string() << " (tenant '" << config_.tenant
            << "', roles isms_manager + auditor)\n\n"
            << "export REVIEWTRAIL_ADDRESS=" << host << ":" << port << "\n";
  // The token itself only to a person at a terminal: a log pipeline must not collect it.
  if (::isatty(STDOUT_FILENO) == 1) {
    std::cout << "export REVIEWTRAIL_TOKEN=" << *admin_token << "\n\n";
  } else {
    std::cout << "export REVIEWTRAIL_TOKEN=$(cat " << token_file.string() << ")\n\n";
  }
  std::cout << "More tokens: reviewtrail-server token --data-dir " << config_.data_dir
            << " --tenant " << config_.tenant << " --subject <person id> --role action_owner\n"
            << std::flush;

  const int signal = WaitForTerminationSignal();
  spdlog::info("{} received, draining", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  readiness.Stop();
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  drain();
  (*server)->Wait();
  spdlog::info("stopped cleanly");
  return absl::OkStatus();
}

}  // namespace reviewtrail::server
