// The EventLog contract, run against every implementation: the embedded RocksDB log in a temp dir
// and the Kafka log on librdkafka's in-process mock cluster.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "reviewtrail/eventlog/partitioner.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

using ::testing::ElementsAre;
using testing::MakeEvent;

constexpr int32_t kPartitions = 4;

class EmbeddedEnvironment {
 public:
  absl::StatusOr<std::unique_ptr<EventLog>> Open() {
    absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
        EmbeddedLog::Open({.path = dir_.path() + "/log", .partition_count = kPartitions});
    if (!log.ok()) return log.status();
    return std::unique_ptr<EventLog>(*std::move(log));
  }

 private:
  testing::TempDir dir_;
};

class KafkaEnvironment {
 public:
  absl::StatusOr<std::unique_ptr<EventLog>> Open() {
    absl::StatusOr<std::unique_ptr<MockKafkaCluster>> cluster = MockKafkaCluster::Start(3);
    if (!cluster.ok()) return cluster.status();
    cluster_ = *std::move(cluster);
    if (absl::Status s = cluster_->CreateTopic(kDefaultEventTopic, kPartitions, 3); !s.ok()) {
      return s;
    }
    KafkaLogConfig config;
    config.bootstrap_servers = cluster_->bootstrap_servers();
    config.partition_count = kPartitions;
    absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Open(config);
    if (!log.ok()) return log.status();
    return std::unique_ptr<EventLog>(*std::move(log));
  }

 private:
  std::unique_ptr<MockKafkaCluster> cluster_;  // outlives the log (declared first)
};

template <typename Environment>
class EventLogContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<EventLog>> log = environment_.Open();
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }

  std::vector<Position> AppendOk(std::string_view tenant,
                                 const std::vector<v1::EventEnvelope>& events) {
    absl::StatusOr<std::vector<Position>> positions = log_->Append(tenant, events);
    EXPECT_TRUE(positions.ok()) << positions.status();
    return positions.ok() ? *positions : std::vector<Position>();
  }

  int64_t EndOf(int32_t partition) {
    const absl::StatusOr<int64_t> end = log_->EndOffset(partition);
    EXPECT_TRUE(end.ok()) << end.status();
    return end.ok() ? *end : -1;
  }

  // Every record of `partition`, read in chunks up to its end.
  std::vector<Record> ReadAll(int32_t partition) {
    std::vector<Record> all;
    const absl::StatusOr<int64_t> end = log_->EndOffset(partition);
    EXPECT_TRUE(end.ok()) << end.status();
    while (end.ok() && static_cast<int64_t>(all.size()) < *end) {
      absl::StatusOr<std::vector<Record>> chunk =
          log_->Read(partition, static_cast<int64_t>(all.size()), 100);
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (!chunk.ok() || chunk->empty()) break;
      all.insert(all.end(), chunk->begin(), chunk->end());
    }
    return all;
  }

  Environment environment_;
  std::unique_ptr<EventLog> log_;
};

struct Names {
  template <typename T>
  static std::string GetName(int /*index*/) {
    return std::is_same_v<T, EmbeddedEnvironment> ? "Embedded" : "Kafka";
  }
};
using Implementations = ::testing::Types<EmbeddedEnvironment, KafkaEnvironment>;
TYPED_TEST_SUITE(EventLogContractTest, Implementations, Names);

std::vector<v1::EventEnvelope> Events(const std::string& tenant, const std::string& action,
                                      int64_t first_version, int count) {
  std::vector<v1::EventEnvelope> events;
  for (int i = 0; i < count; ++i) events.push_back(MakeEvent(tenant, action, first_version + i));
  return events;
}

v1::EventEnvelope Parse(const Record& record) {
  v1::EventEnvelope event;
  EXPECT_TRUE(event.ParseFromString(record.value)) << "record does not decode";
  return event;
}

