// query_load: read throughput under concurrency. Over a read model of --events events (the
// synthetic history of query_bench), N concurrent callers repeat one kind of query for --seconds:
// GetDashboard, ListActions by owner, ListActions overdue-only, GetAction; before each, the same
// callers repeat grpc.health.v1.Health/Check (the echo baseline) in the same run. Every point is
// measured --repeat times; the tool prints the median (and the spread) of each and its verdict
// against the targets of docs/PERFORMANCE.md ("Read throughput").
//   query_load --events 1000000 --callers 1,16,64 --seconds 3 --repeat 3 --dir /var/tmp/qload
// With --target it queries a running server instead (the all-in-one over a log that history_fill
// wrote the same synthetic history into, same --tenants and --owners), minting its tokens with
// that server's signing key:
//   query_load --target 127.0.0.1:7443 --signing-key data/keys/signing-key.pem --callers 16
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/registry.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "latency.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"
#include "synthetic_history.h"

namespace reviewtrail::tools {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int64_t events = 100'000;
  std::string dir = "/tmp/query-load";
  std::vector<int> callers = {1, 16, 64};
  double seconds = 3;
  int repeat = 3;
  int tenants = 64;
  int owners = 50;
  int partitions = 8;
  bool reuse = false;  // keep the log and read model a previous run left in --dir
  // A running server to query instead of an in-process one; its signing key (PEM) and issuer.
  std::string target;
  std::string signing_key;
  std::string token_issuer = "reviewtrail-local";
};

// One caller's view of the server: its own channel (its own connection), stubs and tokens.
struct Caller {
  std::unique_ptr<v1::QueryService::Stub> queries;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
};

// What a caller does once: the call, given the caller and a random source; true when it succeeded.
using Call = std::function<bool(Caller&, std::mt19937&)>;

struct Point {
  double qps = 0;
  int64_t p50 = 0;  // microseconds
  int64_t p99 = 0;
  int64_t errors = 0;
};

// `callers` threads repeat `call` for `seconds`.
Point Measure(std::vector<Caller>& callers, size_t count, double seconds, const Call& call) {
  std::vector<Latencies> latencies(count);
  std::vector<int64_t> errors(count, 0);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto started = SteadyClock::now();
  for (size_t i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(1000 + i));
      while (!stop.load(std::memory_order_relaxed)) {
        const auto t0 = SteadyClock::now();
        const bool ok = call(callers[i], random);
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - t0).count();
        if (ok) {
          latencies[i].Add(micros);
        } else {
          ++errors[i];
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started).count();
  Latencies all;
  Point point;
  for (size_t i = 0; i < count; ++i) {
    all.Merge(latencies[i]);
    point.errors += errors[i];
  }
  point.qps = static_cast<double>(all.count()) / elapsed;
  point.p50 = all.Quantile(0.5);
  point.p99 = all.Quantile(0.99);
  return point;
}

