#pragma once

#include <rocksdb/status.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace reviewtrail::projection {

// A RocksDB status as an absl one: OK stays OK, anything else is Internal, prefixed by `what`.
inline absl::Status ToStatus(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(std::string(what) + ": " + status.ToString());
}

}  // namespace reviewtrail::projection
