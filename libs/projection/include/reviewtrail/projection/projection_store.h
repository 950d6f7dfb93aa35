#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/eventlog/store_memory.h"
#include "reviewtrail/eventlog/store_statistics.h"
#include "reviewtrail/projection/changes.h"

namespace reviewtrail::projection {

struct ProjectionStoreOptions {
  // No write-ahead log: for a store built from nothing and used only once complete (a rebuild,
  // whose crash restarts it from scratch). Flush() must succeed before such a store is put to use:
  // until then its files may hold some tables' changes and not others'.
  bool without_wal = false;
  // Bytes of each table's memtable before it is flushed; 0: RocksDB's default (64 MB). Either way
  // at most half the memtables' share of `memory`, and the memtables of every store of `memory`
  // together stay under that share (the fullest of the store being written is flushed first).
  // Large memtables suit a store built in bulk: fewer, larger files to flush and to compact.
  size_t memtable_bytes = 0;
  // Tables whose files are written without compression. Every store reads its files through
  // mmap, so an uncompressed block is read in place from the page cache: no read call, no copy,
  // no decompression. For tables read in long runs whose values are copied out as they are; the
  // price is their size on disk (three to four times, for protobuf views).
  std::vector<std::string> uncompressed_tables;
  // The block cache and memtable budget the store draws from; null: the process's
  // (eventlog::ProcessStoreMemory()).
  std::shared_ptr<eventlog::StoreMemory> memory;
};

// A projection's own RocksDB: one column family per table, plus "positions" holding, per log
// partition, the next offset to apply, and the schema version of the tables' layout. Commit()
// writes a batch's table changes and the new positions in one WriteBatch, so after any crash the
// store equals the fold of the log up to its positions: nothing applied twice, nothing skipped.
//
// Thread-safe: batches of several threads may be committed at once when they touch disjoint keys
// and positions (the workers of a parallel catch-up); otherwise one writer (the runner) commits.
class ProjectionStore {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(
      const std::string& path, const std::vector<std::string>& tables,
      ProjectionStoreOptions options = {});
  ~ProjectionStore();

  // Next offset to apply for each of `partition_count` partitions (0 for a fresh store).
  [[nodiscard]] absl::StatusOr<std::vector<eventlog::Position>> LoadPositions(
      int32_t partition_count) const;

  // The schema version saved with SaveSchemaVersion; nullopt when none was (a fresh store, or one
  // written before its projection recorded versions). What a version means is the projection's.
  [[nodiscard]] absl::StatusOr<std::optional<int64_t>> LoadSchemaVersion() const;
  // Records the version of the layout the store's tables are written in. Written at once (through
  // the write-ahead log; with `without_wal`, persisted by the next Flush()).
  [[nodiscard]] absl::Status SaveSchemaVersion(int64_t version);

  // A batch of changes held in memory: every key it read or wrote, with its latest value. Reads
  // see the batch's own writes on top of the store, which is read once per key. Commit writes each
  // changed key once, however many times the batch changed it, and leaves out the deletion of a key
  // the store is known not to hold: a batch folding many events costs one write per key touched.
  // Keys and values are copied into one arena, released at once with the batch. A failed read is
  // remembered and fails the Commit, so a projection never commits on a state it could not see.
  // Used by one thread.
  class Batch final : public Changes {
   public:
    explicit Batch(ProjectionStore& store);
    [[nodiscard]] std::optional<std::string> Get(std::string_view table,
                                                 std::string_view key) override;
    void Put(std::string_view table, std::string_view key, std::string_view value) override;
    void Delete(std::string_view table, std::string_view key) override;

    // Keys held (read or written).
    [[nodiscard]] size_t size() const { return size_; }
    // Makes room for as many keys per table as `like` holds (e.g. the previous chunk of a
    // catch-up), so that the tables need not grow key by key.
    void Reserve(const Batch& like);

   private:
    friend class ProjectionStore;
    // What the store held under a key before the batch, as far as the batch knows.
    enum class Stored : uint8_t { kUnknown, kAbsent, kPresent };
    struct Entry {
      absl::string_view value;  // in the arena; meaningful when present
      bool present = false;     // false: absent (never written, or deleted)
      Stored stored = Stored::kUnknown;
      bool changed = false;
    };
    // Keys in the arena. (absl's string_view here is its own type.)
    using Entries = absl::flat_hash_map<absl::string_view, Entry>;

    // The entry of `key` in the table of `family`, created unread when new.
    Entry& EntryOf(rocksdb::ColumnFamilyHandle* family, std::string_view key, bool& created);
    // A copy of `bytes` in the arena.
    absl::string_view Keep(std::string_view bytes);

    ProjectionStore& store_;
    std::pmr::monotonic_buffer_resource arena_;
    std::vector<Entries> tables_;  // by column family id
    size_t size_ = 0;
    size_t bytes_ = 0;  // keys and values kept in the arena
    absl::Status error_;
  };

  // Commits `batch` and the positions (partition -> next offset) atomically.
  [[nodiscard]] absl::Status Commit(Batch& batch, const std::map<int32_t, int64_t>& next_offsets);

  // Writes everything committed so far to the store's files (needed with `without_wal`), the
  // tables side by side.
  [[nodiscard]] absl::Status Flush();
  // After a commit failed for want of storage (eventlog::IsStorageUnavailable): lets RocksDB take
  // writes again once the volume does (eventlog::ResumeWrites); fails while it does not.
  [[nodiscard]] absl::Status ResumeWrites();
  // Compacts every table into one sorted run: for a store built in bulk, so that its queries do
  // not merge files. The tables compact at the same time, as many at once as the store has
  // background threads. (RocksDB still rewrites a table's run once when it was moved there whole
  // from a flush, to zero its sequence numbers, after the store's first snapshot is released.)
  [[nodiscard]] absl::Status Compact();

  // The store's RocksDB figures under the name `store` (for metrics). Thread-safe.
  [[nodiscard]] eventlog::StoreStatistics Statistics(std::string store) const {
    return eventlog::ReadStoreStatistics(*db_, std::move(store));
  }

  // The column family of `table`; nullptr for an unknown table.
  [[nodiscard]] rocksdb::ColumnFamilyHandle* Table(std::string_view table) const;

 private:
  // RocksDB stays behind the store: read models read through StoreReadView, write through Batch.
  friend class StoreReadView;
  friend struct ProjectionStoreTestPeer;  // the store's own tests inspect its RocksDB options
  [[nodiscard]] rocksdb::DB& db() { return *db_; }

  ProjectionStore() = default;
  // Runs `work` on every column family, each on a thread of its own, and waits for all of them.
  absl::Status ForEachTableAtOnce(
      const std::function<rocksdb::Status(rocksdb::ColumnFamilyHandle*)>& work, const char* what);

  std::unique_ptr<rocksdb::DB> db_;
  ProjectionStoreOptions options_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> tables_;
  rocksdb::ColumnFamilyHandle* positions_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace reviewtrail::projection
