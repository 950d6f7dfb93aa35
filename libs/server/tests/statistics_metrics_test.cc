// StatisticsMetrics: what a scrape exports of the registered stores and the Kafka reports.
#include "reviewtrail/server/statistics_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace reviewtrail::server {
namespace {

// Family name -> (the metric's labels joined as k=v,... -> value).
std::map<std::string, std::map<std::string, double>> Scrape(const StatisticsMetrics& metrics) {
  std::map<std::string, std::map<std::string, double>> out;
  for (const prometheus::MetricFamily& family : metrics.Collect()) {
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::string labels;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        labels += (labels.empty() ? "" : ",") + label.name + "=" + label.value;
      }
      out[family.name][labels] = family.type == prometheus::MetricType::Counter
                                     ? metric.counter.value
                                     : metric.gauge.value;
    }
  }
  return out;
}

TEST(StatisticsMetricsTest, ExportsEveryRegisteredStoreUntilItsRegistrationIsDropped) {
  StatisticsMetrics metrics(std::chrono::seconds(15));
  auto log = metrics.AddStores([] {
    return std::vector<eventlog::StoreStatistics>{
        {.store = "event_log", .write_stopped = true, .stall_micros = 2500000},
        {.store = "event_log.shard1", .pending_compaction_bytes = 4096}};
  });
  {
    auto query = metrics.AddStores([] {
      return std::vector<eventlog::StoreStatistics>{
          {.store = "query", .live_sst_bytes = 1234, .wal_bytes = 777, .compaction_bytes = 9}};
    });
    const auto scraped = Scrape(metrics);
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_write_stopped"),
              (std::map<std::string, double>{
                  {"store=event_log", 1}, {"store=event_log.shard1", 0}, {"store=query", 0}}));
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_stall_seconds_total").at("store=event_log"), 2.5);
    EXPECT_EQ(
        scraped.at("reviewtrail_rocksdb_pending_compaction_bytes").at("store=event_log.shard1"),
        4096);
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_live_sst_bytes").at("store=query"), 1234);
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_wal_bytes_total").at("store=query"), 777);
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_compaction_bytes_total").at("store=query"), 9);
    EXPECT_EQ(scraped.at("reviewtrail_rocksdb_flush_bytes_total").at("store=query"), 0);
    // No Kafka client has reported: no Kafka family at all.
    EXPECT_FALSE(scraped.contains("reviewtrail_kafka_producer_queue_messages"));
  }
  const auto scraped = Scrape(metrics);
  EXPECT_FALSE(scraped.at("reviewtrail_rocksdb_live_sst_bytes").contains("store=query"));
  EXPECT_TRUE(scraped.at("reviewtrail_rocksdb_live_sst_bytes").contains("store=event_log"));
}

TEST(StatisticsMetricsTest, ExportsTheStoresMemoryBudgetAndItsUse) {
  const auto memory = eventlog::StoreMemory::Create(uint64_t{96} << 20);
  StatisticsMetrics metrics(std::chrono::seconds(15), memory);
  const auto scraped = Scrape(metrics);
  EXPECT_EQ(scraped.at("reviewtrail_rocksdb_memory_budget_bytes").at(""), 96 << 20);
  EXPECT_EQ(scraped.at("reviewtrail_rocksdb_memory_usage_bytes").at(""),
            static_cast<double>(memory->usage_bytes()));
  EXPECT_EQ(scraped.at("reviewtrail_rocksdb_memory_memtable_bytes").at(""),
            static_cast<double>(memory->memtable_bytes()));
  EXPECT_TRUE(scraped.contains("reviewtrail_rocksdb_memory_pinned_bytes"));
  // Without a budget (a process that opens no store): no memory family.
  EXPECT_FALSE(Scrape(StatisticsMetrics(std::chrono::seconds(15)))
                   .contains("reviewtrail_rocksdb_memory_budget_bytes"));
}

TEST(StatisticsMetricsTest, ExportsTheLatestReportOfEachKafkaClient) {
  StatisticsMetrics metrics(std::chrono::seconds(15));
  eventlog::KafkaStatistics producer{.client = "cmd#producer-1", .producer = true};
  producer.brokers.push_back({.node_id = 2,
                              .rtt_avg_seconds = 0.002,
                              .rtt_p99_seconds = 0.01,
                              .outstanding_requests = 3,
                              .request_errors = 1});
  producer.queue_messages = 7;
  producer.messages_sent = 40;
  metrics.OnKafkaStatistics(producer);
  producer.messages_sent = 90;  // a later report replaces the earlier one
  metrics.OnKafkaStatistics(producer);
  eventlog::KafkaStatistics consumer{.client = "cmd#consumer-2"};
  consumer.lag.push_back({.topic = "reviewtrail.events.v1", .lag_messages = 12, .partitions = 3});
  metrics.OnKafkaStatistics(consumer);

  const auto scraped = Scrape(metrics);
  EXPECT_EQ(scraped.at("reviewtrail_kafka_producer_messages_sent_total"),
            (std::map<std::string, double>{{"client=cmd#producer-1", 90}}));
  EXPECT_EQ(scraped.at("reviewtrail_kafka_producer_queue_messages").at("client=cmd#producer-1"), 7);
  EXPECT_EQ(
      scraped.at("reviewtrail_kafka_broker_rtt_p99_seconds").at("client=cmd#producer-1,broker=2"),
      0.01);
  EXPECT_EQ(scraped.at("reviewtrail_kafka_broker_outstanding_requests")
                .at("client=cmd#producer-1,broker=2"),
            3);
  EXPECT_EQ(
      scraped.at("reviewtrail_kafka_consumer_lag_messages"),
      (std::map<std::string, double>{{"client=cmd#consumer-2,topic=reviewtrail.events.v1", 12}}));
  // The consumer is no producer: it has no producer series.
  EXPECT_FALSE(
      scraped.at("reviewtrail_kafka_producer_queue_messages").contains("client=cmd#consumer-2"));
}

}  // namespace
}  // namespace reviewtrail::server
