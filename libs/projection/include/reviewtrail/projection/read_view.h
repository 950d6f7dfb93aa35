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

namespace rocksdb {
class Snapshot;
}  // namespace rocksdb

namespace reviewtrail::projection {

// An ordered cursor over one table of a ReadView: Seek (or SeekForPrev), then Next while Valid.
// A read error ends it (Valid() false) and is kept in status(). key() and value() stay valid until
// the cursor moves. Used by one thread; the view must outlive it.
class Cursor {
 public:
  virtual ~Cursor() = default;
  // To the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // To the last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  [[nodiscard]] virtual bool Valid() const = 0;
  [[nodiscard]] virtual std::string_view key() const = 0;
  [[nodiscard]] virtual std::string_view value() const = 0;
  [[nodiscard]] virtual absl::Status status() const = 0;
};

// How a cursor will be used: a few keys near its seek (kPoint), or a long run of them (kBulk: the
// store reads ahead in large steps and leaves its block cache to point reads).
enum class Access { kPoint, kBulk };

// Read access to the tables of a read model: point reads, ordered prefix scans and cursors. The
// one way every read model is read (the queries, the audit log, the notifier's outbox).
// Implemented over a consistent RocksDB snapshot of a ProjectionStore (StoreReadView) and over
// MemoryChanges (MemoryReadView, for tests without a database). An unknown table is an Internal
// error.
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
  // A cursor over `table`, unpositioned.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor>> NewCursor(
      std::string_view table, Access access = Access::kPoint) const = 0;
};

// Over MemoryChanges; the changes must outlive the view. One thread.
class MemoryReadView final : public ReadView {
 public:
  explicit MemoryReadView(const MemoryChanges& changes) : changes_(changes) {}
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> Get(std::string_view table,
                                                               std::string_view key) const override;
  [[nodiscard]] absl::Status Scan(std::string_view table, std::string_view prefix,
                                  std::string_view start, const Visitor& visit) const override;
  [[nodiscard]] absl::StatusOr<std::unique_ptr<Cursor>> NewCursor(
      std::string_view table, Access access = Access::kPoint) const override;

 private:
  const MemoryChanges& changes_;
};

// Over one RocksDB snapshot of a ProjectionStore, taken at construction and released at
// destruction, so a query's reads agree with each other while the projector keeps writing. The
// store must outlive the view. Usable from the thread that made it.
class StoreReadView final : public ReadView {
 public:
  explicit StoreReadView(ProjectionStore& store);
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
  [[nodiscard]] absl::StatusOr<std::unique_ptr<Cursor>> NewCursor(
      std::string_view table, Access access = Access::kPoint) const override;

 private:
  ProjectionStore& store_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace reviewtrail::projection
