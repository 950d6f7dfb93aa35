// audit_bench: how fast the audit log is appended, exported and verified, and how much memory an
// export takes. Fills a tenant's audit log through the real AuditProjection (batches of 1000 in
// one WriteBatch each, as the projector commits), then serves the real AuditService on loopback
// gRPC and measures ExportAuditLog (client reads and discards every message) and VerifyAuditLog.
// Peak RSS is reset (/proc/self/clear_refs) before the export and read (VmHWM) after it; it covers
// server and client, which share this process.
#include <grpcpp/grpcpp.h>
#include <malloc.h>
#include <prometheus/registry.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "google/protobuf/util/time_util.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/runtime/clock.h"

namespace {

using namespace reviewtrail;  // NOLINT: a tool's main file
using Steady = std::chrono::steady_clock;

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// CPU time of the whole process (every thread: server, client and gRPC), user and system.
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

v1::EventEnvelope MakeEvent(int64_t n) {
  v1::EventEnvelope event;
  event.set_event_id("evt-" + std::to_string(n));
  event.set_tenant_id("acme");
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  const std::string action = "act-" + std::to_string(n / 20);
  event.set_aggregate_id(action);
  event.set_aggregate_version(n % 20 + 1);
  const int64_t micros = 1'795'424'400'000'000 + n * 1000;
  *event.mutable_occurred_at() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
  *event.mutable_recorded_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros + 300);
  event.mutable_actor()->set_person_id("olga");
  event.mutable_actor()->add_roles(v1::ROLE_ACTION_OWNER);
  if (n % 20 == 0) {
    auto* assigned = event.mutable_action_assigned();
    assigned->set_action_id(action);
    assigned->set_review_id("rev-" + std::to_string(n / 2000));
    assigned->set_decision_id("dec-1");
    assigned->set_title("Train the service desk on phishing, with a test");
    assigned->set_completion_criteria("attendance list signed, test passed by 90%");
    assigned->set_owner_id("olga");
  } else if (n % 20 == 10) {
    auto* evidence = event.mutable_evidence_attached();
    evidence->set_action_id(action);
    evidence->set_evidence_id("ev-" + std::to_string(n));
    evidence->set_kind(v1::EVIDENCE_KIND_TRAINING_RECORD);
    evidence->set_description("attendance list");
    evidence->set_uri("https://dms.example/ev/" + std::to_string(n));
    evidence->set_sha256(std::string(64, 'c'));
    evidence->set_size_bytes(20480);
  } else {
    event.mutable_progress_reported()->set_action_id(action);
    event.mutable_progress_reported()->set_note("worked on it, \"=details\" in the ticket");
    event.mutable_progress_reported()->set_percent_complete(static_cast<int>(n % 20) * 5);
  }
  return event;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Audit log benchmark: append, export and verify"};
  int64_t entries = 1'000'000;
  std::string dir = "/tmp/audit_bench";
  app.add_option("--entries", entries, "audit entries of one tenant");
  bool reuse = false;
  bool keep = false;
  size_t chunk_bytes = audit_service::AuditServiceOptions().export_chunk_bytes;
  size_t request_threads = 0;
  app.add_option("--dir", dir, "scratch directory (wiped unless reused)");
  app.add_flag("--reuse", reuse,
               "skip the append when --dir holds a log filled by an earlier run with --keep and "
               "the same --entries (no append figure then)");
  app.add_flag("--keep", keep, "keep the filled log in --dir for a later --reuse");
  bool no_export = false;
  bool no_verify = false;
  app.add_flag("--no-export", no_export, "skip the exports");
  app.add_flag("--no-verify", no_verify, "skip the verification");
  app.add_option("--chunk-bytes", chunk_bytes, "bytes per export message (the service's option)");
  app.add_option("--threads", request_threads,
                 "threads per export or verification (the service's option; 0: one per core)");
  CLI11_PARSE(app, argc, argv);

