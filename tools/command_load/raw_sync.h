#pragma once

#include <cstdint>
#include <filesystem>

namespace reviewtrail::tools {

// "One fsync" on this disk, as RocksDB does it: the p50 in µs of back-to-back synced one-record
// WriteBatches of `value_bytes`, default options, for `seconds`, in a fresh database at `dir`
// (removed afterwards). Back to back is its fastest: a lone caller's commits are spaced out.
[[nodiscard]] int64_t RawSyncedWriteP50(const std::filesystem::path& dir, double seconds,
                                        size_t value_bytes);

}  // namespace reviewtrail::tools
