// Kafka-only behaviour: fault tolerance on the mock cluster, topic checks, fatal errors and
// consumer groups. The shared contract is in event_log_contract_test.cc.
#include "reviewtrail/eventlog/kafka_log.h"

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "reviewtrail/sync/mutex.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

using ::testing::ElementsAre;
using testing::MakeEvent;

constexpr int32_t kPartitions = 4;

class KafkaLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<MockKafkaCluster>> cluster = MockKafkaCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    config_.bootstrap_servers = cluster_->bootstrap_servers();
    config_.partition_count = kPartitions;
  }

  std::unique_ptr<KafkaLog> OpenLog() {
    absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Open(config_);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  // `threads` appenders, each appending `appends` batches of 1-2 events of its own tenant in
  // order. Returns event id -> acknowledged position.
  static std::map<std::string, Position> AppendConcurrently(EventLog& log, int threads,
                                                            int appends) {
    reviewtrail::Mutex mu;
    std::map<std::string, Position> acknowledged;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        const std::string tenant = absl::StrCat("tenant-", t);
        int64_t version = 0;
        for (int i = 0; i < appends; ++i) {
          std::vector<v1::EventEnvelope> events;
          for (int e = 0; e <= i % 2; ++e) events.push_back(MakeEvent(tenant, "a", ++version));
          absl::StatusOr<std::vector<Position>> positions = log.Append(tenant, events);
          ASSERT_TRUE(positions.ok()) << positions.status();
          reviewtrail::MutexLock lock(&mu);
          for (size_t e = 0; e < events.size(); ++e) {
            acknowledged[events[e].event_id()] = (*positions)[e];
          }
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
    return acknowledged;
  }

  // Reads every partition and checks: each acknowledged event exactly once, at its position, and
  // each tenant's events in version order without gaps.
  static void ExpectExactlyOnceInOrder(EventLog& log,
                                       const std::map<std::string, Position>& acknowledged) {
    std::map<std::string, Position> found;
    std::map<std::string, int64_t> last_version;
    for (int32_t p = 0; p < log.PartitionCount(); ++p) {
      const absl::StatusOr<int64_t> end = log.EndOffset(p);
      ASSERT_TRUE(end.ok()) << end.status();
      int64_t next = 0;
      while (next < *end) {
        absl::StatusOr<std::vector<Record>> chunk = log.Read(p, next, 200);
        ASSERT_TRUE(chunk.ok()) << chunk.status();
        ASSERT_FALSE(chunk->empty());
        for (const Record& record : *chunk) {
          v1::EventEnvelope event;
          ASSERT_TRUE(event.ParseFromString(record.value));
          EXPECT_TRUE(found.emplace(event.event_id(), record.position).second)
              << "duplicate " << event.event_id();
          int64_t& last = last_version[event.tenant_id()];
          EXPECT_EQ(event.aggregate_version(), last + 1) << event.event_id();
          last = event.aggregate_version();
        }
        next += static_cast<int64_t>(chunk->size());
      }
    }
    EXPECT_EQ(found, acknowledged);
  }

  std::unique_ptr<MockKafkaCluster> cluster_;
  KafkaLogConfig config_;
};

TEST_F(KafkaLogTest, InjectedProduceErrorsAreRetriedExactlyOnceInOrder) {
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions, 3).ok());
  std::unique_ptr<KafkaLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  cluster_->PushRequestErrors(
      MockKafkaCluster::kProduceApiKey,
      {MockKafkaCluster::kNotLeaderOrFollower, MockKafkaCluster::kRequestTimedOut,
       MockKafkaCluster::kNotLeaderOrFollower, MockKafkaCluster::kRequestTimedOut,
       MockKafkaCluster::kRequestTimedOut, MockKafkaCluster::kNotLeaderOrFollower});
  const std::map<std::string, Position> acknowledged = AppendConcurrently(*log, 4, 20);
  EXPECT_EQ(acknowledged.size(), 4u * 30u);
  ExpectExactlyOnceInOrder(*log, acknowledged);
}

TEST_F(KafkaLogTest, AppendsRideOutALeaderBrokerGoingDownAndUp) {
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions, 3).ok());
  for (int32_t p = 0; p < kPartitions; ++p) {
    ASSERT_TRUE(cluster_->SetPartitionLeader(config_.topic, p, 1).ok());
  }
  std::unique_ptr<KafkaLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  // Connected and idle (no request in flight) when the leader goes away.
  const absl::StatusOr<std::vector<Position>> warmup =
      log->Append("warmup", std::vector{MakeEvent("warmup", "a", 1)});
  ASSERT_TRUE(warmup.ok()) << warmup.status();
  ASSERT_TRUE(cluster_->SetBrokerDown(1).ok());

  std::map<std::string, Position> acknowledged;
  std::thread appenders([&] { acknowledged = AppendConcurrently(*log, 4, 10); });
  // Let the appends hit the dead leader for a while; they cannot complete until it is back, and
  // the checks below hold however long that takes.
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(cluster_->SetBrokerUp(1).ok());
  appenders.join();
  EXPECT_EQ(acknowledged.size(), 4u * 15u);
  acknowledged[MakeEvent("warmup", "a", 1).event_id()] = warmup->front();
  ExpectExactlyOnceInOrder(*log, acknowledged);
}

