// query_bench: the read model's benchmark (docs/PERFORMANCE.md, "Read model").
//   1. a synthetic history of --events events appended to an embedded log;
//   2. raw RocksDB WriteBatch puts/s (batches of 1000, no sync: what the projector's commits are);
//   3. rebuild events/s: RebuildReadModel from position 0 into a fresh store;
//   4. GetDashboard / ListActions p99 over gRPC on loopback, against grpc.health.v1 Check (a
//      trivial unary call) through the same generic client in the same run, with the process's
//      CPU time per call of each kind (client and server: the cost apart from the machine's noise);
//      measured after warm-up queries, once the store's background work after the rebuild is over;
//   5. command-ack -> visible p99: AssignAction through the command service, then GetAction with
//      the reply's min_position, on a fresh log with the live projector;
//   6. peak and current RSS.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/registry.h>
#include <rocksdb/db.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <random>
#include <thread>

#include "reviewtrail/auth/local_keys.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/readmodel/query_projection.h"
#include "synthetic_history.h"

namespace reviewtrail::tools {
namespace {

using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

// CPU seconds used so far by the calling thread (`who` = RUSAGE_THREAD) or the whole process.
double CpuSeconds(int who) {
  rusage usage{};
  ::getrusage(who, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Waits until the process spends under 2 % of one core over a quarter of a second (at most a
// minute); returns the seconds waited.
double WaitUntilIdle() {
  const auto started = SteadyClock::now();
  constexpr auto kWindow = std::chrono::milliseconds(250);
  while (Seconds(started) < 60) {
    const double cpu = CpuSeconds(RUSAGE_SELF);
    std::this_thread::sleep_for(kWindow);
    if (CpuSeconds(RUSAGE_SELF) - cpu < 0.02 * std::chrono::duration<double>(kWindow).count()) {
      break;
    }
  }
  return Seconds(started);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

std::string ProcStatus(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return "?";
}

void Fail(const std::string& what, const absl::Status& status) {
  std::cerr << "query_bench: " << what << ": " << status << "\n";
  std::exit(1);
}

// One unary call through the generic stub (the same client path for every RPC measured).
grpc::Status CallGeneric(grpc::GenericStub& stub, const std::string& method,
                         const std::string& request, const std::string& token,
                         std::string* response = nullptr) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (status.ok() && response != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)out.Dump(&slices);
    response->clear();
    for (const auto& s : slices)
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return status;
}

// Counts the store operations a projection makes (over an in-memory map).
class CountingChanges final : public projection::Changes {
 public:
  std::optional<std::string> Get(std::string_view table, std::string_view key) override {
    ++gets;
    return memory.Get(table, key);
  }
  void Put(std::string_view table, std::string_view key, std::string_view value) override {
    ++writes;
    memory.Put(table, key, value);
  }
  void Delete(std::string_view table, std::string_view key) override {
    ++writes;
    memory.Delete(table, key);
  }
  projection::MemoryChanges memory;
  int64_t gets = 0;
  int64_t writes = 0;
};

// Store reads and writes per event of the read model's projection, over the first `limit` events.
void CountOperations(eventlog::EventLog& log, int64_t limit) {
  readmodel::QueryProjection projection{runtime::TenantTimeZones()};
  CountingChanges changes;
  int64_t events = 0;
  for (int32_t partition = 0; partition < log.PartitionCount() && events < limit; ++partition) {
    for (int64_t next = 0; events < limit;) {
      auto records = log.Read(partition, next, 1000);
      if (!records.ok() || records->empty()) break;
      for (const auto& record : *records) {
        v1::EventEnvelope event;
        event.ParseFromString(record.value);
        (void)projection.Apply(record.position, event, changes);
        ++events;
      }
      (void)projection.Flush(changes);
      next = records->back().position.offset + 1;
    }
  }
  std::cout << "projection store operations per event (first " << events
            << " events): " << static_cast<double>(changes.writes) / static_cast<double>(events)
            << " writes, " << static_cast<double>(changes.gets) / static_cast<double>(events)
            << " reads\n";
}

struct Options {
  int64_t events = 1'000'000;
  std::string dir = "/tmp/query-bench";
  int queries = 2000;
  int tenants = 64;
  int owners = 50;
  int partitions = 8;
  int ack_samples = 300;
  size_t rebuild_workers = 0;
  // Only the query latencies (4), over the log and store a previous run left in `dir`.
  bool queries_only = false;
};

int Run(const Options& options) {
  if (!options.queries_only) {
    std::filesystem::remove_all(options.dir);
    std::filesystem::create_directories(options.dir);
  }
  const auto today = std::chrono::sys_days{std::chrono::year{2026} / 6 / 1};
  const int64_t today_days = today.time_since_epoch().count();
  runtime::FakeClock clock(today + std::chrono::hours(10));

  // 1. The history.
  auto log = eventlog::EmbeddedLog::Open(
      {.path = options.dir + "/log", .partition_count = options.partitions});
  if (!log.ok()) Fail("log", log.status());
  prometheus::Registry registry;
  const std::string store = options.dir + "/query";
  if (!options.queries_only) {
    auto started = SteadyClock::now();
    int64_t appended = 0;
    const int64_t actions =
        GenerateHistory(options.events, options.tenants, options.owners, today_days,
                        [&](const std::string& tenant, std::vector<v1::EventEnvelope>& events) {
                          auto positions = (*log)->Append(tenant, events);
                          if (!positions.ok()) Fail("append", positions.status());
                          appended += static_cast<int64_t>(events.size());
                        });
    std::cout << "history: " << appended << " events, " << actions << " actions, "
              << options.tenants << " tenants x " << options.owners << " owners, appended in "
              << Seconds(started) << " s\n";

    // 2. Raw RocksDB WriteBatch puts.
    {
      rocksdb::Options raw_options;
      raw_options.create_if_missing = true;
      raw_options.IncreaseParallelism(2);
      rocksdb::DB* raw = nullptr;
      if (!rocksdb::DB::Open(raw_options, options.dir + "/raw", &raw).ok()) return 1;
      std::unique_ptr<rocksdb::DB> db(raw);
      const std::string value(300, 'v');
      std::mt19937_64 random(42);
      started = SteadyClock::now();
      const double thread_cpu = CpuSeconds(RUSAGE_THREAD);
      const double process_cpu = CpuSeconds(RUSAGE_SELF);
      for (int64_t done = 0; done < appended;) {
        rocksdb::WriteBatch batch;
        for (int i = 0; i < 1000 && done < appended; ++i, ++done) {
          batch.Put("tenant-" + std::to_string(random() % 64) + "/act-" + std::to_string(random()),
                    value);
        }
        if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) return 1;
      }
      const double seconds = Seconds(started);
      std::cout << "raw rocksdb: " << appended << " puts (300 B values, batches of 1000) in "
                << seconds
                << " s = " << static_cast<int64_t>(static_cast<double>(appended) / seconds)
                << " puts/s (CPU: writer thread " << CpuSeconds(RUSAGE_THREAD) - thread_cpu
                << " s, process " << CpuSeconds(RUSAGE_SELF) - process_cpu << " s)\n";
    }

    // 3. Rebuild.
    started = SteadyClock::now();
    const double rebuild_thread_cpu = CpuSeconds(RUSAGE_THREAD);
    const double rebuild_process_cpu = CpuSeconds(RUSAGE_SELF);
    if (absl::Status rebuilt = query::RebuildReadModel(**log, store, runtime::TenantTimeZones(),
                                                       registry, 1000, options.rebuild_workers);
        !rebuilt.ok()) {
      Fail("rebuild", rebuilt);
    }
    double seconds = Seconds(started);
    std::cout << "rebuild: " << appended << " events in " << seconds
              << " s = " << static_cast<int64_t>(static_cast<double>(appended) / seconds)
              << " events/s (CPU: calling thread " << CpuSeconds(RUSAGE_THREAD) - rebuild_thread_cpu
              << " s, process " << CpuSeconds(RUSAGE_SELF) - rebuild_process_cpu << " s)\n";

    CountOperations(**log, 100'000);
  }

  // 4. Query latency against a trivial call.
  auto key = auth::GenerateSigningKey();
  auth::VerifierConfig verifier_config;
  verifier_config.keys.push_back(auth::ToVerificationKey(*key));
  auto verifier = auth::TokenVerifier::Create(verifier_config);
  {
    auto service =
        query::QueryService::Start(**log, *verifier, clock, registry, {.store_path = store});
    if (!service.ok()) Fail("query service", service.status());
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service->get());
    auto server = builder.BuildAndStart();
    grpc::GenericStub stub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                               grpc::InsecureChannelCredentials()));
    std::vector<std::string> tokens;
    for (int t = 0; t < options.tenants; ++t) {
      tokens.push_back(*auth::MintToken(*key,
                                        auth::Principal{TenantName(t), "aude", {v1::ROLE_AUDITOR}},
                                        clock.Now(), std::chrono::hours(24), ""));
    }
    std::mt19937 random(7);
    std::vector<double> echo, dashboard, list;
    // CPU seconds of the whole process (client and server) spent in each kind of call, measured:
    // the cost of a call apart from the machine's noise.
    double echo_cpu = 0, dashboard_cpu = 0, list_cpu = 0;
    std::string answer;
    int64_t overdue_sum = 0;
    constexpr int kWarmUp = 100;
    for (int i = 0; i < options.queries + kWarmUp; ++i) {
      if (i == kWarmUp) {
        // The first queries' snapshots let RocksDB rewrite the tables a rebuild moved whole from
        // its flushes (zeroing their sequence numbers): background work of a second or two, once
        // after a rebuild. Latency is measured once the process is idle again.
        const double settled = WaitUntilIdle();
        std::cout << "settled " << settled << " s after the warm-up queries\n";
      }
      const int tenant = static_cast<int>(random() % static_cast<unsigned>(options.tenants));
      double cpu0 = CpuSeconds(RUSAGE_SELF);
      auto t0 = SteadyClock::now();
      if (!CallGeneric(stub, "/grpc.health.v1.Health/Check", "", "").ok()) return 1;
      const double e = Seconds(t0);
      const double e_cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
      v1::GetDashboardRequest dashboard_request;
      cpu0 = CpuSeconds(RUSAGE_SELF);
      t0 = SteadyClock::now();
      grpc::Status status = CallGeneric(stub, "/reviewtrail.v1.QueryService/GetDashboard",
                                        dashboard_request.SerializeAsString(),
                                        tokens[static_cast<size_t>(tenant)], &answer);
      const double d = Seconds(t0);
      const double d_cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
      if (!status.ok()) {
        std::cerr << "GetDashboard: " << status.error_message() << "\n";
        return 1;
      }
      v1::Dashboard parsed;
      parsed.ParseFromString(answer);
      overdue_sum += parsed.overdue();
      v1::ListActionsRequest list_request;
      list_request.set_owner_id(OwnerName(static_cast<int>(random() % 50)));
      list_request.set_page_size(50);
      cpu0 = CpuSeconds(RUSAGE_SELF);
      t0 = SteadyClock::now();
      status = CallGeneric(stub, "/reviewtrail.v1.QueryService/ListActions",
                           list_request.SerializeAsString(), tokens[static_cast<size_t>(tenant)]);
      const double l = Seconds(t0);
      const double l_cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
      if (!status.ok()) return 1;
      if (i >= kWarmUp) {
        echo.push_back(e);
        dashboard.push_back(d);
        list.push_back(l);
        echo_cpu += e_cpu;
        dashboard_cpu += d_cpu;
        list_cpu += l_cpu;
      }
    }
    const auto row = [](const char* name, const std::vector<double>& v) {
      std::cout << name << ": p50 " << Percentile(v, 0.5) * 1e3 << " ms, p99 "
                << Percentile(v, 0.99) * 1e3 << " ms\n";
    };
    row("echo (grpc.health.v1 Check)", echo);
    row("GetDashboard (tenant scope)", dashboard);
    row("ListActions (owner, 50 per page)", list);
    const double calls = static_cast<double>(echo.size());
    std::cout << "CPU per call (process: client + server): echo " << echo_cpu / calls * 1e3
              << " ms, GetDashboard " << dashboard_cpu / calls * 1e3 << " ms, ListActions "
              << list_cpu / calls * 1e3 << " ms\n";
    std::cout << "p99 ratios: GetDashboard/echo "
              << Percentile(dashboard, 0.99) / Percentile(echo, 0.99) << ", ListActions/echo "
              << Percentile(list, 0.99) / Percentile(echo, 0.99) << "; mean overdue per tenant "
              << overdue_sum / (options.queries + kWarmUp) << "\n";
    std::cout << "RSS after queries: peak" << ProcStatus("VmHWM") << ", now" << ProcStatus("VmRSS")
              << "\n";
    server->Shutdown();
    (*service)->Stop();
  }
  if (options.queries_only) return 0;

  // 5. Command ack -> visible, on a fresh log with a live projector.
  {
    auto ack_log = eventlog::EmbeddedLog::Open(
        {.path = options.dir + "/ack-log", .partition_count = options.partitions});
    if (!ack_log.ok()) Fail("ack log", ack_log.status());
    prometheus::Registry ack_registry;
    auto service = query::QueryService::Start(**ack_log, *verifier, clock, ack_registry,
                                              {.store_path = options.dir + "/ack-query"});
    auto commands =
        command::CommandService::Start(**ack_log, *verifier, clock, ack_registry,
                                       {.write_model_path = options.dir + "/ack-command"});
    if (!service.ok() || !commands.ok()) return 1;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service->get());
    builder.RegisterService(commands->get());
    auto server = builder.BuildAndStart();
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    auto command_stub = v1::CommandService::NewStub(channel);
    auto query_stub = v1::QueryService::NewStub(channel);
    const std::string token =
        *auth::MintToken(*key, auth::Principal{"acme", "mia", {v1::ROLE_ISMS_MANAGER}}, clock.Now(),
                         std::chrono::hours(24), "");
    const auto command = [&](auto method, const auto& request) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token);
      v1::CommandReply reply;
      grpc::Status status = ((*command_stub).*method)(&context, request, &reply);
      if (!status.ok()) {
        std::cerr << "command: " << status.error_message() << "\n";
        std::exit(1);
      }
      return reply;
    };
    for (const char* person : {"mia", "olga"}) {
      v1::RegisterPersonRequest request;
      request.set_command_id(std::string("p-") + person);
      request.set_person_id(person);
      request.set_display_name(person);
      request.set_email(std::string(person) + "@acme.example");
      command(&v1::CommandService::Stub::RegisterPerson, request);
    }
    v1::RecordReviewRequest review;
    review.set_command_id("review");
    review.set_title("Review");
    *review.mutable_held_on() = domain::CivilDate::FromDaysSinceEpoch(today_days).ToProto();
    review.set_chair_id("mia");
    const std::string review_id =
        command(&v1::CommandService::Stub::RecordReview, review).aggregate_id();
    v1::RecordDecisionRequest decision;
    decision.set_command_id("decision");
    decision.set_review_id(review_id);
    decision.set_summary("Decide");
    decision.set_rationale("Because");
    decision.set_category(v1::DECISION_CATEGORY_ISMS_CHANGE);
    const std::string decision_id =
        command(&v1::CommandService::Stub::RecordDecision, decision).entity_id();
    std::vector<double> visible, acked;
    for (int i = 0; i < options.ack_samples; ++i) {
      v1::AssignActionRequest assign;
      assign.set_command_id("assign-" + std::to_string(i));
      assign.set_decision_id(decision_id);
      assign.set_title("Action " + std::to_string(i));
      assign.set_expected_outcome("Done");
      assign.set_completion_criteria("Evidence");
      assign.set_owner_id("olga");
      *assign.mutable_due_date() = domain::CivilDate::FromDaysSinceEpoch(today_days + 30).ToProto();
      auto t0 = SteadyClock::now();
      const v1::CommandReply reply = command(&v1::CommandService::Stub::AssignAction, assign);
      acked.push_back(Seconds(t0));
      t0 = SteadyClock::now();
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token);
      v1::GetActionRequest get;
      get.set_action_id(reply.aggregate_id());
      *get.mutable_min_position() = reply.log_position();
      v1::ActionDetail detail;
      if (!query_stub->GetAction(&context, get, &detail).ok()) return 1;
      visible.push_back(Seconds(t0));
    }
    std::cout << "command ack (AssignAction, synced append): p50 " << Percentile(acked, 0.5) * 1e3
              << " ms, p99 " << Percentile(acked, 0.99) * 1e3 << " ms\n";
    std::cout << "ack -> visible (GetAction with min_position): p50 "
              << Percentile(visible, 0.5) * 1e3 << " ms, p99 " << Percentile(visible, 0.99) * 1e3
              << " ms, max " << Percentile(visible, 1.0) * 1e3 << " ms\n";
    server->Shutdown();
    (*commands)->Stop();
    (*service)->Stop();
  }
  std::cout << "RSS at end: peak" << ProcStatus("VmHWM") << ", now" << ProcStatus("VmRSS") << "\n";
  return 0;
}

}  // namespace
}  // namespace reviewtrail::tools

int main(int argc, char** argv) {
  CLI::App app{"Read-model benchmark: rebuild, query latency, ack -> visible, RSS"};
  reviewtrail::tools::Options options;
  app.add_option("--events", options.events, "Events in the synthetic history");
  app.add_option("--dir", options.dir, "Scratch directory (wiped)");
  app.add_option("--queries", options.queries, "Measured calls per RPC");
  app.add_option("--tenants", options.tenants, "Tenants");
  app.add_option("--owners", options.owners, "Owners per tenant");
  app.add_option("--partitions", options.partitions, "Log partitions");
  app.add_option("--ack-samples", options.ack_samples, "Commands measured for ack -> visible");
  app.add_option("--rebuild-workers", options.rebuild_workers,
                 "Threads of the rebuild (0: the machine's hardware threads)");
  app.add_flag("--queries-only", options.queries_only,
               "Measure only the query latencies, over the log and read model a previous run left "
               "in --dir (which is then not wiped)");
  CLI11_PARSE(app, argc, argv);
  return reviewtrail::tools::Run(options);
}
