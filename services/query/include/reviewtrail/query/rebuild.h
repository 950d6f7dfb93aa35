#pragma once

#include <prometheus/registry.h>

#include <string>

#include "absl/status/status.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/runtime/time_zones.h"

namespace reviewtrail::query {

// Rebuilds the read model at `store_path` from position 0: projects everything the log holds now
// into a fresh store beside it (`<store_path>.rebuild`), then swaps it in and removes the old one.
// The fresh store is written without a write-ahead log in large chunks, flushed and compacted
// before the swap, and records this build's schema version (readmodel::kSchemaVersion). The
// partitions are folded by `workers` threads at once (0: the machine's hardware threads), each with
// its own QueryProjection. A crash at any point leaves either the old store, the new one, or none
// (and a QueryService started on a missing store projects from 0): never a mix. Must not run while
// a QueryService has `store_path` open. Called by `reviewtrail-query --rebuild`, and by the
// all-in-one before it starts its QueryService.
[[nodiscard]] absl::Status RebuildReadModel(eventlog::EventLog& log, const std::string& store_path,
                                            const runtime::TenantTimeZones& time_zones,
                                            prometheus::Registry& registry, size_t max_batch = 1000,
                                            size_t workers = 0);

}  // namespace reviewtrail::query
