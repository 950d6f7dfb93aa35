#pragma once

#include <chrono>

namespace reviewtrail::rpc {

// How long a read request carrying a log position (QueryService `min_position`, AuditService
// `after`) waits by default for its read model to apply that position before it answers
// UNAVAILABLE (safe to retry). One number for every read API, stated in the .proto comments and
// README.md: the same bound as a command's wait for its writer (CommandServiceOptions), so a
// client's write-then-read path has one timeout to plan for.
inline constexpr std::chrono::milliseconds kMaxPositionWait{10'000};

}  // namespace reviewtrail::rpc
