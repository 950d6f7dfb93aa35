#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/projection/changes.h"
#include "reviewtrail/projection/projection_store.h"

namespace reviewtrail::readmodel {

// Read access to the read model's tables, as the queries need it: point reads and ordered prefix
// scans. Implemented over a consistent RocksDB snapshot (StoreReadView) and over MemoryChanges
// (MemoryReadView, for tests of the queries without a database).
class ReadView {
 public:
  // Called with each key and value in order; return false to stop.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;

  virtual ~ReadView() = default;
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> Get(
      std::string_view table, std::string_view key) const = 0;
  // Point reads of several keys of `table` at once, answered in the order of `keys`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::string_view table, const std::vector<std::string>& keys) const;
  // Visits the keys of `table` that start with `prefix` and are >= `start` (start may be empty or
  // shorter than the prefix: the scan then begins at the prefix).
  [[nodiscard]] virtual absl::Status Scan(std::string_view table, std::string_view prefix,
                                          std::string_view start, const Visitor& visit) const = 0;
};

// Over MemoryChanges; the changes must outlive the view. One thread.
class MemoryReadView final : public ReadView {
 public:
  explicit MemoryReadView(const projection::MemoryChanges& changes) : changes_(changes) {}
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(std::string_view table,
                                                               std::string_view key) const override;
  [[nodiscard]] absl::Status Scan(std::string_view table, std::string_view prefix,
                                  std::string_view start, const Visitor& visit) const override;

 private:
  const projection::MemoryChanges& changes_;
};

// Over one RocksDB snapshot of a ProjectionStore, taken at construction and released at
// destruction, so a query's reads agree with each other while the projector keeps writing. The
// store must outlive the view. Usable from the thread that made it.
class StoreReadView final : public ReadView {
 public:
  explicit StoreReadView(projection::ProjectionStore& store);
  ~StoreReadView() override;
  StoreReadView(const StoreReadView&) = delete;
  StoreReadView& operator=(const StoreReadView&) = delete;

  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(std::string_view table,
                                                               std::string_view key) const override;
  // One batched lookup through the store (rocksdb MultiGet), not one search per key.
  [[nodiscard]] absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::string_view table, const std::vector<std::string>& keys) const override;
  [[nodiscard]] absl::Status Scan(std::string_view table, std::string_view prefix,
                                  std::string_view start, const Visitor& visit) const override;

 private:
  projection::ProjectionStore& store_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace reviewtrail::readmodel
