// Measures Append throughput and latency of the embedded and the Kafka event log at 1, 16 and 64
// concurrent appenders (one event per append), next to raw baselines measured in the same run:
//   raw RocksDB: one writer, synced WriteBatches of N records (the ideal group commit of N
//   appenders) raw librdkafka: N threads each producing one message and waiting for its delivery
//   report, with
//                   the log's producer settings, to the same mock cluster
// Usage: eventlog_bench [--seconds S] [--dir DIR] [--partitions P] [--shards N]
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "reviewtrail/sync/mutex.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace reviewtrail::eventlog {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  double ops_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

double Percentile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(q * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index),
                   values.end());
  return values[index];
}

// Runs `op(thread)` in `threads` threads for `seconds`; each call is `per_op` operations.
template <typename Op>
Result Measure(int threads, double seconds, int per_op, Op op) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<double>& mine = latencies[static_cast<size_t>(t)];
      while (!stop.load(std::memory_order_relaxed)) {
        const Clock::time_point before = Clock::now();
        if (!op(t)) {
          std::fprintf(stderr, "operation failed\n");
          std::abort();
        }
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& mine : latencies) all.insert(all.end(), mine.begin(), mine.end());
  Result result;
  result.ops_per_second = static_cast<double>(all.size()) * per_op / elapsed;
  result.p50_us = Percentile(all, 0.50);
  result.p99_us = Percentile(all, 0.99);
  return result;
}