TEST_F(KafkaLogTest, FatalProducerErrorIsReturnedNotSwallowed) {
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions, 3).ok());
  std::unique_ptr<KafkaLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append("acme", std::vector{MakeEvent("acme", "a", 1)}).ok());
  EXPECT_TRUE(log->WriterHealth().ok());
  ASSERT_TRUE(log->TriggerFatalErrorForTesting().ok());
  EXPECT_EQ(log->WriterHealth().code(), absl::StatusCode::kInternal);
  for (int i = 0; i < 2; ++i) {
    const absl::StatusOr<std::vector<Position>> after =
        log->Append("acme", std::vector{MakeEvent("acme", "a", 2)});
    EXPECT_EQ(after.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(after.status().message(), ::testing::HasSubstr("fatal"));
  }
}

TEST_F(KafkaLogTest, OpenChecksTheTopic) {
  config_.create_topic = false;
  const absl::StatusOr<std::unique_ptr<KafkaLog>> missing = KafkaLog::Open(config_);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), ::testing::HasSubstr("the command service creates it"));
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions - 1, 3).ok());
  const absl::StatusOr<std::unique_ptr<KafkaLog>> wrong = KafkaLog::Open(config_);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(wrong.status().message(), ::testing::HasSubstr("3 partitions"));
}

TEST_F(KafkaLogTest, PropertiesMayNotWeakenDurability) {
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions, 3).ok());
  config_.properties["acks"] = "1";
  EXPECT_EQ(KafkaLog::Open(config_).status().code(), absl::StatusCode::kInvalidArgument);
  config_.properties = {{"enable.idempotence", "false"}};
  EXPECT_EQ(KafkaLog::Open(config_).status().code(), absl::StatusCode::kInvalidArgument);
  config_.properties = {{"no.such.property", "1"}};
  EXPECT_EQ(KafkaLog::Open(config_).status().code(), absl::StatusCode::kInvalidArgument);
  config_.properties = {{"acks", "all"}, {"client.id", "reviewtrail-test"}};
  EXPECT_TRUE(KafkaLog::Open(config_).ok());
}

// Collects what a group member is told and receives; used from its polling thread only, read by
// the test after joining that thread.
struct Member {
  std::vector<std::vector<int32_t>> assigned;
  std::vector<std::vector<int32_t>> revoked;
  std::map<int32_t, std::vector<int64_t>> offsets;  // per partition, offsets received
  // Last, so it is destroyed first: leaving the group reports the final revocation.
  std::unique_ptr<GroupSubscription> subscription;
};

GroupSubscriptionOptions Options(Member& member, int64_t start) {
  GroupSubscriptionOptions options;
  options.group_id = "projector";
  options.start_offset = [start](int32_t) { return start; };
  options.on_assigned = [&member](const std::vector<int32_t>& p) { member.assigned.push_back(p); };
  options.on_revoked = [&member](const std::vector<int32_t>& p) { member.revoked.push_back(p); };
  return options;
}

// Polls `member` until `done` holds or the (generous) deadline passes.
template <typename Done>
void PollUntil(Member& member, Done done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(40);
  while (!done() && absl::Now() < deadline) {
    absl::StatusOr<std::vector<Record>> records =
        member.subscription->Poll(100, std::chrono::milliseconds(100));
    ASSERT_TRUE(records.ok()) << records.status();
    for (const Record& record : *records) {
      member.offsets[record.position.partition].push_back(record.position.offset);
    }
  }
}

TEST_F(KafkaLogTest, ConsumerGroupReportsOwnershipAndStartsWhereTheCallerSays) {
  config_.partition_count = 2;
  config_.consumer_properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, 2, 3).ok());
  std::unique_ptr<KafkaLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  // Three events in each partition.
  std::set<int32_t> filled;
  for (int t = 0; filled.size() < 2; ++t) {
    const std::string tenant = absl::StrCat("tenant-", t);
    if (!filled.insert(log->PartitionFor(tenant)).second) continue;
    ASSERT_TRUE(
        log->Append(tenant, std::vector{MakeEvent(tenant, "a", 1), MakeEvent(tenant, "a", 2),
                                        MakeEvent(tenant, "a", 3)})
            .ok());
  }

  Member a;
  absl::StatusOr<std::unique_ptr<GroupSubscription>> sub_a = log->SubscribeGroup(Options(a, 1));
  ASSERT_TRUE(sub_a.ok()) << sub_a.status();
  a.subscription = *std::move(sub_a);
  PollUntil(a, [&] { return a.offsets[0].size() == 2 && a.offsets[1].size() == 2; });
  EXPECT_THAT(a.assigned, ElementsAre(ElementsAre(0, 1)));
  EXPECT_THAT(a.subscription->Assignment(), ElementsAre(0, 1));
  EXPECT_THAT(a.offsets[0], ElementsAre(1, 2));  // from the caller's start offset, not 0
  EXPECT_THAT(a.offsets[1], ElementsAre(1, 2));

  // A second member joins: the partitions are split and both are told.
  Member b;
  absl::StatusOr<std::unique_ptr<GroupSubscription>> sub_b = log->SubscribeGroup(Options(b, 0));
  ASSERT_TRUE(sub_b.ok()) << sub_b.status();
  b.subscription = *std::move(sub_b);
  const auto split = [&] {
    return a.subscription->Assignment().size() == 1 && b.subscription->Assignment().size() == 1;
  };
  std::thread poll_a([&] { PollUntil(a, split); });
  PollUntil(b, split);
  poll_a.join();
  ASSERT_TRUE(split());
  EXPECT_THAT(a.revoked, ::testing::Contains(ElementsAre(0, 1)));
  const int32_t b_owns = b.subscription->Assignment()[0];
  EXPECT_NE(a.subscription->Assignment()[0], b_owns);
  EXPECT_THAT(b.assigned.back(), ElementsAre(b_owns));
}

}  // namespace
}  // namespace reviewtrail::eventlog