template <typename T>
T Median(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

void Fail(const std::string& what, const absl::Status& status) {
  std::cerr << "query_load: " << what << ": " << status << "\n";
  std::exit(1);
}

// A running server's signing key, from its PEM file.
auth::SigningKey LoadSigningKey(const std::string& path) {
  std::ifstream file(path);
  std::stringstream pem;
  pem << file.rdbuf();
  absl::StatusOr<auth::SigningKey> key = auth::SigningKeyFromPem(pem.str());
  if (!file) Fail("--signing-key " + path, absl::NotFoundError("cannot read it"));
  if (!key.ok()) Fail("--signing-key " + path, key.status());
  return *std::move(key);
}

int Run(const Options& options) {
  const auto today = std::chrono::sys_days{std::chrono::year{2026} / 6 / 1};
  runtime::FakeClock clock(today + std::chrono::hours(10));
  // In process: the log, its read model and the query service on loopback.
  std::unique_ptr<eventlog::EmbeddedLog> log;
  prometheus::Registry registry;
  std::optional<auth::TokenVerifier> verifier;
  std::unique_ptr<query::QueryService> service;
  std::unique_ptr<grpc::Server> server;
  auth::SigningKey key;
  std::string address = options.target;
  std::chrono::system_clock::time_point now = clock.Now();
  if (!options.target.empty()) {
    key = LoadSigningKey(options.signing_key);
    now = std::chrono::system_clock::now();
  } else {
    const std::string log_path = options.dir + "/log";
    const std::string store_path = options.dir + "/query";
    const bool reuse = options.reuse && std::filesystem::exists(store_path);
    if (!reuse) {
      std::filesystem::remove_all(options.dir);
      std::filesystem::create_directories(options.dir);
    }
    auto opened =
        eventlog::EmbeddedLog::Open({.path = log_path, .partition_count = options.partitions});
    if (!opened.ok()) Fail("log", opened.status());
    log = *std::move(opened);
    if (!reuse) {
      int64_t appended = 0;
      GenerateHistory(options.events, options.tenants, options.owners,
                      today.time_since_epoch().count(),
                      [&](const std::string& tenant, std::vector<v1::EventEnvelope>& events) {
                        auto positions = log->Append(tenant, events);
                        if (!positions.ok()) Fail("append", positions.status());
                        appended += static_cast<int64_t>(events.size());
                      });
      if (absl::Status rebuilt =
              query::RebuildReadModel(*log, store_path, runtime::TenantTimeZones(), registry);
          !rebuilt.ok()) {
        Fail("rebuild", rebuilt);
      }
      std::cout << "read model of " << appended << " events, " << options.tenants << " tenants x "
                << options.owners << " owners\n";
    }

    key = *auth::GenerateSigningKey();
    auth::VerifierConfig verifier_config;
    verifier_config.keys.push_back(auth::ToVerificationKey(key));
    auto created = auth::TokenVerifier::Create(verifier_config);
    if (!created.ok()) Fail("verifier", created.status());
    verifier.emplace(*std::move(created));
    auto started =
        query::QueryService::Start(*log, *verifier, clock, registry, {.store_path = store_path});
    if (!started.ok()) Fail("query service", started.status());
    service = *std::move(started);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    address = "127.0.0.1:" + std::to_string(port);
  }

  std::vector<std::string> tokens;
  for (int t = 0; t < options.tenants; ++t) {
    tokens.push_back(*auth::MintToken(
        key, auth::Principal{TenantName(t), "aude", {v1::ROLE_AUDITOR}}, now,
        std::chrono::hours(24), options.target.empty() ? "" : options.token_issuer));
  }
  const size_t max_callers =
      static_cast<size_t>(*std::max_element(options.callers.begin(), options.callers.end()));
  std::vector<Caller> callers;
  for (size_t i = 0; i < max_callers; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    auto channel =
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
    callers.push_back(
        {v1::QueryService::NewStub(channel), grpc::health::v1::Health::NewStub(channel)});
  }
  // Action ids to read, per tenant: the first page of each tenant's actions.
  std::vector<std::vector<std::string>> action_ids(static_cast<size_t>(options.tenants));
  for (int t = 0; t < options.tenants; ++t) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + tokens[static_cast<size_t>(t)]);
    v1::ListActionsRequest request;
    request.set_page_size(100);
    v1::ListActionsResponse response;
    if (grpc::Status status = callers[0].queries->ListActions(&context, request, &response);
        !status.ok()) {
      std::cerr << "query_load: ListActions: " << status.error_message() << "\n";
      return 1;
    }
    for (const auto& action : response.actions()) {
      action_ids[static_cast<size_t>(t)].push_back(action.action_id());
    }
    if (action_ids[static_cast<size_t>(t)].empty()) {
      std::cerr << "query_load: tenant " << TenantName(t) << " has no actions\n";
      return 1;
    }
  }

  const auto tenant_of = [&](std::mt19937& random) {
    return static_cast<size_t>(random() % static_cast<unsigned>(options.tenants));
  };
  const auto authorized = [&](grpc::ClientContext& context, size_t tenant) {
    context.AddMetadata("authorization", "Bearer " + tokens[tenant]);
  };
  const Call echo = [](Caller& caller, std::mt19937&) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return caller.health->Check(&context, request, &response).ok();
  };
  const std::vector<std::pair<std::string, Call>> kinds = {
      {"GetDashboard",
       [&](Caller& caller, std::mt19937& random) {
         grpc::ClientContext context;
         authorized(context, tenant_of(random));
         v1::Dashboard response;
         return caller.queries->GetDashboard(&context, v1::GetDashboardRequest(), &response).ok();
       }},
      {"ListActions owner",
       [&](Caller& caller, std::mt19937& random) {
         grpc::ClientContext context;
         authorized(context, tenant_of(random));
         v1::ListActionsRequest request;
         request.set_owner_id(
             OwnerName(static_cast<int>(random() % static_cast<unsigned>(options.owners))));
         request.set_page_size(50);
         v1::ListActionsResponse response;
         return caller.queries->ListActions(&context, request, &response).ok();
       }},
      {"ListActions overdue",
       [&](Caller& caller, std::mt19937& random) {
         grpc::ClientContext context;
         authorized(context, tenant_of(random));
         v1::ListActionsRequest request;
         request.set_overdue_only(true);
         request.set_page_size(50);
         v1::ListActionsResponse response;
         return caller.queries->ListActions(&context, request, &response).ok();
       }},
      {"GetAction",
       [&](Caller& caller, std::mt19937& random) {
         const size_t tenant = tenant_of(random);
         grpc::ClientContext context;
         authorized(context, tenant);
         v1::GetActionRequest request;
         const auto& ids = action_ids[tenant];
         request.set_action_id(ids[random() % ids.size()]);
         v1::ActionDetail response;
         return caller.queries->GetAction(&context, request, &response).ok();
       }},
  };

  // Warm-up: every kind once at the largest concurrency, unmeasured.
  for (const auto& [name, call] : kinds) Measure(callers, max_callers, 0.5, call);

  std::cout << std::fixed << std::setprecision(0) << "\n"
            << std::left << std::setw(22) << "query" << std::right << std::setw(8) << "callers"
            << std::setw(10) << "QPS" << std::setw(20) << "QPS spread" << std::setw(10) << "p50 us"
            << std::setw(10) << "p99 us" << std::setw(10) << "x echo"
            << "\n";
  // median ratio to echo, per (kind, callers), and median QPS
  std::map<std::pair<std::string, int>, std::pair<double, double>> medians;
  int64_t errors = 0;
  for (int count : options.callers) {
    const auto n = static_cast<size_t>(count);
    std::vector<Point> echo_points;
    std::map<std::string, std::vector<Point>> points;
    std::map<std::string, std::vector<double>> ratios;
    for (int r = 0; r < options.repeat; ++r) {
      const Point base = Measure(callers, n, options.seconds, echo);
      echo_points.push_back(base);
      for (const auto& [name, call] : kinds) {
        const Point point = Measure(callers, n, options.seconds, call);
        errors += point.errors;
        points[name].push_back(point);
        ratios[name].push_back(point.qps / base.qps);
      }
    }
    const auto row = [&](const std::string& name, std::vector<Point> measured,
                         const std::vector<double>& ratio) {
      std::sort(measured.begin(), measured.end(),
                [](const Point& a, const Point& b) { return a.qps < b.qps; });
      const Point& median = measured[measured.size() / 2];
      std::ostringstream spread;
      spread << std::fixed << std::setprecision(0) << measured.front().qps << "-"
             << measured.back().qps;
      std::cout << std::left << std::setw(22) << name << std::right << std::setw(8) << count
                << std::setw(10) << median.qps << std::setw(20) << spread.str() << std::setw(10)
                << median.p50 << std::setw(10) << median.p99 << std::setw(10)
                << std::setprecision(2) << (ratio.empty() ? 1.0 : Median(ratio))
                << std::setprecision(0) << "\n";
      medians[{name, count}] = {median.qps, ratio.empty() ? 1.0 : Median(ratio)};
    };
    row("echo (Health/Check)", echo_points, {});
    for (const auto& [name, call] : kinds) row(name, points[name], ratios[name]);
  }

  // The verdicts: at 16 callers, as docs/PERFORMANCE.md states the targets.
  std::cout << "\nverdicts (median of " << options.repeat << " runs, 16 callers):\n";
  bool all_met = true;
  const auto verdict = [&](const std::string& what, bool met) {
    all_met = all_met && met;
    std::cout << "  " << (met ? "MET    " : "NOT MET") << "  " << what << "\n";
  };
  if (medians.contains({"GetDashboard", 16})) {
    const auto [dashboard_qps, dashboard_ratio] = medians[{"GetDashboard", 16}];
    const auto [list_qps, list_ratio] = medians[{"ListActions owner", 16}];
    std::ostringstream text;
    text << std::fixed << std::setprecision(2);
    text << "GetDashboard >= 9000/s: " << std::setprecision(0) << dashboard_qps;
    verdict(text.str(), dashboard_qps >= 9000);
    text.str("");
    text << std::fixed << std::setprecision(2) << "GetDashboard >= 0.6 x echo: " << dashboard_ratio;
    verdict(text.str(), dashboard_ratio >= 0.6);
    text.str("");
    text << "ListActions (owner) >= 0.6 x echo: " << list_ratio << " (" << std::setprecision(0)
         << list_qps << "/s)";
    verdict(text.str(), list_ratio >= 0.6);
  } else {
    std::cout << "  (run with 16 among --callers for the verdicts)\n";
  }
  if (errors > 0) std::cout << "errors: " << errors << " failed calls\n";
  if (server) server->Shutdown();
  if (service) service->Stop();
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace reviewtrail::tools

