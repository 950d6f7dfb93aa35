#include <gtest/gtest.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/write_buffer_manager.h>

#include <filesystem>
#include <set>
#include <string>

#include "reviewtrail/projection/projection_store.h"

namespace reviewtrail::projection {

// The store's RocksDB, for the tests that inspect its options and properties.
struct ProjectionStoreTestPeer {
  static rocksdb::DB& Db(ProjectionStore& store) { return store.db(); }
};

namespace {

// Stores opened by the test itself, in a directory of its own removed afterwards.
class ProjectionStoreTest : public ::testing::Test {
 protected:
  ProjectionStoreTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("projection-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  ~ProjectionStoreTest() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

// One store with one table, "things".
class ProjectionBatchTest : public ProjectionStoreTest {
 protected:
  ProjectionBatchTest() { store_ = *ProjectionStore::Open(dir_.string(), {"things"}); }
  ~ProjectionBatchTest() override { store_.reset(); }  // closed before the directory goes

  std::optional<std::string> Stored(const std::string& key) {
    std::string value;
    const rocksdb::Status status = ProjectionStoreTestPeer::Db(*store_).Get(
        rocksdb::ReadOptions(), store_->Table("things"), key, &value);
    if (!status.ok()) return std::nullopt;
    return value;
  }
  uint64_t Memtable(const std::string& property) {
    uint64_t value = 0;
    EXPECT_TRUE(ProjectionStoreTestPeer::Db(*store_).GetIntProperty(store_->Table("things"),
                                                                    property, &value));
    return value;
  }

  std::unique_ptr<ProjectionStore> store_;
};

TEST_F(ProjectionBatchTest, ReadsSeeTheBatchsOwnWritesOnTopOfTheStore) {
  {
    ProjectionStore::Batch batch(*store_);
    batch.Put("things", "a", "1");
    ASSERT_TRUE(store_->Commit(batch, {{0, 1}}).ok());
  }
  ProjectionStore::Batch batch(*store_);
  EXPECT_EQ(batch.Get("things", "a"), "1");
  EXPECT_EQ(batch.Get("things", "b"), std::nullopt);
  batch.Put("things", "b", "2");
  batch.Delete("things", "a");
  EXPECT_EQ(batch.Get("things", "a"), std::nullopt);
  EXPECT_EQ(batch.Get("things", "b"), "2");
  EXPECT_EQ(Stored("a"), "1") << "nothing is written before the commit";
  ASSERT_TRUE(store_->Commit(batch, {{0, 2}}).ok());
  EXPECT_EQ(Stored("a"), std::nullopt);
  EXPECT_EQ(Stored("b"), "2");
  auto positions = store_->LoadPositions(1);
  ASSERT_TRUE(positions.ok());
  EXPECT_EQ((*positions)[0].offset, 2);
}

TEST_F(ProjectionBatchTest, WritesEachKeyOnceWithItsLastValue) {
  ProjectionStore::Batch batch(*store_);
  for (int i = 0; i < 100; ++i) batch.Put("things", "counter", std::to_string(i));
  EXPECT_EQ(batch.size(), 1u);
  ASSERT_TRUE(store_->Commit(batch, {}).ok());
  EXPECT_EQ(Stored("counter"), "99");
  EXPECT_EQ(Memtable("rocksdb.num-entries-active-mem-table"), 1u);
}

TEST_F(ProjectionBatchTest, LeavesOutDeletionsOfKeysTheStoreDoesNotHold) {
  {
    ProjectionStore::Batch batch(*store_);
    batch.Put("things", "kept", "1");
    ASSERT_TRUE(store_->Commit(batch, {}).ok());
  }
  ProjectionStore::Batch batch(*store_);
  batch.Put("things", "passing", "1");  // put and deleted in the same batch, never stored
  batch.Delete("things", "passing");
  EXPECT_EQ(batch.Get("things", "unread"), std::nullopt);
  batch.Delete("things", "unread");  // read as absent
  batch.Delete("things", "kept");    // stored: must go
  ASSERT_TRUE(store_->Commit(batch, {}).ok());
  EXPECT_EQ(Memtable("rocksdb.num-deletes-active-mem-table"), 1u);
  EXPECT_EQ(Stored("kept"), std::nullopt);
  EXPECT_EQ(Stored("passing"), std::nullopt);
}

TEST_F(ProjectionBatchTest, DeletesAKeyStoredInAFileWithoutReadingItFirst) {
  {
    ProjectionStore::Batch batch(*store_);
    batch.Put("things", "old", "1");
    ASSERT_TRUE(store_->Commit(batch, {}).ok());
    ASSERT_TRUE(store_->Flush().ok());
  }
  ProjectionStore::Batch batch(*store_);
  batch.Put("things", "old", "2");
  batch.Delete("things", "old");
  ASSERT_TRUE(store_->Commit(batch, {}).ok());
  EXPECT_EQ(Stored("old"), std::nullopt);
}

TEST_F(ProjectionBatchTest, ABatchReservedLikeAnotherStartsEmptyAndWorksTheSame) {
  ProjectionStore::Batch full(*store_);
  for (int i = 0; i < 100; ++i) full.Put("things", "k" + std::to_string(i), "v");
  ASSERT_TRUE(store_->Commit(full, {{0, 100}}).ok());
  ProjectionStore::Batch batch(*store_);
  batch.Reserve(full);
  EXPECT_EQ(batch.size(), 0u);
  EXPECT_EQ(batch.Get("things", "k7"), "v");
  batch.Put("things", "k7", "w");
  ASSERT_TRUE(store_->Commit(batch, {{0, 101}}).ok());
  EXPECT_EQ(Stored("k7"), "w");
}

TEST_F(ProjectionStoreTest, AStoreWithoutALogKeepsWhatWasFlushedInEveryTable) {
  {
    auto store = *ProjectionStore::Open(dir_.string(), {"things", "others"}, {.without_wal = true});
    ProjectionStore::Batch batch(*store);
    batch.Put("things", "a", "1");
    batch.Put("others", "b", "2");
    ASSERT_TRUE(store->Commit(batch, {{0, 7}}).ok());
    ASSERT_TRUE(store->Flush().ok());
    for (const char* table : {"things", "others"}) {
      uint64_t in_memory = 1;
      ASSERT_TRUE(ProjectionStoreTestPeer::Db(*store).GetIntProperty(
          store->Table(table), "rocksdb.num-entries-active-mem-table", &in_memory));
      EXPECT_EQ(in_memory, 0u) << table << " is in its files before the store is closed";
    }
  }
  auto store = *ProjectionStore::Open(dir_.string(), {"things", "others"});
  std::string value;
  EXPECT_TRUE(ProjectionStoreTestPeer::Db(*store)
                  .Get(rocksdb::ReadOptions(), store->Table("things"), "a", &value)
                  .ok());
  EXPECT_EQ(value, "1");
  EXPECT_TRUE(ProjectionStoreTestPeer::Db(*store)
                  .Get(rocksdb::ReadOptions(), store->Table("others"), "b", &value)
                  .ok());
  EXPECT_EQ(value, "2");
  EXPECT_EQ((*store->LoadPositions(1))[0].offset, 7);
}

TEST_F(ProjectionStoreTest, TheMemtableSizeAppliesToEveryTableWithinTheMemoryBudget) {
  const auto memory = eventlog::StoreMemory::Create(uint64_t{64} << 20);  // memtables: 16 MiB
  auto store =
      *ProjectionStore::Open((dir_ / "a").string(), {"things", "others"},
                             {.without_wal = true, .memtable_bytes = 4 << 20, .memory = memory});
  auto bulk =
      *ProjectionStore::Open((dir_ / "b").string(), {"things"},
                             {.without_wal = true, .memtable_bytes = 256 << 20, .memory = memory});
  for (const char* table : {"things", "others"}) {
    EXPECT_EQ(ProjectionStoreTestPeer::Db(*store).GetOptions(store->Table(table)).write_buffer_size,
              4u << 20)
        << table;
  }
  EXPECT_EQ(ProjectionStoreTestPeer::Db(*bulk).GetOptions(bulk->Table("things")).write_buffer_size,
            8u << 20)
      << "half the memtables' share of the budget at most";
  // One manager bounds the memtables of both stores together.
  const auto manager = ProjectionStoreTestPeer::Db(*store).GetDBOptions().write_buffer_manager;
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->buffer_size(), 16u << 20);
  EXPECT_EQ(ProjectionStoreTestPeer::Db(*bulk).GetDBOptions().write_buffer_manager, manager);
}

// The compression of the files holding `table`, as their properties name it.
std::set<std::string> CompressionOf(ProjectionStore& store, const std::string& table) {
  rocksdb::TablePropertiesCollection files;
  EXPECT_TRUE(
      ProjectionStoreTestPeer::Db(store).GetPropertiesOfAllTables(store.Table(table), &files).ok());
  std::set<std::string> names;
  for (const auto& [file, properties] : files) names.insert(properties->compression_name);
  return names;
}

TEST_F(ProjectionStoreTest, UncompressedTablesAreWrittenWithoutCompressionAndTheOthersWith) {
  auto store = *ProjectionStore::Open(dir_.string(), {"things", "others"},
                                      {.uncompressed_tables = {"things"}});
  ProjectionStore::Batch batch(*store);
  batch.Put("things", "a", std::string(1000, 'x'));
  batch.Put("others", "b", std::string(1000, 'y'));
  ASSERT_TRUE(store->Commit(batch, {{0, 1}}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(CompressionOf(*store, "things"), std::set<std::string>{"NoCompression"});
  EXPECT_EQ(CompressionOf(*store, "others"), std::set<std::string>{"Snappy"});
  std::string value;
  ASSERT_TRUE(ProjectionStoreTestPeer::Db(*store)
                  .Get(rocksdb::ReadOptions(), store->Table("things"), "a", &value)
                  .ok());
  EXPECT_EQ(value, std::string(1000, 'x')) << "read back in place through mmap";
}

TEST_F(ProjectionStoreTest, AnUncompressedTableMustBeOneOfTheStoresTables) {
  absl::StatusOr<std::unique_ptr<ProjectionStore>> store =
      ProjectionStore::Open(dir_.string(), {"things"}, {.uncompressed_tables = {"thing"}});
  ASSERT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("uncompressed_tables: \"thing\""), std::string::npos)
      << store.status();
  EXPECT_FALSE(std::filesystem::exists(dir_)) << "nothing created";
}

TEST_F(ProjectionStoreTest, OpensAStoreHoldingATableItNoLongerDeclares) {
  {
    auto store = *ProjectionStore::Open(dir_.string(), {"things", "dropped"});
    ProjectionStore::Batch batch(*store);
    batch.Put("things", "a", "1");
    batch.Put("dropped", "b", "2");
    ASSERT_TRUE(store->Commit(batch, {{0, 3}}).ok());
  }
  absl::StatusOr<std::unique_ptr<ProjectionStore>> store =
      ProjectionStore::Open(dir_.string(), {"things"});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Table("dropped"), nullptr);
  std::string value;
  EXPECT_TRUE(ProjectionStoreTestPeer::Db(**store)
                  .Get(rocksdb::ReadOptions(), (*store)->Table("things"), "a", &value)
                  .ok());
  EXPECT_EQ(value, "1");
  EXPECT_EQ((*(*store)->LoadPositions(1))[0].offset, 3);
}

TEST_F(ProjectionBatchTest, TheSchemaVersionIsKeptBesideThePositions) {
  ASSERT_EQ(*store_->LoadSchemaVersion(), std::nullopt);  // none saved yet
  ASSERT_TRUE(store_->SaveSchemaVersion(3).ok());
  ProjectionStore::Batch batch(*store_);
  batch.Put("things", "a", "1");
  ASSERT_TRUE(store_->Commit(batch, {{0, 5}, {1, 9}}).ok());
  store_.reset();
  store_ = *ProjectionStore::Open(dir_.string(), {"things"});
  EXPECT_EQ(*store_->LoadSchemaVersion(), 3);
  const std::vector<eventlog::Position> positions = *store_->LoadPositions(2);
  EXPECT_EQ(positions[0].offset, 5);
  EXPECT_EQ(positions[1].offset, 9);
}

}  // namespace
}  // namespace reviewtrail::projection