namespace reviewtrail::eventlog {
namespace {

// librdkafka's statistics reach on_statistics from the producer (its queue, what it sent, the
// brokers it learned) and from a subscription (its lag), parsed.
TEST_F(KafkaLogTest, StatisticsReachTheCallbackFromTheProducerAndEverySubscription) {
  reviewtrail::Mutex mu;
  std::map<std::string, KafkaStatistics> latest;  // by client
  config_.statistics_interval = std::chrono::milliseconds(50);
  config_.client_id = "stats-test";
  config_.on_statistics = [&](const KafkaStatistics& stats) {
    reviewtrail::MutexLock lock(&mu);
    latest[stats.client] = stats;
  };
  ASSERT_TRUE(cluster_->CreateTopic(config_.topic, kPartitions, 3).ok());
  std::unique_ptr<KafkaLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  const std::string tenant = "acme";
  std::vector<v1::EventEnvelope> events;
  for (int i = 1; i <= 10; ++i) events.push_back(MakeEvent(tenant, "a", i));
  absl::StatusOr<std::vector<Position>> appended = log->Append(tenant, events);
  ASSERT_TRUE(appended.ok()) << appended.status();
  const int32_t partition = log->PartitionFor(tenant);

  absl::StatusOr<std::unique_ptr<Subscription>> subscription = log->Subscribe({{partition, 0}});
  ASSERT_TRUE(subscription.ok()) << subscription.status();
  size_t read = 0;
  const auto has_reports = [&] {
    reviewtrail::MutexLock lock(&mu);
    bool producer = false;
    bool consumer = false;
    for (const auto& [client, stats] : latest) {
      producer |= stats.producer && stats.messages_sent >= 10 && stats.brokers.size() == 3;
      consumer |= !stats.producer && !stats.lag.empty();
    }
    return producer && consumer;
  };
  // Statistics are served while the subscription polls; the deadline only bounds a failure.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while ((read < events.size() || !has_reports()) && absl::Now() < deadline) {
    absl::StatusOr<std::vector<Record>> records =
        (*subscription)->Poll(100, std::chrono::milliseconds(50));
    ASSERT_TRUE(records.ok()) << records.status();
    read += records->size();
  }
  ASSERT_EQ(read, events.size());
  ASSERT_TRUE(has_reports()) << [&] {
    reviewtrail::MutexLock lock(&mu);
    std::string seen;
    for (const auto& [client, stats] : latest) {
      absl::StrAppend(&seen, client, ": producer ", stats.producer, ", brokers ",
                      stats.brokers.size(), ", sent ", stats.messages_sent, ", lag topics ",
                      stats.lag.size(), "\n");
    }
    return seen;
  }();

  reviewtrail::MutexLock lock(&mu);
  for (const auto& [client, stats] : latest) {
    EXPECT_THAT(client, ::testing::StartsWith("stats-test#")) << client;
    if (stats.producer) {
      EXPECT_GE(stats.bytes_sent, 10u);
      EXPECT_GE(stats.queue_messages, 0);
      for (const KafkaStatistics::Broker& broker : stats.brokers) {
        EXPECT_GE(broker.node_id, 1);
        EXPECT_GE(broker.rtt_avg_seconds, 0);
        EXPECT_LE(broker.rtt_avg_seconds, broker.rtt_p99_seconds + 1e-9);
      }
    } else {
      // Every record handed out: the subscription's lag on the topic is 0, over its one partition.
      ASSERT_EQ(stats.lag.size(), 1u);
      EXPECT_EQ(stats.lag[0].topic, config_.topic);
      EXPECT_EQ(stats.lag[0].partitions, 1);
      EXPECT_EQ(stats.lag[0].lag_messages, 0);
    }
  }
}

}  // namespace
}  // namespace reviewtrail::eventlog
