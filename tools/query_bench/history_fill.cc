// history_fill: writes the synthetic history (synthetic_history.h, the one query_bench rebuilds
// from) into a Kafka topic, for timing how long a new query replica takes to catch up on it
// (scripts/bench-split.sh), or into an embedded log, for the all-in-one server to start on
// (scripts/scale-curve.sh). One Append per tenant batch of up to 1,000 events, from --writers
// threads over disjoint tenants.
//   history_fill --kafka-bootstrap-servers 127.0.0.1:9092 --partitions 64 --events 1000000
//   history_fill --embedded-log data/log --partitions 16 --events 1000000
#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "synthetic_history.h"

int main(int argc, char** argv) {
  CLI::App app{"Writes the synthetic history into a Kafka topic or an embedded log"};
  reviewtrail::eventlog::KafkaLogConfig config;
  config.create_topic = false;
  config.client_id = "history_fill";
  int64_t events = 1'000'000;
  int tenants = 64;
  int owners = 50;
  int writers = 8;
  std::string embedded_log;
  auto* kafka = app.add_option("--kafka-bootstrap-servers", config.bootstrap_servers);
  app.add_option("--embedded-log", embedded_log,
                 "Instead of Kafka: the directory of a new embedded log (the all-in-one server's "
                 "<data-dir>/log)")
      ->excludes(kafka);
  app.add_option("--topic", config.topic)->capture_default_str();
  app.add_option("--partitions", config.partition_count, "Partitions of the topic")->required();
  app.add_option("--events", events)->capture_default_str();
  app.add_option("--tenants", tenants)->capture_default_str();
  app.add_option("--owners", owners, "Owners per tenant")->capture_default_str();
  app.add_option("--writers", writers, "Concurrent appenders")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (embedded_log.empty() == config.bootstrap_servers.empty()) {
    std::cerr << "history_fill: give --kafka-bootstrap-servers or --embedded-log\n";
    return 2;
  }

  absl::StatusOr<std::unique_ptr<reviewtrail::eventlog::EventLog>> log;
  if (embedded_log.empty()) {
    auto opened = reviewtrail::eventlog::KafkaLog::Open(config);
    if (opened.ok())
      log = std::unique_ptr<reviewtrail::eventlog::EventLog>(*std::move(opened));
    else
      log = opened.status();
  } else {
    auto opened = reviewtrail::eventlog::EmbeddedLog::Open(
        {.path = embedded_log, .partition_count = config.partition_count});
    if (opened.ok())
      log = std::unique_ptr<reviewtrail::eventlog::EventLog>(*std::move(opened));
    else
      log = opened.status();
  }
  if (!log.ok()) {
    std::cerr << "history_fill: " << log.status() << "\n";
    return 1;
  }
  // The generator runs on this thread; writers take whole tenant batches from a bounded queue
  // (a tenant's batches stay in order: each writer owns the tenants with index % writers).
  struct Batch {
    std::string tenant;
    std::vector<reviewtrail::v1::EventEnvelope> events;
  };
  std::vector<std::deque<Batch>> queues(static_cast<size_t>(writers));
  std::mutex mutex;
  std::condition_variable changed;
  bool finished = false;
  bool failed = false;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      while (true) {
        Batch batch;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return finished || !queues[static_cast<size_t>(w)].empty(); });
          if (queues[static_cast<size_t>(w)].empty()) return;
          batch = std::move(queues[static_cast<size_t>(w)].front());
          queues[static_cast<size_t>(w)].pop_front();
        }
        changed.notify_all();
        auto positions = (*log)->Append(batch.tenant, batch.events);
        if (!positions.ok()) {
          std::cerr << "history_fill: " << positions.status() << "\n";
          std::lock_guard lock(mutex);
          failed = true;
        }
      }
    });
  }
  const auto started = std::chrono::steady_clock::now();
  std::map<std::string, int> writer_of;
  const int64_t today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
                            .time_since_epoch()
                            .count();
  const int64_t actions = reviewtrail::tools::GenerateHistory(
      events, tenants, owners, today,
      [&](const std::string& tenant, std::vector<reviewtrail::v1::EventEnvelope>& batch) {
        const int w = writer_of.try_emplace(tenant, static_cast<int>(writer_of.size()) % writers)
                          .first->second;
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return queues[static_cast<size_t>(w)].size() < 4; });
        queues[static_cast<size_t>(w)].push_back({tenant, std::move(batch)});
        lock.unlock();
        changed.notify_all();
      });
  {
    std::lock_guard lock(mutex);
    finished = true;
  }
  changed.notify_all();
  for (std::thread& thread : threads) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failed) return 1;
  int64_t total = 0;
  for (int32_t p = 0; p < config.partition_count; ++p) {
    auto end = (*log)->EndOffset(p);
    if (!end.ok()) {
      std::cerr << "history_fill: " << end.status() << "\n";
      return 1;
    }
    total += *end;
    // The development broker drops a partition's oldest records beyond ~5 MiB: all must be there.
    if (*end > 0 && !(*log)->Read(p, 0, 1).ok()) {
      std::cerr << "history_fill: partition " << p
                << " lost its first records (over the broker's retention): use more partitions\n";
      return 1;
    }
  }
  std::cout << "history_fill: " << events << " events (" << actions << " actions, " << tenants
            << " tenants) in " << seconds << " s; the log holds " << total << " records\n";
  return total >= events ? 0 : 1;
}
