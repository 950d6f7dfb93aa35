// ParseKafkaStatistics over librdkafka statistics documents (the shape of its STATISTICS.md,
// trimmed to the fields read plus some that must be ignored).
#include "reviewtrail/eventlog/kafka_statistics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace reviewtrail::eventlog {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr char kProducer[] = R"({
  "name": "reviewtrail-command.pod-0#producer-1", "client_id": "reviewtrail-command.pod-0",
  "type": "producer", "ts": 5050185524, "time": 1733600000, "replyq": 0,
  "msg_cnt": 12, "msg_size": 3400, "msg_max": 100000, "msg_size_max": 1073741824,
  "tx": 120, "tx_bytes": 99000, "rx": 119, "rx_bytes": 8000,
  "txmsgs": 530, "txmsg_bytes": 171000, "rxmsgs": 0, "rxmsg_bytes": 0,
  "brokers": {
    "localhost:9092/bootstrap": {"name": "localhost:9092/bootstrap", "nodeid": -1,
      "nodename": "localhost:9092", "source": "configured", "state": "UP",
      "outbuf_cnt": 0, "waitresp_cnt": 0, "txerrs": 0, "req_timeouts": 0,
      "rtt": {"min": 0, "max": 0, "avg": 0, "p99": 0, "cnt": 0}},
    "localhost:9093/2": {"name": "localhost:9093/2", "nodeid": 2, "nodename": "localhost:9093",
      "source": "learned", "state": "UP", "outbuf_cnt": 1, "outbuf_msg_cnt": 3,
      "waitresp_cnt": 2, "waitresp_msg_cnt": 9, "tx": 60, "txbytes": 50000, "txerrs": 3,
      "txretries": 1, "req_timeouts": 1, "rx": 60, "rxerrs": 0,
      "rtt": {"min": 800, "max": 9000, "avg": 1500, "sum": 90000, "stddev": 200, "p50": 1400,
              "p75": 1600, "p90": 2000, "p95": 2500, "p99": 8000, "p99_99": 9000, "cnt": 60}},
    "localhost:9092/1": {"name": "localhost:9092/1", "nodeid": 1, "nodename": "localhost:9092",
      "source": "configured", "state": "UP", "outbuf_cnt": 0, "waitresp_cnt": 0, "txerrs": 0,
      "req_timeouts": 0, "rtt": {"avg": 700, "p99": 900, "cnt": 4}},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": 1, "source": "logical",
      "outbuf_cnt": 5, "waitresp_cnt": 0, "rtt": {"avg": 700, "p99": 900}}
  },
  "topics": {"reviewtrail.events.v1": {"topic": "reviewtrail.events.v1", "partitions": {
    "0": {"partition": 0, "msgq_cnt": 12, "hi_offset": -1001, "app_offset": -1001}}}}
})";

constexpr char kConsumer[] = R"({
  "name": "reviewtrail-query.pod-1#consumer-3", "type": "consumer", "msg_cnt": 40,
  "txmsgs": 0, "brokers": {},
  "topics": {
    "reviewtrail.events.v1": {"topic": "reviewtrail.events.v1", "partitions": {
      "0": {"partition": 0, "fetch_state": "active", "next_offset": 120, "app_offset": 100,
            "hi_offset": 130, "consumer_lag": -1},
      "1": {"partition": 1, "fetch_state": "active", "next_offset": 55, "app_offset": 55,
            "hi_offset": 55, "consumer_lag": -1},
      "2": {"partition": 2, "fetch_state": "active", "next_offset": 10, "app_offset": -1001,
            "hi_offset": 70},
      "3": {"partition": 3, "fetch_state": "none", "app_offset": 5, "hi_offset": 900},
      "-1": {"partition": -1, "fetch_state": "none", "app_offset": -1001, "hi_offset": -1001}}},
    "other.topic": {"topic": "other.topic", "partitions": {
      "0": {"partition": 0, "fetch_state": "active", "app_offset": -1001, "hi_offset": -1001}}}
  }
})";

TEST(KafkaStatisticsTest, ProducerReportsItsQueueSendsAndLearnedBrokers) {
  absl::StatusOr<KafkaStatistics> stats = ParseKafkaStatistics(kProducer);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->client, "reviewtrail-command.pod-0#producer-1");
  EXPECT_TRUE(stats->producer);
  EXPECT_EQ(stats->queue_messages, 12);
  EXPECT_EQ(stats->queue_bytes, 3400);
  EXPECT_EQ(stats->messages_sent, 530u);
  EXPECT_EQ(stats->bytes_sent, 171000u);
  // A bootstrap entry without a node id and the logical coordinator are not brokers of their own;
  // a bootstrap address named by metadata is (items in key order: "localhost:9092/1" first).
  ASSERT_EQ(stats->brokers.size(), 2u);
  EXPECT_EQ(stats->brokers[0].node_id, 1);
  EXPECT_EQ(stats->brokers[0].outstanding_requests, 0);
  const KafkaStatistics::Broker& broker = stats->brokers[1];
  EXPECT_EQ(broker.node_id, 2);
  EXPECT_THAT(broker.rtt_avg_seconds, DoubleEq(0.0015));
  EXPECT_THAT(broker.rtt_p99_seconds, DoubleEq(0.008));
  EXPECT_EQ(broker.outstanding_requests, 3);
  EXPECT_EQ(broker.request_errors, 4u);
  EXPECT_TRUE(stats->lag.empty());
}

TEST(KafkaStatisticsTest, ConsumerLagIsSummedOverThePartitionsItHasReadFrom) {
  absl::StatusOr<KafkaStatistics> stats = ParseKafkaStatistics(kConsumer);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_FALSE(stats->producer);
  // Partition 0: 130 - 100; partition 1: caught up. Partition 2 has handed nothing out yet
  // (unknown), partition 3 is not fetched, -1 is librdkafka's placeholder; other.topic has no
  // partition of known lag.
  EXPECT_THAT(stats->lag,
              ElementsAre(AllOf(Field(&KafkaStatistics::TopicLag::topic, "reviewtrail.events.v1"),
                                Field(&KafkaStatistics::TopicLag::lag_messages, 30),
                                Field(&KafkaStatistics::TopicLag::partitions, 2))));
}

TEST(KafkaStatisticsTest, RejectsWhatIsNotAStatisticsDocument) {
  for (const char* json : {"", "not json", "[1, 2]", R"({"type": "producer"})",
                           R"({"name": 7, "type": "consumer"})"}) {
    absl::StatusOr<KafkaStatistics> stats = ParseKafkaStatistics(json);
    EXPECT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(stats.status().message(), HasSubstr("kafka statistics")) << json;
  }
}

}  // namespace
}  // namespace reviewtrail::eventlog
