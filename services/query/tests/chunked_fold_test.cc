// The read model folded in chunks (many events per batch, each key written once per chunk) and
// rebuilt without a write-ahead log must equal the read model applied one event per commit.
#include <unistd.h>

#include <filesystem>
#include <string>

#include "golden_scenario.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/readmodel/query_projection.h"
#include "store_contents.h"

namespace reviewtrail::query::testing {
namespace {

class ChunkedFoldTest : public ::testing::Test {
 protected:
  ChunkedFoldTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("query-chunked-fold-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_ = *eventlog::EmbeddedLog::Open({.path = (dir_ / "log").string(), .partition_count = 4});
    // The golden scenario for 12 tenants, twice over per tenant in two appends each, so chunks
    // end in the middle of actions' histories.
    const auto scenario = readmodel::testing::BuildGoldenScenario();
    for (int tenant = 0; tenant < 12; ++tenant) {
      std::vector<v1::EventEnvelope> events;
      for (v1::EventEnvelope event : scenario.events) {
        if (event.tenant_id() != "acme") continue;
        event.set_tenant_id("tenant-" + std::to_string(tenant));
        events.push_back(std::move(event));
      }
      const auto half = events.begin() + static_cast<std::ptrdiff_t>(events.size() / 2);
      EXPECT_TRUE(log_->Append(events.front().tenant_id(), {events.begin(), half}).ok());
      EXPECT_TRUE(log_->Append(events.front().tenant_id(), {half, events.end()}).ok());
    }
  }
  ~ChunkedFoldTest() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The read model caught up with the whole log, `max_batch` records per read, `chunk` per commit,
  // on the calling thread or (workers > 0) on that many threads.
  std::string Built(const std::string& name, size_t max_batch, size_t chunk, size_t workers = 0) {
    const std::string path = (dir_ / name).string();
    auto store = projection::ProjectionStore::Open(path, readmodel::AllTables());
    EXPECT_TRUE(store.ok());
    readmodel::QueryProjection projection{runtime::TenantTimeZones()};
    prometheus::Registry registry;
    projection::ProjectionFactory projections;
    if (workers > 0) {
      projections = [] {
        return std::make_unique<readmodel::QueryProjection>(runtime::TenantTimeZones());
      };
    }
    projection::Projector projector(*log_, **store, projection, registry,
                                    {.name = "query",
                                     .max_batch = max_batch,
                                     .catch_up_chunk = chunk,
                                     .catch_up_workers = workers},
                                    projections);
    EXPECT_TRUE(projector.CatchUp().ok());
    return path;
  }

  std::filesystem::path dir_;
  std::unique_ptr<eventlog::EmbeddedLog> log_;
};

TEST_F(ChunkedFoldTest, ChunksOfAnySizeEqualOneEventPerCommit) {
  const auto one_by_one = StoreContents(Built("one-by-one", 1, 1));
  ASSERT_EQ(one_by_one.at(readmodel::kActions).size(), 12u * 9u);
  ASSERT_FALSE(one_by_one.at(readmodel::kOpenActionsByDue).empty());
  ASSERT_FALSE(one_by_one.at(readmodel::kDashboardCounters).empty());
  EXPECT_EQ(StoreContents(Built("chunks-of-7", 3, 7)), one_by_one);
  EXPECT_EQ(StoreContents(Built("chunks-of-100", 1000, 100)), one_by_one);
  EXPECT_EQ(StoreContents(Built("one-chunk", 1000, 1'000'000)), one_by_one);
}

TEST_F(ChunkedFoldTest, PartitionsFoldedInParallelEqualOneEventPerCommit) {
  const auto one_by_one = StoreContents(Built("one-by-one", 1, 1));
  for (const size_t workers : {1, 2, 3, 4}) {
    const std::string name = "workers-" + std::to_string(workers);
    EXPECT_EQ(StoreContents(Built(name + "-chunks-of-7", 3, 7, workers)), one_by_one) << workers;
    EXPECT_EQ(StoreContents(Built(name + "-one-chunk", 1000, 1'000'000, workers)), one_by_one)
        << workers;
  }
}

TEST_F(ChunkedFoldTest, ARebuildWithoutALogEqualsOneEventPerCommitAndResumesFromItsPositions) {
  const auto one_by_one = StoreContents(Built("one-by-one", 1, 1));
  for (const size_t workers : {0, 1, 3}) {  // 0: the machine's hardware threads
    const std::string rebuilt = (dir_ / ("rebuilt-" + std::to_string(workers))).string();
    prometheus::Registry registry;
    ASSERT_TRUE(
        RebuildReadModel(*log_, rebuilt, runtime::TenantTimeZones(), registry, 1000, workers).ok());
    EXPECT_FALSE(std::filesystem::exists(rebuilt + ".rebuild"));
    EXPECT_EQ(StoreContents(rebuilt), one_by_one) << workers;
    auto store = projection::ProjectionStore::Open(rebuilt, readmodel::AllTables());
    ASSERT_TRUE(store.ok());
    auto positions = (*store)->LoadPositions(4);
    ASSERT_TRUE(positions.ok());
    for (const auto& position : *positions) {
      EXPECT_EQ(position.offset, *log_->EndOffset(position.partition));
    }
  }
}

TEST_F(ChunkedFoldTest, ARebuildInterruptedBeforeTheSwapStartsAgainFromNothing) {
  const auto one_by_one = StoreContents(Built("one-by-one", 1, 1));
  const std::string rebuilt = (dir_ / "rebuilt").string();
  {
    // What a crash mid-rebuild leaves: a partly built store beside the path, never swapped in.
    auto partial = projection::ProjectionStore::Open(rebuilt + ".rebuild", readmodel::AllTables(),
                                                     {.without_wal = true});
    ASSERT_TRUE(partial.ok());
    projection::ProjectionStore::Batch batch(**partial);
    batch.Put(readmodel::kActions, "stale", "left by the interrupted rebuild");
    ASSERT_TRUE((*partial)->Commit(batch, {{0, 5}}).ok());
  }
  prometheus::Registry registry;
  ASSERT_TRUE(RebuildReadModel(*log_, rebuilt, runtime::TenantTimeZones(), registry).ok());
  EXPECT_EQ(StoreContents(rebuilt), one_by_one);
}

}  // namespace
}  // namespace reviewtrail::query::testing
