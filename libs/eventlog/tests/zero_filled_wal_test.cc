// The embedded log's write-ahead-log files are kept filled with zeros ahead of their records
// (src/zero_filled_wal.h). A database left open (its state after a crash: records synced, zeros
// beyond them) and one closed cleanly must both reopen with every synced record, with this Env
// and with RocksDB's default one.
#include "zero_filled_wal.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

constexpr size_t kFill = 4096;  // small, so that the records cross many fills
constexpr int kRecords = 500;   // ~60 KB of log

std::string Value(int i) { return std::string(100, static_cast<char>('a' + i % 26)); }

std::unique_ptr<rocksdb::DB> Open(const std::string& path, rocksdb::Env* env) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  options.env = env;
  rocksdb::DB* db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, &db);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return std::unique_ptr<rocksdb::DB>(db);
}

void WriteSynced(rocksdb::DB& db) {
  rocksdb::WriteOptions synced;
  synced.sync = true;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_TRUE(db.Put(synced, "key-" + std::to_string(i), Value(i)).ok());
  }
}

void ExpectEveryRecord(rocksdb::DB& db) {
  for (int i = 0; i < kRecords; ++i) {
    std::string value;
    ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), "key-" + std::to_string(i), &value).ok()) << i;
    EXPECT_EQ(value, Value(i)) << i;
  }
}

std::vector<std::filesystem::path> WalFiles(const std::string& path) {
  std::vector<std::filesystem::path> logs;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  }
  return logs;
}

// How many zero bytes end the file.
size_t TrailingZeros(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[bytes.size() - 1 - zeros] == '\0') ++zeros;
  return zeros;
}

TEST(ZeroFilledWalTest, ZerosStayAheadOfTheRecordsWhileTheLogIsOpen) {
  testing::TempDir dir;
  std::unique_ptr<rocksdb::DB> db = Open(dir.path(), internal::ZeroFilledWalEnv(kFill));
  ASSERT_NE(db, nullptr);
  WriteSynced(*db);
  const std::vector<std::filesystem::path> logs = WalFiles(dir.path());
  ASSERT_EQ(logs.size(), 1u);
  // At least half a fill of zeros beyond the last record, and no more than a fill.
  EXPECT_GE(TrailingZeros(logs[0]), kFill / 2);
  EXPECT_LE(TrailingZeros(logs[0]), kFill);
}

TEST(ZeroFilledWalTest, AnOpenLogWithZerosAheadRecoversEverySyncedRecord) {
  testing::TempDir dir;
  const std::string live = dir.path() + "/live";
  std::unique_ptr<rocksdb::DB> db = Open(live, internal::ZeroFilledWalEnv(kFill));
  ASSERT_NE(db, nullptr);
  WriteSynced(*db);
  // The files as a crash would leave them: the database is still open, never closed.
  for (const std::string& copy : {dir.path() + "/crashed", dir.path() + "/crashed-default"}) {
    std::filesystem::copy(live, copy, std::filesystem::copy_options::recursive);
  }
  std::filesystem::remove(dir.path() + "/crashed/LOCK");
  std::filesystem::remove(dir.path() + "/crashed-default/LOCK");

  std::unique_ptr<rocksdb::DB> recovered =
      Open(dir.path() + "/crashed", internal::ZeroFilledWalEnv(kFill));
  ASSERT_NE(recovered, nullptr);
  ExpectEveryRecord(*recovered);
  // And by RocksDB's own file system, as a build without the zero fill would read it.
  std::unique_ptr<rocksdb::DB> by_default = Open(dir.path() + "/crashed-default", nullptr);
  ASSERT_NE(by_default, nullptr);
  ExpectEveryRecord(*by_default);
}

TEST(ZeroFilledWalTest, ACleanCloseLeavesOnlyTheRecords) {
  testing::TempDir dir;
  {
    std::unique_ptr<rocksdb::DB> db = Open(dir.path(), internal::ZeroFilledWalEnv(kFill));
    ASSERT_NE(db, nullptr);
    WriteSynced(*db);
    ASSERT_TRUE(db->Close().ok());
  }
  for (const std::filesystem::path& log : WalFiles(dir.path())) {
    EXPECT_LT(TrailingZeros(log), kFill / 2) << log;
  }
  std::unique_ptr<rocksdb::DB> reopened = Open(dir.path(), internal::ZeroFilledWalEnv(kFill));
  ASSERT_NE(reopened, nullptr);
  ExpectEveryRecord(*reopened);
  // Writing on after a reopen (a new log file, filled ahead again) loses nothing either.
  WriteSynced(*reopened);
  ExpectEveryRecord(*reopened);
}

}  // namespace
}  // namespace reviewtrail::eventlog
