#include "reviewtrail/query/open_read_model.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "reviewtrail/query/rebuild.h"
#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::query {
namespace {

absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> Open(const std::string& store_path) {
  return projection::ProjectionStore::Open(
      store_path, readmodel::AllTables(), {.uncompressed_tables = readmodel::UncompressedTables()});
}

std::string VersionText(const std::optional<int64_t>& version) {
  return version.has_value() ? std::to_string(*version) : "1 (none recorded)";
}

}  // namespace

absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> OpenReadModel(
    eventlog::EventLog& log, const std::string& store_path,
    const runtime::TenantTimeZones& time_zones, prometheus::Registry& registry, size_t max_batch,
    size_t rebuild_workers, std::ostream& notices) {
  absl::StatusOr<std::unique_ptr<projection::ProjectionStore>> store = Open(store_path);
  if (!store.ok()) return store;
  absl::StatusOr<std::optional<int64_t>> version = (*store)->LoadSchemaVersion();
  if (!version.ok()) return version.status();
  if (*version == readmodel::kSchemaVersion) return store;
  absl::StatusOr<std::vector<eventlog::Position>> positions =
      (*store)->LoadPositions(log.PartitionCount());
  if (!positions.ok()) return positions.status();
  const bool applied_nothing =
      std::all_of(positions->begin(), positions->end(),
                  [](const eventlog::Position& position) { return position.offset == 0; });
  if (applied_nothing) {
    if (absl::Status saved = (*store)->SaveSchemaVersion(readmodel::kSchemaVersion); !saved.ok()) {
      return saved;
    }
    return store;
  }

  notices << "query service: the read model at " << store_path << " has schema version "
          << VersionText(*version) << ", this build reads version " << readmodel::kSchemaVersion
          << ": rebuilding it from log position 0 before serving" << std::endl;
  store->reset();  // closed: the rebuild swaps in a fresh store at the same path
  const auto started = std::chrono::steady_clock::now();
  if (absl::Status rebuilt =
          RebuildReadModel(log, store_path, time_zones, registry, max_batch, rebuild_workers);
      !rebuilt.ok()) {
    return rebuilt;
  }
  notices << "query service: read model rebuilt in schema version " << readmodel::kSchemaVersion
          << " in "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
          << " s" << std::endl;
  return Open(store_path);
}

}  // namespace reviewtrail::query
