// Embedded-only behaviour: persistence across reopen, the stored partition and shard counts,
// group commit across shards.
// The shared contract is in event_log_contract_test.cc; crash safety in embedded_crash_test.cc.
#include "reviewtrail/eventlog/embedded_log.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "status_matchers.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

using ::reviewtrail::testing::IsError;
using ::testing::ElementsAre;
using testing::MakeEvent;

class EmbeddedLogTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> Open(int32_t partitions) {
    return EmbeddedLog::Open({.path = path_, .partition_count = partitions});
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/log";
};

TEST_F(EmbeddedLogTest, ReopenRecoversEveryPartitionsEnd) {
  {
    absl::StatusOr<std::unique_ptr<EmbeddedLog>> log = Open(8);
    ASSERT_TRUE(log.ok()) << log.status();
    for (int t = 0; t < 20; ++t) {
      const std::string tenant = absl::StrCat("tenant-", t);
      ASSERT_TRUE(
          (*log)
              ->Append(tenant, std::vector{MakeEvent(tenant, "a", 1), MakeEvent(tenant, "a", 2)})
              .ok());
    }
  }
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> log = Open(8);
  ASSERT_TRUE(log.ok()) << log.status();
  int64_t total = 0;
  for (int32_t p = 0; p < 8; ++p) total += *(*log)->EndOffset(p);
  EXPECT_EQ(total, 40);

  const int32_t p = (*log)->PartitionFor("tenant-3");
  const int64_t end = *(*log)->EndOffset(p);
  EXPECT_THAT(*(*log)->Append("tenant-3", std::vector{MakeEvent("tenant-3", "a", 3)}),
              ElementsAre(Position{p, end}));
  absl::StatusOr<std::vector<Record>> all = (*log)->Read(p, 0, 1000);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(static_cast<int64_t>(all->size()), end + 1);
}

TEST_F(EmbeddedLogTest, PartitionCountIsStoredAndEnforced) {
  EXPECT_EQ(Open(0).status().code(), absl::StatusCode::kFailedPrecondition);  // new log
  ASSERT_TRUE(Open(6).ok());
  const absl::StatusOr<std::unique_ptr<EmbeddedLog>> other = Open(7);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), ::testing::HasSubstr("6 partitions"));
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> adopted = Open(0);
  ASSERT_TRUE(adopted.ok()) << adopted.status();
  EXPECT_EQ((*adopted)->PartitionCount(), 6);
}

TEST_F(EmbeddedLogTest, ShardCountIsStoredAndAdopted) {
  std::map<int32_t, int64_t> ends;
  {
    absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
        EmbeddedLog::Open({.path = path_, .partition_count = 6, .shard_count = 3});
    ASSERT_TRUE(log.ok()) << log.status();
    for (int t = 0; t < 30; ++t) {
      const std::string tenant = absl::StrCat("tenant-", t);
      ASSERT_TRUE((*log)->Append(tenant, std::vector{MakeEvent(tenant, "a", 1)}).ok());
    }
    for (int32_t p = 0; p < 6; ++p) ends[p] = *(*log)->EndOffset(p);
  }
  EXPECT_TRUE(std::filesystem::exists(path_ + "/shards/1/CURRENT"));
  EXPECT_TRUE(std::filesystem::exists(path_ + "/shards/2/CURRENT"));
  EXPECT_FALSE(std::filesystem::exists(path_ + "/shards/3"));

  absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
      EmbeddedLog::Open({.path = path_, .partition_count = 0, .shard_count = 1});
  ASSERT_TRUE(log.ok()) << log.status();
  int64_t total = 0;
  for (int32_t p = 0; p < 6; ++p) {
    EXPECT_EQ(*(*log)->EndOffset(p), ends[p]) << "partition " << p;
    absl::StatusOr<std::vector<Record>> records = (*log)->Read(p, 0, 100);
    ASSERT_TRUE(records.ok()) << records.status();
    total += static_cast<int64_t>(records->size());
  }
  EXPECT_EQ(total, 30);
}

TEST_F(EmbeddedLogTest, AppendEachAcrossShardsFromManyThreadsLosesAndDuplicatesNothing) {
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> log =
      EmbeddedLog::Open({.path = path_, .partition_count = 8, .shard_count = 4});
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int kThreads = 8;
  constexpr int kRounds = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread appends for four tenants at once, which land in different shards.
      std::vector<std::string> tenants;
      for (int k = 0; k < 4; ++k) tenants.push_back(absl::StrCat("tenant-", t, "-", k));
      for (int round = 1; round <= kRounds; ++round) {
        std::vector<std::vector<v1::EventEnvelope>> events;
        for (const std::string& tenant : tenants) {
          events.push_back({MakeEvent(tenant, "a", round)});
        }
        std::vector<TenantEvents> appends;
        for (size_t k = 0; k < tenants.size(); ++k) appends.push_back({tenants[k], events[k]});
        for (const auto& result : (*log)->AppendEach(appends)) {
          ASSERT_TRUE(result.ok()) << result.status();
          ASSERT_EQ(result->size(), 1u);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Every tenant's events are in its partition, once each and in order.
  std::map<std::string, int64_t> last_version;
  int64_t total = 0;
  for (int32_t p = 0; p < 8; ++p) {
    absl::StatusOr<std::vector<Record>> records = (*log)->Read(p, 0, 10'000);
    ASSERT_TRUE(records.ok()) << records.status();
    for (const Record& record : *records) {
      v1::EventEnvelope event;
      ASSERT_TRUE(event.ParseFromString(record.value));
      EXPECT_EQ((*log)->PartitionFor(record.key), p);
      EXPECT_EQ(event.aggregate_version(), last_version[record.key] + 1) << record.key;
      last_version[record.key] = event.aggregate_version();
      ++total;
    }
  }
  EXPECT_EQ(total, kThreads * 4 * kRounds);
}

TEST_F(EmbeddedLogTest, OneOpenerAtATime) {
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> first = Open(4);
  ASSERT_TRUE(first.ok()) << first.status();
  // Another process's lock is not a full or read-only volume: INTERNAL naming RocksDB's LOCK.
  EXPECT_THAT(Open(4), IsError(absl::StatusCode::kInternal, "LOCK"));
}

TEST_F(EmbeddedLogTest, ConcurrentAppendsShareSyncedBatches) {
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> log = Open(4);
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int kThreads = 16;
  constexpr int kAppends = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string tenant = absl::StrCat("tenant-", t);
      for (int i = 1; i <= kAppends; ++i) {
        ASSERT_TRUE((*log)->Append(tenant, std::vector{MakeEvent(tenant, "a", i)}).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const EmbeddedLog::Stats stats = (*log)->GetStats();
  EXPECT_EQ(stats.records, kThreads * kAppends);
  // How many commits it took depends on timing; it can never take more than one per append.
  EXPECT_LE(stats.commits, stats.records);
  RecordProperty("records_per_commit",
                 absl::StrCat(static_cast<double>(stats.records) / stats.commits));
}

}  // namespace
}  // namespace reviewtrail::eventlog
