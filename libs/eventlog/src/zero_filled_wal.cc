#include "zero_filled_wal.h"

#include <fcntl.h>
#include <rocksdb/file_system.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace reviewtrail::eventlog::internal {
namespace {

rocksdb::IOStatus ErrnoStatus(const std::string& what, const std::string& file) {
  const int error = errno;
  // A full volume as RocksDB's own files report it (the NoSpace subcode), so that RocksDB and
  // callers (eventlog::StorageStatus) treat it as one.
  if (error == ENOSPC || error == EDQUOT) {
    return rocksdb::IOStatus::NoSpace(what + " " + file, std::strerror(error));
  }
  return rocksdb::IOStatus::IOError(what + " " + file + ": " + std::strerror(error));
}

// A write-ahead-log file written through the default file system's file (which appends at its
// end), with zeros written ahead of that end through a second descriptor of the same file.
class ZeroFilledWalFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  ZeroFilledWalFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::string name, int fd,
                    size_t fill_ahead)
      : FSWritableFileOwnerWrapper(std::move(file)),
        name_(std::move(name)),
        fd_(fd),
        fill_ahead_(fill_ahead) {}
  ~ZeroFilledWalFile() override { CloseDescriptor(); }

  // Zeros for the first appends, made durable before any record is written.
  rocksdb::IOStatus Prepare() {
    if (rocksdb::IOStatus filled = FillBeyond(0); !filled.ok()) return filled;
    if (::fdatasync(fd_) != 0) return ErrnoStatus("syncing the zeros of", name_);
    return rocksdb::IOStatus::OK();
  }

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus filled = FillBeyond(size_ + data.size()); !filled.ok()) return filled;
    size_ += data.size();
    return target()->Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& verification,
                           rocksdb::IODebugContext* dbg) override {
    if (rocksdb::IOStatus filled = FillBeyond(size_ + data.size()); !filled.ok()) return filled;
    size_ += data.size();
    return target()->Append(data, options, verification, dbg);
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
    size_ = size;
    filled_ = size;
    return target()->Truncate(size, options, dbg);
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* dbg) override {
    CloseDescriptor();
    // The zeros beyond the records go: a closed log file holds exactly its records.
    if (rocksdb::IOStatus trimmed = target()->Truncate(size_, options, dbg); !trimmed.ok()) {
      return trimmed;
    }
    return target()->Close(options, dbg);
  }

 private:
  // Makes sure zeros reach at least half a fill beyond `end`, writing a whole fill at a time.
  // Not synced here: the next synced commit makes them durable along with its records.
  rocksdb::IOStatus FillBeyond(uint64_t end) {
    if (fd_ < 0 || end + fill_ahead_ / 2 <= filled_) return rocksdb::IOStatus::OK();
    static const std::vector<char> zeros(size_t{64} << 10);
    const uint64_t target_end = end + fill_ahead_;
    for (uint64_t at = std::max(filled_, end); at < target_end;) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(zeros.size(), target_end - at));
      const ssize_t wrote = ::pwrite(fd_, zeros.data(), chunk, static_cast<off_t>(at));
      if (wrote < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("writing zeros ahead in", name_);
      }
      at += static_cast<uint64_t>(wrote);
    }
    filled_ = target_end;
    return rocksdb::IOStatus::OK();
  }

  void CloseDescriptor() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  const std::string name_;
  int fd_;
  const size_t fill_ahead_;
  uint64_t size_ = 0;    // bytes appended: where the records end
  uint64_t filled_ = 0;  // where the zeros written ahead end
};

class ZeroFilledWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  ZeroFilledWalFileSystem(std::shared_ptr<rocksdb::FileSystem> base, size_t fill_ahead)
      : FileSystemWrapper(std::move(base)), fill_ahead_(fill_ahead) {}

  static const char* kClassName() { return "ReviewtrailZeroFilledWalFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus opened = target()->NewWritableFile(name, options, result, dbg);
    if (!opened.ok() || !IsWriteAheadLog(name) || options.use_direct_writes) return opened;
    const int fd = ::open(name.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus("opening", name);
    auto file = std::make_unique<ZeroFilledWalFile>(std::move(*result), name, fd, fill_ahead_);
    if (rocksdb::IOStatus prepared = file->Prepare(); !prepared.ok()) return prepared;
    *result = std::move(file);
    return opened;
  }

 private:
  static bool IsWriteAheadLog(const std::string& name) {
    return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0;
  }

  const size_t fill_ahead_;
};

}  // namespace

rocksdb::Env* ZeroFilledWalEnv(size_t fill_ahead_bytes) {
  static std::mutex mutex;
  // One per fill size, kept for the life of the process (reachable: not a leak).
  static auto* const envs = new std::map<size_t, std::unique_ptr<rocksdb::Env>>();
  std::lock_guard lock(mutex);
  std::unique_ptr<rocksdb::Env>& env = (*envs)[fill_ahead_bytes];
  if (env == nullptr) {
    env = rocksdb::NewCompositeEnv(std::make_shared<ZeroFilledWalFileSystem>(
        rocksdb::FileSystem::Default(), fill_ahead_bytes));
  }
  return env.get();
}

}  // namespace reviewtrail::eventlog::internal