TYPED_TEST(EventLogContractTest, PartitionsLikeKafkasJavaClient) {
  EXPECT_EQ(this->log_->PartitionCount(), kPartitions);
  for (const std::string tenant : {"acme", "globex", "initech", "21", "foobar"}) {
    EXPECT_EQ(this->log_->PartitionFor(tenant), KafkaPartitionFor(tenant, kPartitions)) << tenant;
  }
}

TYPED_TEST(EventLogContractTest, AppendReturnsConsecutivePositions) {
  const int32_t p = this->log_->PartitionFor("acme");
  EXPECT_EQ(this->EndOf(p), 0);
  EXPECT_THAT(this->AppendOk("acme", Events("acme", "a1", 1, 3)),
              ElementsAre(Position{p, 0}, Position{p, 1}, Position{p, 2}));
  EXPECT_THAT(this->AppendOk("acme", Events("acme", "a1", 4, 2)),
              ElementsAre(Position{p, 3}, Position{p, 4}));
  EXPECT_EQ(this->EndOf(p), 5);
}

TYPED_TEST(EventLogContractTest, RejectsInvalidAppendsAndAcceptsEmptyOnes) {
  EXPECT_THAT(this->AppendOk("acme", {}), ::testing::IsEmpty());
  EXPECT_EQ(this->log_->Append("acme", Events("globex", "a", 1, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->Append("", Events("", "a", 1, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->EndOffset(kPartitions).status().code(), absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(EventLogContractTest, AppendEachSettlesEveryTenantOnItsOwn) {
  const std::vector<v1::EventEnvelope> acme = Events("acme", "a1", 1, 2);
  const std::vector<v1::EventEnvelope> wrong = Events("globex", "g1", 1, 1);
  const std::vector<v1::EventEnvelope> initech = Events("initech", "i1", 1, 1);
  const std::vector<TenantEvents> appends = {
      {"acme", acme}, {"initech", wrong}, {"initech", initech}, {"acme", {}}};
  const std::vector<absl::StatusOr<std::vector<Position>>> results =
      this->log_->AppendEach(appends);
  ASSERT_EQ(results.size(), 4u);
  const int32_t a = this->log_->PartitionFor("acme");
  const int32_t i = this->log_->PartitionFor("initech");
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_THAT(*results[0], ElementsAre(Position{a, 0}, Position{a, 1}));
  EXPECT_EQ(results[1].status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(results[2].ok()) << results[2].status();
  EXPECT_THAT(*results[2], ElementsAre(Position{i, a == i ? 2 : 0}));
  ASSERT_TRUE(results[3].ok()) << results[3].status();
  EXPECT_THAT(*results[3], ::testing::IsEmpty());

  absl::StatusOr<std::vector<Record>> records = this->log_->Read(i, 0, 10);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_FALSE(records->empty());
  EXPECT_EQ(records->back().key, "initech");
  EXPECT_EQ(Parse(records->back()).event_id(), initech[0].event_id());
}

TYPED_TEST(EventLogContractTest, ReadsFromStartFromAnyPositionAndUpToTheEnd) {
  const std::vector<v1::EventEnvelope> events = Events("acme", "a1", 1, 10);
  ASSERT_EQ(this->AppendOk("acme", events).size(), 10u);
  const int32_t p = this->log_->PartitionFor("acme");

  const std::vector<Record> all = this->ReadAll(p);
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].position, (Position{p, static_cast<int64_t>(i)}));
    EXPECT_EQ(all[i].key, "acme");
    EXPECT_EQ(all[i].value, events[i].SerializeAsString());
    EXPECT_EQ(all[i].headers, CloudEventsHeaders(events[i]));
  }

  absl::StatusOr<std::vector<Record>> middle = this->log_->Read(p, 4, 3);
  ASSERT_TRUE(middle.ok()) << middle.status();
  ASSERT_EQ(middle->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*middle)[i].position.offset, static_cast<int64_t>(4 + i));
    EXPECT_EQ(Parse((*middle)[i]).aggregate_version(), static_cast<int64_t>(5 + i));
  }

  absl::StatusOr<std::vector<Record>> at_end = this->log_->Read(p, 10, 5);
  ASSERT_TRUE(at_end.ok()) << at_end.status();
  EXPECT_TRUE(at_end->empty());
  EXPECT_EQ(this->log_->Read(p, 11, 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(this->log_->Read(p, -1, 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TYPED_TEST(EventLogContractTest, ReadsWithoutHeadersWhatReadReturnsLessTheHeaders) {
  const std::vector<v1::EventEnvelope> events = Events("acme", "a1", 1, 10);
  ASSERT_EQ(this->AppendOk("acme", events).size(), 10u);
  const int32_t p = this->log_->PartitionFor("acme");

  absl::StatusOr<std::vector<Record>> full = this->log_->Read(p, 2, 5);
  absl::StatusOr<std::vector<Record>> light = this->log_->ReadWithoutHeaders(p, 2, 5);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_TRUE(light.ok()) << light.status();
  ASSERT_EQ(light->size(), 5u);
  for (size_t i = 0; i < light->size(); ++i) {
    EXPECT_EQ((*light)[i].position, (*full)[i].position);
    EXPECT_EQ((*light)[i].key, (*full)[i].key);
    EXPECT_EQ((*light)[i].value, (*full)[i].value);
    EXPECT_FALSE((*full)[i].headers.empty());
    EXPECT_TRUE((*light)[i].headers.empty());
  }
  EXPECT_EQ(this->log_->ReadWithoutHeaders(p, 11, 1).status().code(),
            absl::StatusCode::kOutOfRange);
}

TYPED_TEST(EventLogContractTest, PassesUnknownPayloadsThrough) {
  v1::EventEnvelope future;
  // An envelope from a newer build: its payload is field 99, unknown here.
  const std::string newer = MakeEvent("acme", "a1", 1).SerializeAsString() + "\x9a\x06\x02hi";
  ASSERT_TRUE(future.ParseFromString(newer));
  ASSERT_EQ(future.payload_case(), v1::EventEnvelope::kActionAssigned);
  future.clear_action_assigned();
  ASSERT_EQ(future.payload_case(), v1::EventEnvelope::PAYLOAD_NOT_SET);

  const std::vector<Position> at = this->AppendOk("acme", std::vector<v1::EventEnvelope>{future});
  ASSERT_EQ(at.size(), 1u);
  absl::StatusOr<std::vector<Record>> read = this->log_->Read(at[0].partition, at[0].offset, 1);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ(read->front().value, future.SerializeAsString());
  EXPECT_NE(read->front().value.find("\x9a\x06\x02hi"), std::string::npos);
  EXPECT_THAT(read->front().headers, ::testing::Contains(std::pair<std::string, std::string>(
                                         "ce_type", std::string(kUnknownPayloadCeType))));
}

TYPED_TEST(EventLogContractTest, ConcurrentAppendersLoseAndDuplicateNothingAndKeepTenantOrder) {
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 30;
  // Each thread owns two tenants and appends their histories in order, 1-3 events at a time.
  std::vector<std::map<std::string, Position>> acknowledged(kThreads);  // event id -> position
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::map<std::string, int64_t> version;
      for (int i = 0; i < kAppendsPerThread; ++i) {
        const std::string tenant = absl::StrCat("tenant-", t, "-", i % 2);
        const int count = 1 + i % 3;
        const std::vector<v1::EventEnvelope> events =
            Events(tenant, "act", version[tenant] + 1, count);
        version[tenant] += count;
        absl::StatusOr<std::vector<Position>> positions = this->log_->Append(tenant, events);
        ASSERT_TRUE(positions.ok()) << positions.status();
        ASSERT_EQ(positions->size(), events.size());
        for (size_t e = 0; e < events.size(); ++e) {
          acknowledged[t][events[e].event_id()] = (*positions)[e];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::map<std::string, Position> expected;
  for (const auto& per_thread : acknowledged) expected.insert(per_thread.begin(), per_thread.end());
  std::map<std::string, Position> found;
  std::map<std::string, int64_t> last_version;
  for (int32_t p = 0; p < kPartitions; ++p) {
    for (const Record& record : this->ReadAll(p)) {
      const v1::EventEnvelope event = Parse(record);
      EXPECT_TRUE(found.emplace(event.event_id(), record.position).second)
          << "duplicate " << event.event_id();
      EXPECT_EQ(record.key, event.tenant_id());
      EXPECT_EQ(p, this->log_->PartitionFor(event.tenant_id()));
      int64_t& last = last_version[event.tenant_id()];
      EXPECT_EQ(event.aggregate_version(), last + 1) << "tenant order broken at " << record.key;
      last = event.aggregate_version();
    }
  }
  EXPECT_EQ(found, expected);  // same events, each at its acknowledged position
  EXPECT_EQ(found.size(), static_cast<size_t>(kThreads * kAppendsPerThread / 3 * 6));
}

TYPED_TEST(EventLogContractTest, SubscriptionStartsAtAnyPositionAndTailsWhileAppendsContinue) {
  // Some history first; the subscription starts in its middle on one partition, at the end on
  // the others.
  ASSERT_EQ(this->AppendOk("acme", Events("acme", "h", 1, 5)).size(), 5u);
  const int32_t acme = this->log_->PartitionFor("acme");
  std::vector<Position> start;
  for (int32_t p = 0; p < kPartitions; ++p) {
    start.push_back({p, p == acme ? 2 : this->EndOf(p)});
  }
  absl::StatusOr<std::unique_ptr<Subscription>> subscription = this->log_->Subscribe(start);
  ASSERT_TRUE(subscription.ok()) << subscription.status();

  constexpr int kTenants = 4;
  constexpr int kPerTenant = 25;
  std::thread appender([&] {
    for (int i = 0; i < kPerTenant; ++i) {
      for (int t = 0; t < kTenants; ++t) {
        const std::string tenant = t == 0 ? "acme" : absl::StrCat("tail-", t);
        const int64_t version = t == 0 ? 6 + i : 1 + i;
        ASSERT_TRUE(this->log_->Append(tenant, Events(tenant, "h", version, 1)).ok());
      }
    }
  });

  std::map<int32_t, int64_t> next;  // per partition, the offset expected next
  for (const Position& p : start) next[p.partition] = p.offset;
  std::map<std::string, int64_t> last_version = {{"acme", 2}};
  size_t received = 0;
  const size_t expected = 3 + kTenants * kPerTenant;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (received < expected && absl::Now() < deadline) {
    absl::StatusOr<std::vector<Record>> batch =
        (*subscription)->Poll(16, std::chrono::milliseconds(500));
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const Record& record : *batch) {
      EXPECT_EQ(record.position.offset, next[record.position.partition]++);
      const v1::EventEnvelope event = Parse(record);
      int64_t& last = last_version[event.tenant_id()];
      EXPECT_EQ(event.aggregate_version(), last + 1) << event.event_id();
      last = event.aggregate_version();
      ++received;
    }
  }
  appender.join();
  EXPECT_EQ(received, expected);
  absl::StatusOr<std::vector<Record>> idle =
      (*subscription)->Poll(16, std::chrono::milliseconds(50));
  ASSERT_TRUE(idle.ok()) << idle.status();
  EXPECT_TRUE(idle->empty());
}

TYPED_TEST(EventLogContractTest, SubscribeRejectsPositionsOutsideTheLog) {
  EXPECT_EQ(this->log_->Subscribe({{0, 1}}).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(this->log_->Subscribe({{kPartitions, 0}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(this->log_->Subscribe({{0, 0}, {0, 0}}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reviewtrail::eventlog
