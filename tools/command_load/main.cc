// command_load: drives the command mix through gRPC with N concurrent callers against a real
// command service (in-process, embedded log on disk) and, in the same run, a trivial unary RPC of
// the same server (grpc.health.v1.Health/Check) as the echo baseline.
//   command_load --callers 1,16,64 --seconds 5 --tenants 8 --dir /var/tmp/load
// With --target it drives a running command service instead (the all-in-one reviewtrail-server or
// the split stack's reviewtrail-command), minting its tokens with that service's signing key:
//   command_load --callers 16 --target 127.0.0.1:7443 --signing-key data/keys/signing-key.pem
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/registry.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "bytes_per_command.h"
#include "command_mix.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "load_support.h"
#include "raw_sync.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/server/runtime_setup.h"
#include "stream_load.h"

namespace reviewtrail::tools {
namespace {

// About the size of one command's record in the log (frame, headers and event).
constexpr size_t kRecordLikeBytes = 600;

int Run(const std::vector<int>& caller_counts, double seconds, int tenants, int log_shards,
        const std::filesystem::path& dir, const Target& target) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const bool in_process = target.address.empty();
  std::unique_ptr<eventlog::EmbeddedLog> log;
  std::optional<auth::TokenVerifier> verifier;
  runtime::SystemClock clock;
  prometheus::Registry registry;
  std::unique_ptr<command::CommandService> service;
  std::unique_ptr<grpc::Server> server;
  std::string address = target.address;
  auth::SigningKey key;
  std::string issuer = "load";
  // Command ids of this run: a target may have seen earlier runs.
  const std::string run = in_process
                              ? ""
                              : std::to_string(std::chrono::system_clock::now().time_since_epoch() /
                                               std::chrono::milliseconds(1)) +
                                    "-";
  if (in_process) {
    auto opened = eventlog::EmbeddedLog::Open(
        {.path = (dir / "log").string(), .partition_count = 16, .shard_count = log_shards});
    if (!opened.ok()) {
      std::cerr << opened.status() << "\n";
      return 1;
    }
    log = std::move(*opened);
    key = *auth::GenerateSigningKey();
    auth::VerifierConfig config;
    config.keys.push_back(auth::ToVerificationKey(key));
    verifier.emplace(*auth::TokenVerifier::Create(config));
    auto started = command::CommandService::Start(*log, *verifier, clock, registry,
                                                  {.write_model_path = (dir / "command").string()});
    if (!started.ok()) {
      std::cerr << started.status() << "\n";
      return 1;
    }
    service = std::move(*started);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    address = "127.0.0.1:" + std::to_string(port);
  } else {
    std::ifstream file(target.signing_key);
    std::stringstream pem;
    pem << file.rdbuf();
    absl::StatusOr<auth::SigningKey> loaded = auth::SigningKeyFromPem(pem.str());
    if (!file || !loaded.ok()) {
      std::cerr << "--signing-key " << target.signing_key << ": "
                << (file ? loaded.status().ToString() : "cannot read it") << "\n";
      return 1;
    }
    key = *std::move(loaded);
    issuer = target.issuer;
  }

  auto mint = [&](const std::string& tenant, const std::string& subject, v1::Role role) {
    return Mint(key, tenant, subject, role, issuer, target.audience);
  };
  const int max_callers = *std::max_element(caller_counts.begin(), caller_counts.end());
  const std::optional<std::vector<std::string>> prepared = PrepareTenants(
      address, key, tenants, max_callers, issuer, target.audience, target.tenant_prefix);
  if (!prepared.has_value()) return 1;
  const std::vector<std::string>& decisions = *prepared;

