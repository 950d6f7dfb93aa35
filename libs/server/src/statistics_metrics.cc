#include "reviewtrail/server/statistics_metrics.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>

#include <string>
#include <utility>

namespace reviewtrail::server {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

void Add(prometheus::MetricFamily& family, std::vector<prometheus::ClientMetric::Label> labels,
         double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  if (family.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace

StatisticsMetrics::Registration::~Registration() {
  reviewtrail::MutexLock lock(&metrics_.stores_mu_);
  metrics_.sources_.erase(id_);
}

std::unique_ptr<StatisticsMetrics::Registration> StatisticsMetrics::AddStores(StoreSource source) {
  reviewtrail::MutexLock lock(&stores_mu_);
  const int id = next_id_++;
  sources_.emplace(id, std::move(source));
  return std::unique_ptr<Registration>(new Registration(*this, id));
}

void StatisticsMetrics::OnKafkaStatistics(const eventlog::KafkaStatistics& stats) {
  reviewtrail::MutexLock lock(&kafka_mu_);
  kafka_[stats.client] = {.stats = stats, .received = std::chrono::steady_clock::now()};
}

std::vector<prometheus::MetricFamily> StatisticsMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  AppendStoreFamilies(families);
  AppendMemoryFamilies(families);
  AppendKafkaFamilies(families);
  // An empty family would still print its # TYPE line; leave out what no store or client has.
  std::erase_if(families, [](const prometheus::MetricFamily& f) { return f.metric.empty(); });
  return families;
}

void StatisticsMetrics::AppendStoreFamilies(std::vector<prometheus::MetricFamily>& families) const {
  using prometheus::MetricType;
  struct Figure {
    const char* name;
    const char* help;
    MetricType type;
    double (*value)(const eventlog::StoreStatistics&);
  };
  static constexpr Figure kFigures[] = {
      {"reviewtrail_rocksdb_pending_compaction_bytes",
       "Bytes compaction must rewrite to bring every level under its target "
       "(rocksdb.estimate-pending-compaction-bytes); writes slow down at 64 GiB",
       MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) {
         return static_cast<double>(s.pending_compaction_bytes);
       }},
      {"reviewtrail_rocksdb_running_compactions", "Compactions running now", MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) {
         return static_cast<double>(s.running_compactions);
       }},
      {"reviewtrail_rocksdb_write_stopped",
       "1 while RocksDB stops every write of the store (rocksdb.is-write-stopped)",
       MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) { return s.write_stopped ? 1.0 : 0.0; }},
      {"reviewtrail_rocksdb_delayed_write_rate_bytes_per_second",
       "The rate writes are held to while RocksDB delays them; 0 when not delayed "
       "(rocksdb.actual-delayed-write-rate)",
       MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) {
         return static_cast<double>(s.delayed_write_rate);
       }},
      {"reviewtrail_rocksdb_stall_seconds_total",
       "Time writers waited in RocksDB write stalls and slowdowns (STALL_MICROS)",
       MetricType::Counter,
       [](const eventlog::StoreStatistics& s) {
         return static_cast<double>(s.stall_micros) / 1e6;
       }},
      {"reviewtrail_rocksdb_memtable_bytes", "Bytes in memtables (rocksdb.cur-size-all-mem-tables)",
       MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.memtable_bytes); }},
      {"reviewtrail_rocksdb_block_cache_bytes",
       "Bytes held in the block cache the store uses (rocksdb.block-cache-usage): the process's "
       "shared cache, the same figure for every store",
       MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.block_cache_bytes); }},
      {"reviewtrail_rocksdb_live_sst_bytes",
       "Bytes of the store's live SST files (rocksdb.live-sst-files-size)", MetricType::Gauge,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.live_sst_bytes); }},
      {"reviewtrail_rocksdb_wal_bytes_total",
       "Bytes written to the store's write-ahead log (WAL_FILE_BYTES)", MetricType::Counter,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.wal_bytes); }},
      {"reviewtrail_rocksdb_flush_bytes_total",
       "Bytes of files written by memtable flushes (FLUSH_WRITE_BYTES)", MetricType::Counter,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.flush_bytes); }},
      {"reviewtrail_rocksdb_compaction_bytes_total",
       "Bytes of files written by compactions (COMPACT_WRITE_BYTES)", MetricType::Counter,
       [](const eventlog::StoreStatistics& s) { return static_cast<double>(s.compaction_bytes); }},
  };
  std::vector<eventlog::StoreStatistics> stores;
  {
    reviewtrail::MutexLock lock(&stores_mu_);
    for (const auto& [id, source] : sources_) {
      for (eventlog::StoreStatistics& store : source()) stores.push_back(std::move(store));
    }
  }
  for (const Figure& figure : kFigures) {
    prometheus::MetricFamily family = Family(figure.name, figure.help, figure.type);
    for (const eventlog::StoreStatistics& store : stores) {
      Add(family, {{"store", store.store}}, figure.value(store));
    }
    families.push_back(std::move(family));
  }
}

