#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "reviewtrail/eventlog/kafka_statistics.h"
#include "reviewtrail/eventlog/store_memory.h"
#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/sync/mutex.h"

namespace reviewtrail::server {

// The storage engines' own figures on /metrics, read when Prometheus scrapes:
// - each registered RocksDB store's StoreStatistics, labelled `store` (reviewtrail_rocksdb_*);
// - the stores' shared memory budget and its use (reviewtrail_rocksdb_memory_*);
// - the latest librdkafka statistics report of each Kafka client of the process, labelled
//   `client` (librdkafka's instance name; reviewtrail_kafka_*). A client that has not reported
//   for three statistics intervals is gone (a closed subscription) and is dropped.
// The metric names and what each means are in docs/DEPLOYMENT.md ("Storage and Kafka metrics").
//
// Thread-safe: stores register from any thread, Kafka reports arrive on librdkafka's polling
// threads, Collect runs on the exposer's thread. Owned by the ServiceHost (shared with the
// exposer, which holds it weakly).
class StatisticsMetrics final : public prometheus::Collectable {
 public:
  using StoreSource = std::function<std::vector<eventlog::StoreStatistics>()>;

  // While it lives, every scrape calls its source; destroying it waits for a scrape in progress,
  // so the stores the source reads may be closed right after.
  class Registration {
   public:
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    friend class StatisticsMetrics;
    Registration(StatisticsMetrics& metrics, int id) : metrics_(metrics), id_(id) {}
    StatisticsMetrics& metrics_;
    const int id_;
  };

  // `memory`: the stores' shared budget, exported as reviewtrail_rocksdb_memory_*; null: none.
  explicit StatisticsMetrics(std::chrono::milliseconds kafka_statistics_interval,
                             std::shared_ptr<const eventlog::StoreMemory> memory = nullptr)
      : kafka_interval_(kafka_statistics_interval), memory_(std::move(memory)) {}

  // `source` is read at each scrape until the registration is destroyed (which must happen before
  // this object's destruction).
  [[nodiscard]] std::unique_ptr<Registration> AddStores(StoreSource source);

  // The latest report of a Kafka client (KafkaLogConfig::on_statistics).
  void OnKafkaStatistics(const eventlog::KafkaStatistics& stats);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct KafkaReport {
    eventlog::KafkaStatistics stats;
    std::chrono::steady_clock::time_point received;
  };

  void AppendStoreFamilies(std::vector<prometheus::MetricFamily>& families) const;
  void AppendKafkaFamilies(std::vector<prometheus::MetricFamily>& families) const;
  void AppendMemoryFamilies(std::vector<prometheus::MetricFamily>& families) const;

  const std::chrono::milliseconds kafka_interval_;
  const std::shared_ptr<const eventlog::StoreMemory> memory_;
  // Held through a scrape's reads of the stores, so that a Registration outlives none of them.
  mutable reviewtrail::Mutex stores_mu_;
  std::map<int, StoreSource> sources_ ABSL_GUARDED_BY(stores_mu_);
  int next_id_ ABSL_GUARDED_BY(stores_mu_) = 0;
  mutable reviewtrail::Mutex kafka_mu_;
  mutable std::map<std::string, KafkaReport> kafka_ ABSL_GUARDED_BY(kafka_mu_);
};

}  // namespace reviewtrail::server
