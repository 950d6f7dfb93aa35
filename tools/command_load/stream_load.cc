#include "stream_load.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "command_mix.h"
#include "load_support.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/events/event_service.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/v1/event_service.grpc.pb.h"

namespace reviewtrail::tools {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr double kEventsTarget = 50'000;    // events/s one subscriber receives
constexpr double kCommandsTolerance = 0.1;  // commands/s with a subscriber: within 10 %
constexpr double kDelayP99Target = 10'000;  // µs, acknowledgement to delivery

// One Subscribe stream of tenant-0 on its own thread: counts the events it receives and, when
// asked, when each position arrived.
class Subscriber {
 public:
  Subscriber(const std::string& address, const std::string& token, bool from_now, bool timestamps)
      : timestamps_(timestamps) {
    stub_ = v1::EventService::NewStub(Channel(address, 5000));
    context_.AddMetadata("authorization", "Bearer " + token);
    v1::SubscribeRequest request;
    if (from_now) request.set_start_at(v1::STREAM_START_NOW);
    reader_ = stub_->Subscribe(&context_, request);
    thread_ = std::thread([this] { Read(); });
  }
  ~Subscriber() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    thread_.join();
  }
  [[nodiscard]] int64_t received() const { return received_.load(); }
  // Offset -> when it arrived; call after Stop().
  [[nodiscard]] const std::vector<std::pair<int64_t, SteadyClock::time_point>>& arrivals() const {
    return arrivals_;
  }

 private:
  void Read() {
    v1::SubscribeResponse message;
    while (reader_->Read(&message)) {
      if (!message.has_event()) continue;
      if (timestamps_) arrivals_.emplace_back(message.position().offset(), SteadyClock::now());
      received_.fetch_add(1, std::memory_order_relaxed);
    }
    (void)reader_->Finish();
  }

  const bool timestamps_;
  std::unique_ptr<v1::EventService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader_;
  std::atomic<int64_t> received_{0};
  std::vector<std::pair<int64_t, SteadyClock::time_point>> arrivals_;  // only Read's thread
  std::thread thread_;
};

