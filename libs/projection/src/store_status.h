#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "absl/status/status.h"
#include "reviewtrail/eventlog/storage_status.h"

namespace reviewtrail::projection {

// A RocksDB status as an absl one, prefixed by `what`: as eventlog::StorageStatus (a full volume
// RESOURCE_EXHAUSTED, a read-only or failing one UNAVAILABLE, both marked for
// eventlog::IsStorageUnavailable), anything else but OK Internal.
inline absl::Status ToStatus(const rocksdb::Status& status, std::string_view what) {
  absl::Status mapped = eventlog::StorageStatus(status, what);
  if (mapped.ok() || eventlog::IsStorageUnavailable(mapped)) return mapped;
  return absl::InternalError(mapped.message());
}

}  // namespace reviewtrail::projection
