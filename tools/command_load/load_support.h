#pragma once
// What command_load's rounds share: the timed run of N callers, the process's CPU and context
// switches, a channel per caller, and the tenants every round's callers work in.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "latency.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::tools {

using SteadyClock = std::chrono::steady_clock;

struct Result {
  double rate = 0;
  int64_t p50 = 0;
  int64_t p99 = 0;
  int64_t errors = 0;
  double cpu_micros_per_call = 0;  // of the whole process (server, gRPC and callers)
  double switches_per_call = 0;    // context switches of every thread, voluntary or not
};

// What an in-process round serves from: an embedded log (16 partitions) in `dir`/log and a
// verifier trusting a fresh signing key, with which the callers mint their tokens. The services
// started over it keep references to both: it must outlive them and stay where it is.
struct InProcessLog {
  std::unique_ptr<eventlog::EmbeddedLog> log;
  auth::SigningKey key;
  auth::TokenVerifier verifier;
};

inline absl::StatusOr<InProcessLog> OpenInProcessLog(const std::filesystem::path& dir,
                                                     int log_shards) {
  absl::StatusOr<std::unique_ptr<eventlog::EmbeddedLog>> log = eventlog::EmbeddedLog::Open(
      {.path = (dir / "log").string(), .partition_count = 16, .shard_count = log_shards});
  if (!log.ok()) return log.status();
  absl::StatusOr<auth::SigningKey> key = auth::GenerateSigningKey();
  if (!key.ok()) return key.status();
  auth::VerifierConfig config;
  config.keys.push_back(auth::ToVerificationKey(*key));
  absl::StatusOr<auth::TokenVerifier> verifier = auth::TokenVerifier::Create(config);
  if (!verifier.ok()) return verifier.status();
  return InProcessLog{
      .log = *std::move(log), .key = *std::move(key), .verifier = *std::move(verifier)};
}

// CPU time of every thread of the process so far, user and system.
inline double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Context switches of every thread of the process so far, voluntary and involuntary.
inline int64_t ProcessContextSwitches() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nvcsw + usage.ru_nivcsw;
}

inline std::shared_ptr<grpc::Channel> Channel(const std::string& address, int id) {
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

inline grpc::Status Send(v1::CommandService::Stub& stub, const std::string& token,
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
  // The callers' tenants are <tenant_prefix>0, 1, ...: against a server holding other data, a
  // prefix of tenants it does not have.
  std::string tenant_prefix = "tenant-";
};

// Mints a token of `key` for the load's principals (two hours), with the issuer and audience the
// service expects.
inline std::string Mint(const auth::SigningKey& key, const std::string& tenant,
                        const std::string& subject, v1::Role role,
                        const std::string& issuer = "load", const std::string& audience = "") {
  return *auth::MintToken(key, auth::Principal{tenant, subject, {role}},
                          std::chrono::system_clock::now(), std::chrono::hours(2), issuer,
                          audience);
}

// Per tenant ("<prefix><t>"): a manager (mia), one owner per caller ("owner-<c>"), a review and a
// decision; returns each tenant's decision id, or nullopt when a command failed.
inline std::optional<std::vector<std::string>> PrepareTenants(
    const std::string& address, const auth::SigningKey& key, int tenants, int max_callers,
    const std::string& issuer = "load", const std::string& audience = "",
    const std::string& prefix = "tenant-") {
  auto mint = [&](const std::string& tenant, const std::string& subject, v1::Role role) {
    return Mint(key, tenant, subject, role, issuer, audience);
  };
  std::vector<std::string> decisions;
  auto stub = v1::CommandService::NewStub(Channel(address, 0));
  for (int t = 0; t < tenants; ++t) {
    const std::string tenant = prefix + std::to_string(t);
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
        return std::nullopt;
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
    if (!stub->RecordReview(&review_context, review, &reply).ok()) return std::nullopt;
    grpc::ClientContext decision_context;
    decision_context.AddMetadata("authorization", "Bearer " + manager);
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision");
    decision.set_review_id(reply.aggregate_id());
    decision.set_summary("Tighten supplier access");
    decision.set_rationale("Audit finding");
    decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
    if (!stub->RecordDecision(&decision_context, decision, &reply).ok()) return std::nullopt;
    decisions.push_back(reply.entity_id());
  }

  return decisions;
}

}  // namespace reviewtrail::tools