// `backlog` PersonRegistered events of tenant-0, appended straight to the log in batches of 1000.
bool AppendBacklog(eventlog::EventLog& log, int64_t backlog) {
  std::vector<v1::EventEnvelope> batch;
  for (int64_t i = 0; i < backlog;) {
    batch.clear();
    for (int j = 0; j < 1000 && i < backlog; ++j, ++i) {
      v1::EventEnvelope& event = batch.emplace_back();
      event.set_event_id("backlog-" + std::to_string(i));
      event.set_tenant_id("tenant-0");
      event.set_aggregate_id("backlog-person-" + std::to_string(i));
      event.set_aggregate_version(1);
      event.mutable_occurred_at()->set_seconds(1'765'000'000);
      event.mutable_recorded_at()->set_seconds(1'765'000'000);
      event.mutable_person_registered()->set_person_id(event.aggregate_id());
      event.mutable_person_registered()->set_display_name("Backlog person");
    }
    if (!log.Append("tenant-0", batch).ok()) return false;
  }
  return true;
}

}  // namespace

int RunStream(int callers, double seconds, int tenants, int log_shards, int64_t backlog,
              const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  absl::StatusOr<InProcessLog> opened = OpenInProcessLog(dir, log_shards);
  if (!opened.ok()) {
    std::cerr << opened.status() << "\n";
    return 1;
  }
  const std::unique_ptr<eventlog::EmbeddedLog>& log = opened->log;
  const auth::SigningKey& key = opened->key;
  const auth::TokenVerifier& verifier = opened->verifier;
  runtime::SystemClock clock;
  prometheus::Registry registry;
  // The backlog goes in before the command service starts: it is the log's one writer and
  // refuses to go on over records it did not append.
  if (!AppendBacklog(*log, backlog)) {
    std::cerr << "appending the backlog failed\n";
    return 1;
  }
  auto service = command::CommandService::Start(*log, verifier, clock, registry,
                                                {.write_model_path = (dir / "command").string()});
  if (!service.ok()) {
    std::cerr << service.status() << "\n";
    return 1;
  }
  events::EventService events(*log, verifier, clock, registry);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service->get());
  builder.RegisterService(&events);
  auto server = builder.BuildAndStart();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const std::optional<std::vector<std::string>> decisions =
      PrepareTenants(address, key, tenants, callers);
  if (!decisions.has_value()) return 1;
  const std::string subscriber_token = Mint(key, "tenant-0", "warehouse", v1::ROLE_SUBSCRIBER);

  // Each caller's acknowledged tenant-0 commands: (log offset, when the reply came).
  using Acks = std::vector<std::pair<int64_t, SteadyClock::time_point>>;
  std::mutex acks_mutex;
  std::vector<std::shared_ptr<Acks>> all_acks;
  int round = 0;
  const auto commands = [&](bool record_acks) {
    ++round;
    return Measure(callers, seconds, [&, record_acks](int c) {
      const int t = c % tenants;
      const std::string tenant = "tenant-" + std::to_string(t);
      const std::string owner = "owner-" + std::to_string(c);
      auto stub = std::shared_ptr<v1::CommandService::Stub>(
          v1::CommandService::NewStub(Channel(address, c + 1)));
      auto mix = std::make_shared<CommandMix>(
          *stub, "s" + std::to_string(round) + "-c" + std::to_string(c),
          (*decisions)[static_cast<size_t>(t)], owner,
          Mint(key, tenant, "mia", v1::ROLE_ISMS_MANAGER),
          Mint(key, tenant, owner, v1::ROLE_ACTION_OWNER));
      auto acks = std::make_shared<Acks>();
      if (record_acks && t == 0) {
        std::lock_guard lock(acks_mutex);
        all_acks.push_back(acks);
      }
      const bool record = record_acks && t == 0;
      return [stub, mix, acks, record] {
        grpc::Status status = mix->Next();
        if (status.ok() && record) {
          acks->emplace_back(mix->last_reply().log_position().offset(), SteadyClock::now());
        }
        return status;
      };
    });
  };

  // 1. Commands alone.
  const Result alone = commands(false);
  // 2. A subscriber reading tenant-0 from its first event (the backlog, then the live events).
  auto reading = std::make_unique<Subscriber>(address, subscriber_token, false, false);
  const auto read_start = SteadyClock::now();
  const Result with_reader = commands(false);
  const int64_t received = reading->received();
  const double read_seconds =
      std::chrono::duration<double>(SteadyClock::now() - read_start).count();
  reading->Stop();
  const int64_t end = log->EndOffset(log->PartitionFor("tenant-0")).value();
  // 3. A subscriber from "now": the delay from each tenant-0 command's acknowledgement to the
  // arrival of its event.
  auto live = std::make_unique<Subscriber>(address, subscriber_token, true, true);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the stream is open
  const Result with_live = commands(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last events arrive
  live->Stop();
  std::map<int64_t, SteadyClock::time_point> arrived(live->arrivals().begin(),
                                                     live->arrivals().end());
  Latencies delays;
  int64_t missing = 0;
  for (const auto& acks : all_acks) {
    for (const auto& [offset, acked] : *acks) {
      auto it = arrived.find(offset);
      if (it == arrived.end()) {
        ++missing;
        continue;
      }
      delays.Add(std::max<int64_t>(
          0, std::chrono::duration_cast<std::chrono::microseconds>(it->second - acked).count()));
    }
  }

  const double events_rate = static_cast<double>(received) / read_seconds;
  const bool backlog_left = received < backlog;
  const double reader_ratio = with_reader.rate / alone.rate;
  const double live_ratio = with_live.rate / alone.rate;
  const int64_t p50 = delays.Quantile(0.5);
  const int64_t p99 = delays.Quantile(0.99);
  std::printf("| round | commands/s | p50 µs | p99 µs | errors |\n|---|--:|--:|--:|--:|\n");
  for (const auto& [name, result] : {std::pair<const char*, const Result&>{"commands alone", alone},
                                     {"with a subscriber reading the backlog", with_reader},
                                     {"with a live subscriber", with_live}}) {
    std::printf("| %s | %.0f | %lld | %lld | %lld |\n", name, result.rate,
                static_cast<long long>(result.p50), static_cast<long long>(result.p99),
                static_cast<long long>(result.errors));
  }
  std::printf(
      "subscriber: %lld events in %.1f s = %.0f events/s (%s; tenant-0's partition ends at %lld) "
      "- target >= %.0f: %s\n",
      static_cast<long long>(received), read_seconds, events_rate,
      backlog_left ? "still in the backlog at the end: its read rate"
                   : "caught up before the end: the rate is bounded by the live events",
      static_cast<long long>(end), kEventsTarget, events_rate >= kEventsTarget ? "met" : "missed");
  std::printf(
      "commands/s with the reading subscriber: %.1f %% of alone - target within %.0f %%: %s\n",
      reader_ratio * 100, kCommandsTolerance * 100,
      reader_ratio >= 1 - kCommandsTolerance ? "met" : "missed");
  std::printf("commands/s with the live subscriber: %.1f %% of alone - target within %.0f %%: %s\n",
              live_ratio * 100, kCommandsTolerance * 100,
              live_ratio >= 1 - kCommandsTolerance ? "met" : "missed");
  std::printf(
      "ack-to-delivery delay over %zu tenant-0 commands (%lld not delivered within 0.5 s of the "
      "end): p50 %lld µs, p99 %lld µs - target p99 <= %.0f µs: %s\n",
      delays.count(), static_cast<long long>(missing), static_cast<long long>(p50),
      static_cast<long long>(p99), kDelayP99Target,
      delays.count() > 0 && missing == 0 && static_cast<double>(p99) <= kDelayP99Target ? "met"
                                                                                        : "missed");
  std::fflush(stdout);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  events.Stop();
  (*service)->Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace reviewtrail::tools
