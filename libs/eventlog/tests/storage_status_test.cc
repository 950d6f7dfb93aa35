#include "reviewtrail/eventlog/storage_status.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "rocksdb/db.h"

namespace reviewtrail::eventlog {
namespace {

TEST(StorageStatusTest, AFullVolumeIsResourceExhaustedNamingTheCause) {
  const absl::Status status = StorageStatus(
      rocksdb::Status::NoSpace("While appending to file: 000004.log", "No space left on device"),
      "embedded log: synced append");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(std::string(status.message())
                  .starts_with("embedded log: synced append: no space left on the data volume: IO "
                               "error: No space left"))
      << status.message();
  EXPECT_TRUE(IsStorageUnavailable(status));
}

TEST(StorageStatusTest, AReadOnlyOrFailingVolumeIsUnavailableNamingTheCause) {
  const absl::Status status =
      StorageStatus(rocksdb::Status::IOError("While open a file for appending: 000009.log",
                                             "Read-only file system"),
                    "committing a projection batch");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("the data volume refused the write"), std::string::npos);
  EXPECT_NE(status.message().find("Read-only file system"), std::string::npos);
  EXPECT_TRUE(IsStorageUnavailable(status));
}

TEST(StorageStatusTest, OtherErrorsAreNotStorageUnavailable) {
  EXPECT_TRUE(StorageStatus(rocksdb::Status::OK(), "read").ok());
  const absl::Status corrupt = StorageStatus(rocksdb::Status::Corruption("bad block"), "read");
  EXPECT_EQ(corrupt.code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(IsStorageUnavailable(corrupt));
  const absl::Status busy = StorageStatus(rocksdb::Status::Busy("locked"), "write");
  EXPECT_EQ(busy.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(IsStorageUnavailable(busy));
  EXPECT_EQ(StorageStatus(rocksdb::Status::NotFound("k"), "read").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(StorageStatus(rocksdb::Status::InvalidArgument("x"), "open").code(),
            absl::StatusCode::kInternal);
  // An I/O error that is not the volume's state: another process holds the lock.
  const absl::Status locked = StorageStatus(
      rocksdb::Status::IOError("While lock file: /data/LOCK", "Resource temporarily unavailable"),
      "open");
  EXPECT_EQ(locked.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(IsStorageUnavailable(locked));
  // A RESOURCE_EXHAUSTED of another origin (a full queue) is not a storage error.
  EXPECT_FALSE(IsStorageUnavailable(absl::ResourceExhaustedError("too many commands")));
}

TEST(StorageStatusTest, ResumingAHealthyDatabaseIsOk) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("storage-status-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path.string(), &raw).ok());
  const std::unique_ptr<rocksdb::DB> db(raw);
  EXPECT_TRUE(ResumeWrites(*db, "resuming").ok());
  EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "v").ok());
  std::filesystem::remove_all(path);
}

}  // namespace
}  // namespace reviewtrail::eventlog
