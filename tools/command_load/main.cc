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

#include "command_mix.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "latency.h"
#include "raw_sync.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/server/runtime_setup.h"

namespace reviewtrail::tools {
namespace {

using SteadyClock = std::chrono::steady_clock;

// About the size of one command's record in the log (frame, headers and event).
constexpr size_t kRecordLikeBytes = 600;

struct Result {
  double rate = 0;
  int64_t p50 = 0;
  int64_t p99 = 0;
  int64_t errors = 0;
  double cpu_micros_per_call = 0;  // of the whole process (server, gRPC and callers)
  double switches_per_call = 0;    // context switches of every thread, voluntary or not
};

// CPU time of every thread of the process so far, user and system.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Context switches of every thread of the process so far, voluntary and involuntary.
int64_t ProcessContextSwitches() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nvcsw + usage.ru_nivcsw;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address, int id) {
  grpc::ChannelArguments arguments;
  arguments.SetInt("grpc.channel_id", id);  // a channel (connection) per caller
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

// Runs `call` from `callers` threads for `seconds`; each thread gets its own state from `make`.
template <typename MakeCaller>
Result Measure(int callers, double seconds, MakeCaller make) {
  std::vector<Latencies> latencies(static_cast<size_t>(callers));
  std::atomic<int64_t> errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  const double cpu_start = ProcessCpuSeconds();
  const int64_t switches_start = ProcessContextSwitches();
  for (int c = 0; c < callers; ++c) {
    threads.emplace_back([&, c] {
      auto call = make(c);
      while (!stop.load(std::memory_order_relaxed)) {
        const auto before = SteadyClock::now();
        const grpc::Status status = call();
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - before);
        if (status.ok()) {
          latencies[static_cast<size_t>(c)].Add(micros.count());
        } else {
          ++errors;
          if (errors.load() <= 3) std::cerr << "error: " << status.error_message() << "\n";
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu_start;
  const auto switches = static_cast<double>(ProcessContextSwitches() - switches_start);
  Latencies all;
  for (const auto& each : latencies) all.Merge(each);
  const auto calls = static_cast<double>(std::max<size_t>(all.count(), 1));
  return Result{static_cast<double>(all.count()) / elapsed,
                all.Quantile(0.5),
                all.Quantile(0.99),
                errors.load(),
                cpu / calls * 1e6,
                switches / calls};
}

grpc::Status Send(v1::CommandService::Stub& stub, const std::string& token,
                  const v1::RegisterPersonRequest& request, v1::CommandReply* reply) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  return stub.RegisterPerson(&context, request, reply);
}

// A running command service to drive instead of an in-process one.
struct Target {
  std::string address;  // empty: in-process
  std::string signing_key;
  std::string issuer;
  std::string audience;
};

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
    return *auth::MintToken(key, auth::Principal{tenant, subject, {role}},
                            std::chrono::system_clock::now(), std::chrono::hours(2), issuer,
                            target.audience);
  };
  // Per tenant: a manager, one owner per caller, a review and a decision.
  const int max_callers = *std::max_element(caller_counts.begin(), caller_counts.end());
  std::vector<std::string> decisions;
  auto stub = v1::CommandService::NewStub(Channel(address, 0));
  for (int t = 0; t < tenants; ++t) {
    const std::string tenant = "tenant-" + std::to_string(t);
    const std::string manager = mint(tenant, "mia", v1::ROLE_ISMS_MANAGER);
    v1::CommandReply reply;
    for (int c = -1; c < max_callers; ++c) {
      v1::RegisterPersonRequest person;
      const std::string id = c < 0 ? "mia" : "owner-" + std::to_string(c);
      person.set_command_id("register-" + id);
      person.set_person_id(id);
      person.set_display_name(id);
      person.set_email(id + "@example.com");
      if (const grpc::Status sent = Send(*stub, manager, person, &reply); !sent.ok()) {
        std::cerr << "register " << id << " of " << tenant << ": " << sent.error_message() << "\n";
        return 1;
      }
    }
    grpc::ClientContext review_context;
    review_context.AddMetadata("authorization", "Bearer " + manager);
    v1::RecordReviewRequest review;
    review.set_command_id("review");
    review.set_title("Load test review");
    review.mutable_held_on()->set_year(2026);
    review.mutable_held_on()->set_month(1);
    review.mutable_held_on()->set_day(15);
    review.set_chair_id("mia");
    if (!stub->RecordReview(&review_context, review, &reply).ok()) return 1;
    grpc::ClientContext decision_context;
    decision_context.AddMetadata("authorization", "Bearer " + manager);
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision");
    decision.set_review_id(reply.aggregate_id());
    decision.set_summary("Tighten supplier access");
    decision.set_rationale("Audit finding");
    decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
    if (!stub->RecordDecision(&decision_context, decision, &reply).ok()) return 1;
    decisions.push_back(reply.entity_id());
  }

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
      const std::string tenant = "tenant-" + std::to_string(t);
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
  reviewtrail::tools::Target target;
  app.add_option("--target", target.address,
                 "host:port of a running command service to drive instead of an in-process one");
  app.add_option("--signing-key", target.signing_key,
                 "With --target: the service's signing key (PEM) to mint the callers' tokens");
  app.add_option("--token-issuer", target.issuer, "With --target: the tokens' issuer");
  app.add_option("--token-audience", target.audience, "With --target: the tokens' audience");
  CLI11_PARSE(app, argc, argv);
  if (!target.address.empty() && target.signing_key.empty()) {
    std::cerr << "--target needs --signing-key\n";
    return 2;
  }
  reviewtrail::server::DisableMutexDeadlockDetection();  // as the service binaries do
  return reviewtrail::tools::Run(callers, seconds, tenants, log_shards, dir, target);
}