v1::EventEnvelope Event(const std::string& tenant, int64_t version) {
  v1::EventEnvelope event;
  event.set_event_id(absl::StrCat(tenant, "/evt/", version));
  event.set_tenant_id(tenant);
  event.set_aggregate_type(v1::AGGREGATE_TYPE_ACTION);
  event.set_aggregate_id("action-0001");
  event.set_aggregate_version(version);
  event.mutable_occurred_at()->set_seconds(1'700'000'000);
  event.set_command_id(absl::StrCat("cmd-", version));
  event.set_correlation_id("corr-0123456789");
  v1::ActionAssigned* payload = event.mutable_action_assigned();
  payload->set_action_id("action-0001");
  payload->set_review_id("review-2024-q1");
  payload->set_title("Renew the supplier risk assessment");
  payload->set_expected_outcome("Assessment approved by the ISMS owner");
  payload->set_owner_id("person-42");
  return event;
}

// A stored record of about the embedded log's size: value plus headers plus framing.
std::string RecordLikeValue() {
  const v1::EventEnvelope event = Event("tenant-00", 1);
  size_t size = event.ByteSizeLong() + 16;
  for (const auto& [name, value] : CloudEventsHeaders(event))
    size += name.size() + value.size() + 2;
  return std::string(size, 'x');
}

std::string Tenant(int t) { return absl::StrFormat("tenant-%02d", t); }

Result BenchEventLog(EventLog& log, int threads, double seconds) {
  std::vector<int64_t> versions(static_cast<size_t>(threads), 0);
  return Measure(threads, seconds, 1, [&](int t) {
    const std::string tenant = Tenant(t);
    const v1::EventEnvelope event = Event(tenant, ++versions[static_cast<size_t>(t)]);
    return log.Append(tenant, std::span(&event, 1)).ok();
  });
}

Result BenchRawRocksBatches(const std::string& path, int batch, double seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, path, &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value = RecordLikeValue();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  int64_t key = 0;
  return Measure(1, seconds, batch, [&](int) {
    rocksdb::WriteBatch write;
    for (int i = 0; i < batch; ++i) write.Put(absl::StrFormat("%016d", key++), value);
    return db->Write(sync, &write).ok();
  });
}

// N threads, each writing its own synced single-record WriteBatch: RocksDB's own group commit.
Result BenchRawRocksThreads(const std::string& path, int threads, double seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, path, &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string value = RecordLikeValue();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::atomic<int64_t> key{0};
  return Measure(threads, seconds, 1, [&](int) {
    rocksdb::WriteBatch write;
    write.Put(absl::StrFormat("%016d", key++), value);
    return db->Write(sync, &write).ok();
  });
}

// librdkafka directly: N threads, each producing one message and waiting for its report.
class RawProducer {
 public:
  RawProducer(const std::string& bootstraps, const std::string& topic) : topic_name_(topic) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::array<char, 512> err{};
    for (const auto& [name, value] : {std::pair{"bootstrap.servers", bootstraps.c_str()},
                                      std::pair{"enable.idempotence", "true"},
                                      std::pair{"acks", "all"}, std::pair{"linger.ms", "1"}}) {
      if (rd_kafka_conf_set(conf, name, value, err.data(), err.size()) != RD_KAFKA_CONF_OK) {
        std::abort();
      }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* message, void*) {
      auto* done = static_cast<Waiter*>(message->_private);
      if (done == nullptr) return;
      reviewtrail::MutexLock lock(&done->mu);
      done->err = message->err;
      done->done = true;
    });
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
    if (rk_ == nullptr) std::abort();
    topic_ = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    poller_ = std::thread([this] {
      while (!stop_) rd_kafka_poll(rk_, 100);
    });
  }
  ~RawProducer() {
    rd_kafka_flush(rk_, 10000);
    stop_ = true;
    poller_.join();
    rd_kafka_topic_destroy(topic_);
    rd_kafka_destroy(rk_);
  }

  // Produces and waits for the delivery report.
  bool ProduceAndWait(int32_t partition, const std::string& key, const std::string& value,
                      const Headers& headers) {
    Waiter waiter;
    if (!Produce(partition, key, value, headers, &waiter)) return false;
    reviewtrail::MutexLock lock(&waiter.mu);
    waiter.mu.Await(reviewtrail::Condition(&waiter.done));
    return waiter.err == RD_KAFKA_RESP_ERR_NO_ERROR;
  }

  // Fire and forget, retrying while the local queue is full.
  bool ProduceAsync(int32_t partition, const std::string& key, const std::string& value,
                    const Headers& headers) {
    return Produce(partition, key, value, headers, nullptr);
  }

  bool Flush() { return rd_kafka_flush(rk_, 60000) == RD_KAFKA_RESP_ERR_NO_ERROR; }

 private:
  struct Waiter {
    reviewtrail::Mutex mu;
    bool done = false;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  };

  bool Produce(int32_t partition, const std::string& key, const std::string& value,
               const Headers& headers, Waiter* waiter) {
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& [name, text] : headers) {
      rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), text.data(),
                          static_cast<ssize_t>(text.size()));
    }
    std::array<rd_kafka_vu_t, 7> vus{};
    vus[0].vtype = RD_KAFKA_VTYPE_RKT;
    vus[0].u.rkt = topic_;
    vus[1].vtype = RD_KAFKA_VTYPE_PARTITION;
    vus[1].u.i32 = partition;
    vus[2].vtype = RD_KAFKA_VTYPE_KEY;
    vus[2].u.mem = {const_cast<char*>(key.data()), key.size()};
    vus[3].vtype = RD_KAFKA_VTYPE_VALUE;
    vus[3].u.mem = {const_cast<char*>(value.data()), value.size()};
    vus[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vus[4].u.i = RD_KAFKA_MSG_F_COPY;
    vus[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vus[5].u.ptr = waiter;
    vus[6].vtype = RD_KAFKA_VTYPE_HEADERS;
    vus[6].u.headers = hdrs;
    while (true) {
      rd_kafka_error_t* error = rd_kafka_produceva(rk_, vus.data(), vus.size());
      if (error == nullptr) return true;
      const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
      rd_kafka_error_destroy(error);
      if (code != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_headers_destroy(hdrs);
        return false;
      }
      rd_kafka_poll(rk_, 1);
    }
  }

  std::string topic_name_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* topic_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread poller_;
};

