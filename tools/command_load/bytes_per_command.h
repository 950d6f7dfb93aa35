#pragma once

#include <filesystem>

namespace reviewtrail::tools {

// command_load --bytes-per-command: the bytes each command type writes to every store — the log,
// the write model, the query read model and the audit log — measured through the stores' RocksDB
// tickers (eventlog::StoreStatistics) around `actions` commands of one type at a time, sent one
// after another to an in-process command service while the query and audit projectors run in the
// same process; each type's round ends once both projectors have applied its last event. Prints
// one markdown table. Returns the process exit code.
int RunBytesPerCommand(int actions, int tenants, int log_shards, const std::filesystem::path& dir);

}  // namespace reviewtrail::tools
