#pragma once

#include <prometheus/registry.h>

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/runtime/time_zones.h"

namespace reviewtrail::query {

// Opens the read model at `store_path` for serving, in this build's schema version
// (readmodel::kSchemaVersion):
//   - a store of that version is opened as it is;
//   - a store where nothing was applied yet (new, or every position 0) gets that version;
//   - a store of another version, or of none recorded (written before versions were), is rebuilt
//     from log position 0 first (RebuildReadModel with `rebuild_workers`), saying so on `notices`.
// Must not run while another QueryService has `store_path` open.
[[nodiscard]] absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> OpenReadModel(
    eventlog::EventLog& log, const std::string& store_path,
    const runtime::TenantTimeZones& time_zones, prometheus::Registry& registry, size_t max_batch,
    size_t rebuild_workers, std::ostream& notices);

}  // namespace reviewtrail::query