int main(int argc, char** argv) {
  CLI::App app{"Read throughput: query QPS and latency at N callers, beside the gRPC echo"};
  reviewtrail::tools::Options options;
  app.add_option("--events", options.events, "Events in the synthetic history");
  app.add_option("--dir", options.dir, "Scratch directory (wiped unless --reuse)");
  app.add_option("--callers", options.callers, "Concurrent callers, e.g. 1,16,64")->delimiter(',');
  app.add_option("--seconds", options.seconds, "Seconds per measured point");
  app.add_option("--repeat", options.repeat, "Runs of every point (the median is reported)")
      ->check(CLI::Range(1, 99));
  app.add_option("--tenants", options.tenants, "Tenants");
  app.add_option("--owners", options.owners, "Owners per tenant");
  app.add_option("--partitions", options.partitions, "Log partitions");
  app.add_flag("--reuse", options.reuse,
               "Query the log and read model a previous run left in --dir (no rebuild)");
  app.add_option("--target", options.target,
                 "host:port of a running server to query instead of an in-process one (its log "
                 "filled by history_fill with the same --tenants and --owners)");
  app.add_option("--signing-key", options.signing_key,
                 "With --target: the server's signing key (PEM) to mint the callers' tokens");
  app.add_option("--token-issuer", options.token_issuer,
                 "With --target: the tokens' issuer (the server's --token-issuer, else "
                 "reviewtrail-local)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!options.target.empty() && options.signing_key.empty()) {
    std::cerr << "--target needs --signing-key\n";
    return 2;
  }
  return reviewtrail::tools::Run(options);
}