  const std::string store_path = dir + "/audit";
  const std::string filled_marker = dir + "/filled-entries";
  const bool reusing = reuse && [&] {
    std::ifstream marker(filled_marker);
    int64_t filled = -1;
    return marker >> filled && filled == entries;
  }();
  if (!reusing) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  std::filesystem::remove_all(dir + "/log");
  if (reusing) {
    std::cout << "append: skipped, reusing the " << entries << " entries in " << dir << "\n";
  } else {
    audit::AuditProjection projection;
    auto store = *projection::ProjectionStore::Open(store_path, projection.Tables());
    const auto start = Steady::now();
    for (int64_t n = 0; n < entries;) {
      projection::ProjectionStore::Batch batch(*store);
      for (int i = 0; i < 1000 && n < entries; ++i, ++n) {
        if (!projection.Apply({0, n}, MakeEvent(n), batch).ok()) return 1;
      }
      if (!store->Commit(batch, {}).ok()) return 1;
    }
    const double seconds = Seconds(start);
    std::cout << "append: " << entries << " entries in " << seconds
              << " s = " << static_cast<int64_t>(static_cast<double>(entries) / seconds)
              << " entries/s\n";
    // Every table flushed and compacted, as in a long-lived store: the service's own RocksDB then
    // has no compaction left to run while it is measured.
    if (absl::Status compacted = store->Compact(); !compacted.ok()) {
      std::cerr << "audit_bench: compacting: " << compacted << "\n";
      return 1;
    }
    std::ofstream(filled_marker) << entries << "\n";
  }
  // What the fill freed goes back to the system, so RSS is the service's and the client's.
  ::malloc_trim(0);

  // The real service over an empty embedded log (the entries above were applied directly, so no
  // log positions were committed and the projector has nothing to do).
  auto log = *eventlog::EmbeddedLog::Open({.path = dir + "/log", .partition_count = 1});
  const auth::SigningKey key = *auth::GenerateSigningKey();
  auth::VerifierConfig config;
  config.keys.push_back(auth::ToVerificationKey(key));
  const auto verifier = *auth::TokenVerifier::Create(config);
  runtime::SystemClock clock;
  prometheus::Registry registry;
  auto service = *audit_service::AuditService::Start(*log, verifier, clock, registry,
                                                     {.store_path = store_path,
                                                      .export_chunk_bytes = chunk_bytes,
                                                      .request_threads = request_threads});
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service.get());
  auto server = builder.BuildAndStart();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(16 << 20);
  auto stub = v1::AuditService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), arguments));
  const std::string token = *auth::MintToken(key, {"acme", "alice", {v1::ROLE_AUDITOR}},
                                             clock.Now(), std::chrono::hours(1), "bench");

  for (const auto format : {v1::AUDIT_EXPORT_FORMAT_CSV, v1::AUDIT_EXPORT_FORMAT_JSON_LINES}) {
    if (no_export) break;
    ResetPeakRss();
    const long rss_before = PeakRssKiB();
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ExportAuditLogRequest request;
    request.set_format(format);
    const auto start = Steady::now();
    const double cpu_start = CpuSeconds();
    auto reader = stub->ExportAuditLog(&context, request);
    v1::ExportAuditLogResponse message;
    int64_t bytes = 0;
    int64_t rows = 0;
    while (reader->Read(&message)) {
      bytes += static_cast<int64_t>(message.data().size());
      if (message.has_trailer()) rows = message.trailer().entries_exported();
    }
    const grpc::Status status = reader->Finish();
    const double seconds = Seconds(start);
    const double cpu = CpuSeconds() - cpu_start;
    if (!status.ok() || rows != entries) {
      std::cerr << "export failed: " << status.error_message() << " rows " << rows << "\n";
      return 1;
    }
    std::cout << "export " << (format == v1::AUDIT_EXPORT_FORMAT_CSV ? "csv" : "jsonl") << ": "
              << rows << " rows, " << bytes / (1 << 20) << " MiB in " << seconds
              << " s = " << static_cast<int64_t>(static_cast<double>(rows) / seconds)
              << " rows/s; peak RSS " << rss_before / 1024 << " MiB before, " << PeakRssKiB() / 1024
              << " MiB during; " << cpu << " s of CPU\n";
  }
  if (!no_verify) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::VerifyAuditLogRequest request;
    v1::VerifyAuditLogResponse response;
    const auto start = Steady::now();
    const double cpu_start = CpuSeconds();
    const grpc::Status status = stub->VerifyAuditLog(&context, request, &response);
    const double seconds = Seconds(start);
    const double cpu = CpuSeconds() - cpu_start;
    if (!status.ok() || !response.intact() || response.entries_checked() != entries) {
      std::cerr << "verify failed: " << status.error_message() << "\n";
      return 1;
    }
    std::cout << "verify: " << response.entries_checked() << " entries in " << seconds
              << " s = " << static_cast<int64_t>(static_cast<double>(entries) / seconds)
              << " entries/s (chain and stored events); " << cpu << " s of CPU\n";
  }
  server->Shutdown();
  service->Stop();
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}