  std::printf(
      "| callers | commands/s | p50 µs | p99 µs | echo QPS | echo p50 µs | echo p99 µs | "
      "commands/echo | CPU µs per command | CPU µs per echo | switches per command | switches per "
      "echo |\n"
      "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  int round = 0;
  std::vector<std::pair<int, double>> group_commits;  // callers, events per synced commit
  std::optional<std::pair<Result, Result>> lone;      // the 1-caller round: commands, echo
  for (int callers : caller_counts) {
    ++round;
    const eventlog::EmbeddedLog::Stats before =
        in_process ? log->GetStats() : eventlog::EmbeddedLog::Stats{};
    const Result commands = Measure(callers, seconds, [&](int c) {
      const int t = c % tenants;
      const std::string tenant = target.tenant_prefix + std::to_string(t);
      const std::string owner = "owner-" + std::to_string(c);
      auto caller_stub = std::shared_ptr<v1::CommandService::Stub>(
          v1::CommandService::NewStub(Channel(address, c + 1)));
      auto mix = std::make_shared<CommandMix>(
          *caller_stub, run + "r" + std::to_string(round) + "-c" + std::to_string(c),
          decisions[static_cast<size_t>(t)], owner, mint(tenant, "mia", v1::ROLE_ISMS_MANAGER),
          mint(tenant, owner, v1::ROLE_ACTION_OWNER));
      return [caller_stub, mix] { return mix->Next(); };
    });
    const eventlog::EmbeddedLog::Stats after =
        in_process ? log->GetStats() : eventlog::EmbeddedLog::Stats{};
    const Result echo = Measure(callers, seconds, [&](int c) {
      auto health = std::shared_ptr<grpc::health::v1::Health::Stub>(
          grpc::health::v1::Health::NewStub(Channel(address, 1000 + c)));
      return [health] {
        grpc::ClientContext context;
        grpc::health::v1::HealthCheckRequest request;
        grpc::health::v1::HealthCheckResponse response;
        return health->Check(&context, request, &response);
      };
    });
    std::printf(
        "| %d | %.0f | %lld | %lld | %.0f | %lld | %lld | %.2f | %.0f | %.0f | %.1f | %.1f |\n",
        callers, commands.rate, static_cast<long long>(commands.p50),
        static_cast<long long>(commands.p99), echo.rate, static_cast<long long>(echo.p50),
        static_cast<long long>(echo.p99), commands.rate / echo.rate, commands.cpu_micros_per_call,
        echo.cpu_micros_per_call, commands.switches_per_call, echo.switches_per_call);
    const int64_t commits = after.commits - before.commits;
    if (commits > 0) {
      group_commits.push_back(
          {callers, static_cast<double>(after.records - before.records) / commits});
    }
    if (callers == 1) lone = {commands, echo};
    if (commands.errors > 0)
      std::printf("(%lld command errors)\n", static_cast<long long>(commands.errors));
    std::fflush(stdout);
  }
  for (const auto& [callers, records] : group_commits) {
    std::printf("%d callers: %.1f events per synced log commit\n", callers, records);
  }
  if (lone.has_value() && in_process) {
    // The 1-caller target: p50 <= echo p50 + one fsync + 150 µs, with the fsync measured now.
    const int64_t fsync = RawSyncedWriteP50(dir / "raw-sync", 2.0, kRecordLikeBytes);
    const int64_t limit = lone->second.p50 + fsync + 150;
    std::printf(
        "1 caller: p50 %lld µs against echo p50 %lld + one fsync %lld (raw synced RocksDB "
        "write, p50) + 150 = %lld µs: %s\n",
        static_cast<long long>(lone->first.p50), static_cast<long long>(lone->second.p50),
        static_cast<long long>(fsync), static_cast<long long>(limit),
        lone->first.p50 <= limit ? "within" : "above");
  }
  if (in_process) {
    server->Shutdown();
    service->Stop();
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace reviewtrail::tools

int main(int argc, char** argv) {
  CLI::App app{"Durable command throughput and latency against a trivial RPC of the same server"};
  std::vector<int> callers = {1, 16, 64};
  double seconds = 5;
  int tenants = 8;
  std::string dir =
      (std::filesystem::temp_directory_path() / ("command-load-" + std::to_string(::getpid())))
          .string();
  app.add_option("--callers", callers, "Concurrent callers per round")->delimiter(',');
  app.add_option("--seconds", seconds, "Duration of each measurement")->capture_default_str();
  app.add_option("--tenants", tenants, "Tenants the callers spread over")->capture_default_str();
  int log_shards = reviewtrail::eventlog::EmbeddedLogOptions().shard_count;
  app.add_option("--log-shards", log_shards, "RocksDB shards of the embedded log")
      ->capture_default_str();
  app.add_option("--dir", dir, "Where the log and write model live (a real disk)");
  bool stream = false;
  app.add_flag("--stream", stream,
               "Instead: one EventService.Subscribe stream beside the commands (the largest of "
               "--callers): commands/s without and with it, events/s it receives, ack-to-delivery "
               "delay");
  int64_t backlog = 1'000'000;
  app.add_option("--backlog", backlog,
                 "With --stream: events of the subscriber's tenant appended before it reads")
      ->capture_default_str();
  bool bytes_per_command = false;
  app.add_flag(
      "--bytes-per-command", bytes_per_command,
      "Instead: bytes each command type writes to the log, the write model, the query read "
      "model and the audit log (in process, with the query and audit projectors)");
  int actions = 200;
  app.add_option("--actions", actions, "With --bytes-per-command: commands of each type")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  reviewtrail::tools::Target target;
  app.add_option("--target", target.address,
                 "host:port of a running command service to drive instead of an in-process one");
  app.add_option("--signing-key", target.signing_key,
                 "With --target: the service's signing key (PEM) to mint the callers' tokens");
  app.add_option("--token-issuer", target.issuer, "With --target: the tokens' issuer");
  app.add_option("--token-audience", target.audience, "With --target: the tokens' audience");
  app.add_option("--tenant-prefix", target.tenant_prefix,
                 "The callers' tenants are <prefix>0, <prefix>1, ... (against a server whose "
                 "history uses tenant-N: another prefix)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!target.address.empty() && target.signing_key.empty()) {
    std::cerr << "--target needs --signing-key\n";
    return 2;
  }
  reviewtrail::server::DisableMutexDeadlockDetection();  // as the service binaries do
  if (bytes_per_command) {
    if (!target.address.empty() || stream) {
      std::cerr << "--bytes-per-command runs in process alone; it takes neither --target nor "
                   "--stream\n";
      return 2;
    }
    return reviewtrail::tools::RunBytesPerCommand(actions, tenants, log_shards, dir);
  }
  if (stream) {
    if (!target.address.empty()) {
      std::cerr << "--stream runs in process; it does not take --target\n";
      return 2;
    }
    return reviewtrail::tools::RunStream(*std::max_element(callers.begin(), callers.end()), seconds,
                                         tenants, log_shards, backlog, dir);
  }
  return reviewtrail::tools::Run(callers, seconds, tenants, log_shards, dir, target);
}
