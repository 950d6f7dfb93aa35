#pragma once

#include <cstdint>
#include <filesystem>

namespace reviewtrail::tools {

// command_load --stream: one EventService.Subscribe stream beside commands at full speed on the
// embedded log. Prints commands/s without and with the subscriber, the events/s the subscriber
// receives while it reads `backlog` events of its tenant (appended before the round) and the
// tenant's live events, and the acknowledgement-to-delivery delay (p50/p99) of a subscriber that
// started at "now", each with its target and verdict.
int RunStream(int callers, double seconds, int tenants, int log_shards, int64_t backlog,
              const std::filesystem::path& dir);

}  // namespace reviewtrail::tools
