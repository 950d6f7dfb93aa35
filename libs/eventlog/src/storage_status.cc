#include "reviewtrail/eventlog/storage_status.h"

#include <cstdarg>
#include <cstdio>
#include <string>

#include "absl/strings/cord.h"
#include "spdlog/spdlog.h"

namespace reviewtrail::eventlog {
namespace {

// Marks a status as "the volume could not take a write" (read by IsStorageUnavailable).
constexpr char kStoragePayload[] = "type.reviewtrail.dev/storage-unavailable";

absl::Status Marked(absl::Status status) {
  status.SetPayload(kStoragePayload, absl::Cord("1"));
  return status;
}

class ServiceLogger final : public rocksdb::Logger {
 public:
  explicit ServiceLogger(std::string name)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), name_(std::move(name)) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    // The header (the options dumped at open) and everything below warnings are dropped.
    if (level < rocksdb::InfoLogLevel::WARN_LEVEL || level == rocksdb::InfoLogLevel::HEADER_LEVEL) {
      return;
    }
    char text[1024];
    std::vsnprintf(text, sizeof(text), format, ap);
    if (level == rocksdb::InfoLogLevel::WARN_LEVEL) {
      spdlog::warn("rocksdb {}: {}", name_, text);
    } else {
      spdlog::error("rocksdb {}: {}", name_, text);
    }
  }

 private:
  const std::string name_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> StorageInfoLog(std::string name) {
  return std::make_shared<ServiceLogger>(std::move(name));
}

absl::Status StorageStatus(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  const std::string prefix(what);
  const std::string text = status.ToString();
  if (status.IsNoSpace() || status.subcode() == rocksdb::Status::kSpaceLimit) {
    return Marked(
        absl::ResourceExhaustedError(prefix + ": no space left on the data volume: " + text));
  }
  // EROFS and EIO, as RocksDB's POSIX file system words them (strerror); other I/O errors (a lock
  // held by another process, a permission) are not the volume's state.
  if (status.IsIOError() && (text.find("Read-only file system") != std::string::npos ||
                             text.find("Input/output error") != std::string::npos)) {
    return Marked(absl::UnavailableError(prefix + ": the data volume refused the write: " + text));
  }
  const std::string message = prefix + ": " + text;
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsBusy() || status.IsTryAgain()) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

bool IsStorageUnavailable(const absl::Status& status) {
  return status.GetPayload(kStoragePayload).has_value();
}

absl::Status ResumeWrites(rocksdb::DB& db, std::string_view what) {
  return StorageStatus(db.Resume(), what);
}

}  // namespace reviewtrail::eventlog
