#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/status.h"

namespace reviewtrail::eventlog {

// The status of a RocksDB call, for the embedded log and every RocksDB store of a service (the
// write model, the read models), prefixed with `what`:
//   a full volume (NoSpace, SpaceLimit)     RESOURCE_EXHAUSTED "...: no space left on the data
//                                           volume: <RocksDB's message>"
//   a read-only or failing volume (an I/O   UNAVAILABLE "...: the data volume refused the write:
//   error naming EROFS or EIO)              <RocksDB's message>"
//   Corruption DATA_LOSS, NotFound NOT_FOUND, Busy / TryAgain UNAVAILABLE, the rest (other I/O
//   errors: a lock held by another process, a permission) INTERNAL.
// RocksDB's message names the cause ("No space left on device", "Read-only file system"). The
// first two are marked for IsStorageUnavailable. The library linking this must link RocksDB.
[[nodiscard]] absl::Status StorageStatus(const rocksdb::Status& status, std::string_view what);

// Whether `status` (from StorageStatus) says the volume could not take a write: the call may
// succeed once space is freed or the volume is writable again (after ResumeWrites).
[[nodiscard]] bool IsStorageUnavailable(const absl::Status& status);

// After a storage error RocksDB refuses every write until its background error is cleared: this
// clears it (DB::Resume: flushes the memtables to new files and starts a new WAL) once the volume
// takes writes again, and is OK at once when there was none. Fails, as StorageStatus, while the
// volume is still full or read-only.
[[nodiscard]] absl::Status ResumeWrites(rocksdb::DB& db, std::string_view what);

// RocksDB's info log for the store `name` (DBOptions::info_log): its warnings and errors (write
// stalls, background errors, recovery) go to the service log as "rocksdb <name>: ...", the rest
// is dropped; no LOG file is written into the data directory. A LOG file on a volume that has
// filled up breaks RocksDB 7.8's own recovery from the full volume (its error handler writes to
// the failed file and, built with assertions as Debian's is, aborts the process).
[[nodiscard]] std::shared_ptr<rocksdb::Logger> StorageInfoLog(std::string name);

}  // namespace reviewtrail::eventlog