void StatisticsMetrics::AppendMemoryFamilies(
    std::vector<prometheus::MetricFamily>& families) const {
  if (memory_ == nullptr) return;
  using prometheus::MetricType;
  const auto gauge = [&families](const char* name, const char* help, uint64_t value) {
    prometheus::MetricFamily family = Family(name, help, MetricType::Gauge);
    Add(family, {}, static_cast<double>(value));
    families.push_back(std::move(family));
  };
  gauge("reviewtrail_rocksdb_memory_budget_bytes",
        "Memory shared by every RocksDB store of the process (--memory-budget): one block cache "
        "with the memtables charged to it",
        memory_->budget_bytes());
  gauge("reviewtrail_rocksdb_memory_usage_bytes",
        "Bytes charged to the shared block cache: data, index and filter blocks, and memtables",
        memory_->usage_bytes());
  gauge("reviewtrail_rocksdb_memory_memtable_bytes",
        "Bytes of every store's memtables (a quarter of the budget at most before they flush)",
        memory_->memtable_bytes());
  gauge("reviewtrail_rocksdb_memory_pinned_bytes",
        "Bytes of the shared cache that cannot be evicted: memtables, pinned index and filter "
        "blocks, blocks held by readers",
        memory_->pinned_bytes());
}

void StatisticsMetrics::AppendKafkaFamilies(std::vector<prometheus::MetricFamily>& families) const {
  using prometheus::MetricType;
  prometheus::MetricFamily rtt_avg =
      Family("reviewtrail_kafka_broker_rtt_avg_seconds",
             "Average request round trip to the broker over the last statistics interval",
             MetricType::Gauge);
  prometheus::MetricFamily rtt_p99 =
      Family("reviewtrail_kafka_broker_rtt_p99_seconds",
             "99th percentile request round trip to the broker over the last statistics interval",
             MetricType::Gauge);
  prometheus::MetricFamily outstanding =
      Family("reviewtrail_kafka_broker_outstanding_requests",
             "Requests to the broker waiting to be sent or for their response", MetricType::Gauge);
  prometheus::MetricFamily request_errors =
      Family("reviewtrail_kafka_broker_request_errors_total",
             "Failed transmissions and timed-out requests to the broker", MetricType::Counter);
  prometheus::MetricFamily queue_messages = Family(
      "reviewtrail_kafka_producer_queue_messages",
      "Messages in the producer's queue: not yet acknowledged by the brokers", MetricType::Gauge);
  prometheus::MetricFamily queue_bytes =
      Family("reviewtrail_kafka_producer_queue_bytes",
             "Bytes of the messages in the producer's queue", MetricType::Gauge);
  prometheus::MetricFamily sent =
      Family("reviewtrail_kafka_producer_messages_sent_total",
             "Messages the producer sent to brokers (retries included)", MetricType::Counter);
  prometheus::MetricFamily sent_bytes =
      Family("reviewtrail_kafka_producer_bytes_sent_total",
             "Message bytes the producer sent to brokers (retries included)", MetricType::Counter);
  prometheus::MetricFamily lag = Family(
      "reviewtrail_kafka_consumer_lag_messages",
      "Records of the topic beyond the next one the consumer hands to its reader, summed over "
      "the partitions it reads",
      MetricType::Gauge);

  const auto now = std::chrono::steady_clock::now();
  reviewtrail::MutexLock lock(&kafka_mu_);
  std::erase_if(
      kafka_, [&](const auto& entry) { return now - entry.second.received > 3 * kafka_interval_; });
  for (const auto& [client, report] : kafka_) {
    const eventlog::KafkaStatistics& stats = report.stats;
    for (const eventlog::KafkaStatistics::Broker& broker : stats.brokers) {
      const std::vector<prometheus::ClientMetric::Label> labels = {
          {"client", client}, {"broker", std::to_string(broker.node_id)}};
      Add(rtt_avg, labels, broker.rtt_avg_seconds);
      Add(rtt_p99, labels, broker.rtt_p99_seconds);
      Add(outstanding, labels, static_cast<double>(broker.outstanding_requests));
      Add(request_errors, labels, static_cast<double>(broker.request_errors));
    }
    if (stats.producer) {
      Add(queue_messages, {{"client", client}}, static_cast<double>(stats.queue_messages));
      Add(queue_bytes, {{"client", client}}, static_cast<double>(stats.queue_bytes));
      Add(sent, {{"client", client}}, static_cast<double>(stats.messages_sent));
      Add(sent_bytes, {{"client", client}}, static_cast<double>(stats.bytes_sent));
    }
    for (const eventlog::KafkaStatistics::TopicLag& topic : stats.lag) {
      Add(lag, {{"client", client}, {"topic", topic.topic}},
          static_cast<double>(topic.lag_messages));
    }
  }
  for (prometheus::MetricFamily* family :
       {&rtt_avg, &rtt_p99, &outstanding, &request_errors, &queue_messages, &queue_bytes, &sent,
        &sent_bytes, &lag}) {
    families.push_back(std::move(*family));
  }
}

}  // namespace reviewtrail::server
