#pragma once

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/changes.h"

namespace reviewtrail::projection {

// A projection's own RocksDB: one column family per table, plus "positions" holding, per log
// partition, the next offset to apply. Commit() writes a batch's table changes and the new
// positions in one WriteBatch, so after any crash the store equals the fold of the log up to its
// positions: nothing applied twice, nothing skipped.
//
// Thread-safe for reads; one writer (the runner) commits.
class ProjectionStore {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(
      const std::string& path, const std::vector<std::string>& tables);
  ~ProjectionStore();

  // Next offset to apply for each of `partition_count` partitions (0 for a fresh store).
  [[nodiscard]] absl::StatusOr<std::vector<eventlog::Position>> LoadPositions(
      int32_t partition_count) const;

  // A batch of changes; reads see the batch's own writes on top of the store. A failed read is
  // remembered and fails the Commit, so a projection never commits on a state it could not see.
  class Batch final : public Changes {
   public:
    explicit Batch(ProjectionStore& store);
    [[nodiscard]] std::optional<std::string> Get(std::string_view table,
                                                 std::string_view key) override;
    void Put(std::string_view table, std::string_view key, std::string_view value) override;
    void Delete(std::string_view table, std::string_view key) override;

   private:
    friend class ProjectionStore;
    ProjectionStore& store_;
    rocksdb::WriteBatchWithIndex batch_;
    absl::Status error_;
  };

  // Commits `batch` and the positions (partition -> next offset) atomically.
  [[nodiscard]] absl::Status Commit(Batch& batch, const std::map<int32_t, int64_t>& next_offsets);

  [[nodiscard]] rocksdb::DB& db() { return *db_; }
  // The column family of `table`; nullptr for an unknown table.
  [[nodiscard]] rocksdb::ColumnFamilyHandle* Table(std::string_view table) const;

 private:
  ProjectionStore() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> tables_;
  rocksdb::ColumnFamilyHandle* positions_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace reviewtrail::projection
