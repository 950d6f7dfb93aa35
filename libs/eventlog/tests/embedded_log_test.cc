// Embedded-only behaviour: persistence across reopen, the stored partition count, group commit.
// The shared contract is in event_log_contract_test.cc; crash safety in embedded_crash_test.cc.
#include "reviewtrail/eventlog/embedded_log.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

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

TEST_F(EmbeddedLogTest, OneOpenerAtATime) {
  absl::StatusOr<std::unique_ptr<EmbeddedLog>> first = Open(4);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(Open(4).ok());
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
