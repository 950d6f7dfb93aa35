// StoreMemory: the one budget of block cache and memtables every store of a process draws from.
#include "reviewtrail/eventlog/store_memory.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/projection/projection_store.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

TEST(ParseMemoryBudgetTest, TakesBytesAndBinaryUnits) {
  EXPECT_EQ(*ParseMemoryBudget("256MiB"), uint64_t{256} << 20);
  EXPECT_EQ(*ParseMemoryBudget("1GiB"), uint64_t{1} << 30);
  EXPECT_EQ(*ParseMemoryBudget("2TiB"), uint64_t{2} << 40);
  EXPECT_EQ(*ParseMemoryBudget("32768KiB"), uint64_t{32} << 20);
  EXPECT_EQ(*ParseMemoryBudget("201326592"), uint64_t{192} << 20);
  EXPECT_EQ(*ParseMemoryBudget("201326592B"), uint64_t{192} << 20);
}

TEST(ParseMemoryBudgetTest, RefusesAnythingElseStatingTheRule) {
  for (const char* text :
       {"", "MiB", "256MB", "256M", "1.5GiB", " 256MiB", "256MiB ", "256 MiB", "-1GiB", "0x100MiB",
        "256mib", "99999999999999TiB", "99999999999999999999999", "31MiB", "1048576", "0"}) {
    const absl::StatusOr<uint64_t> parsed = ParseMemoryBudget(text);
    ASSERT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << '"' << text << '"';
    EXPECT_NE(parsed.status().message().find("whole number of bytes with an optional binary unit "
                                             "KiB, MiB, GiB or TiB"),
              std::string::npos)
        << parsed.status();
    EXPECT_NE(parsed.status().message().find("at least 32MiB"), std::string::npos)
        << parsed.status();
  }
}

// A projection store's changes: `count` keys of 100-byte values in table "things".
void Fill(projection::ProjectionStore& store, int count) {
  projection::ProjectionStore::Batch batch(store);
  for (int i = 0; i < count; ++i)
    batch.Put("things", "key-" + std::to_string(i), std::string(100, 'v'));
  ASSERT_TRUE(store.Commit(batch, {{0, count}}).ok());
}

// Reads every key Fill wrote, through the store's block cache.
void ReadAll(projection::ProjectionStore& store, int count) {
  projection::ProjectionStore::Batch batch(store);
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(batch.Get("things", "key-" + std::to_string(i)).has_value()) << i;
  }
}

TEST(StoreMemoryTest, StoresOpenedWithOneBudgetShareOneCacheThatHoldsTheirMemtablesAndBlocks) {
  const testing::TempDir dir;
  const std::shared_ptr<StoreMemory> memory = StoreMemory::Create(uint64_t{64} << 20);
  EXPECT_EQ(memory->budget_bytes(), uint64_t{64} << 20);
  EXPECT_EQ(memory->write_buffer_bytes(), uint64_t{16} << 20);
  auto log = EmbeddedLog::Open(
      {.path = dir.path() + "/log", .partition_count = 2, .shard_count = 2, .memory = memory});
  ASSERT_TRUE(log.ok()) << log.status();
  auto store =
      projection::ProjectionStore::Open(dir.path() + "/store", {"things"}, {.memory = memory});
  ASSERT_TRUE(store.ok()) << store.status();
  const uint64_t memtables_before = memory->memtable_bytes();

  for (const std::string tenant : {"tenant-1", "tenant-2", "tenant-3"}) {
    ASSERT_TRUE((*log)->Append(tenant, std::vector{testing::MakeEvent(tenant, "a", 1)}).ok());
  }
  Fill(**store, 20000);
  EXPECT_GT(memory->memtable_bytes(), memtables_before) << "the writes' memtables are charged";
  EXPECT_GE(memory->usage_bytes(), memory->memtable_bytes());
  EXPECT_GE(memory->pinned_bytes(), memory->memtable_bytes()) << "memtables cannot be evicted";

  // Flushed to a file, reopened (its memtables released) and read back: its blocks come into the
  // same cache.
  ASSERT_TRUE((*store)->Flush().ok());
  store->reset();
  store = projection::ProjectionStore::Open(dir.path() + "/store", {"things"}, {.memory = memory});
  ASSERT_TRUE(store.ok()) << store.status();
  const uint64_t before_reads = memory->usage_bytes();
  ReadAll(**store, 20000);
  EXPECT_GT(memory->usage_bytes(), before_reads) << "the file's blocks are cached";

  // Every store reads through the one cache: each reports the shared cache's usage.
  const uint64_t usage = memory->usage_bytes();
  EXPECT_EQ((*store)->Statistics("things").block_cache_bytes, usage);
  const std::vector<StoreStatistics> shards = (*log)->StorageStatistics();
  ASSERT_EQ(shards.size(), 2u);
  for (const StoreStatistics& shard : shards) {
    EXPECT_EQ(shard.block_cache_bytes, usage) << shard.store;
  }
  EXPECT_LE(usage, memory->budget_bytes());
}

TEST(StoreMemoryTest, StoresOpenedWithoutOneUseTheProcessBudget) {
  EXPECT_EQ(ProcessStoreMemory()->budget_bytes(), kDefaultMemoryBudgetBytes);
  SetProcessMemoryBudget(uint64_t{48} << 20);
  const std::shared_ptr<StoreMemory> process = ProcessStoreMemory();
  EXPECT_EQ(process->budget_bytes(), uint64_t{48} << 20);
  EXPECT_EQ(ProcessStoreMemory(), process) << "one per process";

  const testing::TempDir dir;
  auto store = projection::ProjectionStore::Open(dir.path() + "/store", {"things"});
  ASSERT_TRUE(store.ok()) << store.status();
  auto log = EmbeddedLog::Open({.path = dir.path() + "/log", .partition_count = 1});
  ASSERT_TRUE(log.ok()) << log.status();
  Fill(**store, 500);
  ASSERT_TRUE((*log)->Append("tenant-1", std::vector{testing::MakeEvent("tenant-1", "a", 1)}).ok());
  EXPECT_GT(process->memtable_bytes(), 0u);
  EXPECT_EQ((*store)->Statistics("things").block_cache_bytes, process->usage_bytes());
  EXPECT_EQ((*log)->StorageStatistics().at(0).block_cache_bytes, process->usage_bytes());
}

}  // namespace
}  // namespace reviewtrail::eventlog
