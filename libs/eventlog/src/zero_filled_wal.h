#pragma once

#include <rocksdb/env.h>

#include <cstddef>

namespace reviewtrail::eventlog::internal {

// An Env whose file system keeps RocksDB's write-ahead-log files (`*.log`) filled with zeros
// ahead of what RocksDB has written, `fill_ahead_bytes` at a time. A synced commit then
// overwrites blocks that are already allocated and written, within the file's size, so its
// fdatasync writes the data and flushes the device cache without also writing the inode (the new
// size and block map): one device round trip fewer per commit. RocksDB's log reader reads zeros
// as padding (the same as its own preallocated files), so recovery stops at the last record, and
// a clean close truncates the file to the records it holds. Every other file is the default
// file system's. The Env lives as long as the process (as Env::Default() does).
[[nodiscard]] rocksdb::Env* ZeroFilledWalEnv(size_t fill_ahead_bytes = size_t{1} << 20);

}  // namespace reviewtrail::eventlog::internal