void PrintRow(const char* what, int appenders, const Result& r, const std::string& note = "") {
  std::printf("| %-44s | %3d | %10.0f | %9.0f | %9.0f | %s |\n", what, appenders, r.ops_per_second,
              r.p50_us, r.p99_us, note.c_str());
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  double seconds = 1.5;
  std::string dir = "eventlog-bench-data";
  int32_t partitions = 16;
  int32_t shards = DefaultShardCount();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 < argc && arg == "--seconds") {
      seconds = std::atof(argv[++i]);
    } else if (i + 1 < argc && arg == "--dir") {
      dir = argv[++i];
    } else if (i + 1 < argc && arg == "--partitions") {
      partitions = std::atoi(argv[++i]);
    } else if (i + 1 < argc && arg == "--shards") {
      shards = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: eventlog_bench [--seconds S (1.5)] [--dir DIR (a real disk, not "
                   "tmpfs)] [--partitions P (16)] [--shards N (one per four hardware threads)]\n");
      return 2;
    }
  }
  if (seconds <= 0 || partitions <= 0 || shards <= 0) return 2;

  const std::vector<int> concurrency = {1, 16, 64};
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::printf("| %-44s | %3s | %10s | %9s | %9s | %s |\n", "measurement", "N", "records/s",
              "p50 µs", "p99 µs", "note");
  std::printf("|%s|----:|-----------:|----------:|----------:|---|\n",
              std::string(46, '-').c_str());

  for (const int n : concurrency) {
    const Result raw = BenchRawRocksBatches(absl::StrCat(dir, "/raw-", n), n, seconds);
    PrintRow("raw RocksDB synced WriteBatch of N records", n, raw, "latency per batch");
    if (n > 1) {
      const Result threaded =
          BenchRawRocksThreads(absl::StrCat(dir, "/raw-threads-", n), n, seconds);
      PrintRow("raw RocksDB synced 1-record batch, N threads", n, threaded,
               "RocksDB's own write group");
    }
    auto log = EmbeddedLog::Open({.path = absl::StrCat(dir, "/embedded-", n),
                                  .partition_count = partitions,
                                  .shard_count = shards});
    if (!log.ok()) return 1;
    const Result embedded = BenchEventLog(**log, n, seconds);
    const EmbeddedLog::Stats stats = (*log)->GetStats();
    PrintRow("EmbeddedLog::Append (1 event)", n, embedded,
             absl::StrFormat("%.0f%% of raw; %.1f records/commit",
                             100 * embedded.ops_per_second / raw.ops_per_second,
                             static_cast<double>(stats.records) / stats.commits));
  }

  auto cluster = MockKafkaCluster::Start(3);
  if (!cluster.ok()) return 1;
  const v1::EventEnvelope sample = Event("tenant-00", 1);
  const std::string value = sample.SerializeAsString();
  const Headers headers = CloudEventsHeaders(sample);
  for (const int n : concurrency) {
    const std::string raw_topic = absl::StrCat("raw-", n);
    if (!(*cluster)->CreateTopic(raw_topic, partitions, 3).ok()) return 1;
    Result raw;
    {
      RawProducer producer((*cluster)->bootstrap_servers(), raw_topic);
      raw = Measure(n, seconds, 1, [&](int t) {
        return producer.ProduceAndWait(t % partitions, Tenant(t), value, headers);
      });
    }
    PrintRow("raw librdkafka produce + wait for report", n, raw, "same producer settings");

    const std::string topic = absl::StrCat("log-", n);
    if (!(*cluster)->CreateTopic(topic, partitions, 3).ok()) return 1;
    KafkaLogConfig config;
    config.bootstrap_servers = (*cluster)->bootstrap_servers();
    config.topic = topic;
    config.partition_count = partitions;
    auto log = KafkaLog::Open(config);
    if (!log.ok()) return 1;
    const Result kafka = BenchEventLog(**log, n, seconds);
    PrintRow("KafkaLog::Append (1 event)", n, kafka,
             absl::StrFormat("%.0f%% of raw", 100 * kafka.ops_per_second / raw.ops_per_second));
  }

  // Context: the mock cluster's pipelined produce ceiling (no one waits per message).
  {
    if (!(*cluster)->CreateTopic("raw-async", partitions, 3).ok()) return 1;
    RawProducer producer((*cluster)->bootstrap_servers(), "raw-async");
    constexpr int kMessages = 200'000;
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < kMessages; ++i) {
      if (!producer.ProduceAsync(i % partitions, Tenant(i % 64), value, headers)) return 1;
    }
    if (!producer.Flush()) return 1;
    Result pipelined;
    pipelined.ops_per_second =
        kMessages / std::chrono::duration<double>(Clock::now() - start).count();
    PrintRow("raw librdkafka produce, pipelined + flush", 1, pipelined,
             "throughput ceiling, no per-message wait");
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace reviewtrail::eventlog

int main(int argc, char** argv) { return reviewtrail::eventlog::Main(argc, argv); }
