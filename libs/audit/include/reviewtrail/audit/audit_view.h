#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/audit/chain_verifier.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/export_filter.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::audit {

class WorkerPool;

// A consistent view of the audit store for one request: over a ProjectionStore it reads one
// snapshot (a projection::StoreReadView), so the head and the entries read through it agree
// whatever the projector commits meanwhile; over any other projection::ReadView (a
// MemoryReadView in tests) it reads that view. Owned by one thread at a time; the store (or the
// view) must outlive it.
class AuditView {
 public:
  explicit AuditView(projection::ProjectionStore& store);
  explicit AuditView(const projection::ReadView& view) : view_(view) {}
  AuditView(const AuditView&) = delete;
  AuditView& operator=(const AuditView&) = delete;

  [[nodiscard]] absl::StatusOr<Head> LoadHead(const std::string& tenant) const;

  // A cursor over `tenant`'s stored entries from `from_sequence` on, in sequence order (a bulk
  // read: large readahead, blocks not kept in the cache).
  [[nodiscard]] absl::StatusOr<std::unique_ptr<projection::Cursor>> Entries(
      const std::string& tenant, int64_t from_sequence) const;

  // The entry stored under `sequence`, decoded; NotFound when absent, DataLoss when damaged.
  [[nodiscard]] absl::StatusOr<Entry> LoadEntry(const std::string& tenant, int64_t sequence) const;

  // The last entry indexed under an action or a review: {0, ""} when there is none.
  [[nodiscard]] absl::StatusOr<Head> LastIndexed(const std::string& tenant, IndexKind kind,
                                                 const std::string& id) const;

  // The sequence numbers of the first and the last of `tenant`'s entries up to `last` recorded in
  // the time range of `filter` ({1, 0} when none is): a scan of the whole chain.
  [[nodiscard]] absl::StatusOr<std::pair<int64_t, int64_t>> TimeSegment(
      const std::string& tenant, int64_t last, const ExportFilter& filter) const;

  struct Verification {
    Head head;
    int64_t checked = 0;
    std::optional<ChainBreak> broken;
  };
  // Recomputes the chain of `tenant` over sequences [from, to] (to = 0: up to the head), checking
  // each stored event against its entry too. Entries are decoded and hashed on `pool`'s threads
  // (the caller's only when null); the outcome does not depend on how many there are.
  [[nodiscard]] absl::StatusOr<Verification> Verify(const std::string& tenant, int64_t from,
                                                    int64_t to, WorkerPool* pool = nullptr) const;

  // An entry with its event, checked against the entry's event_sha256.
  struct Record {
    Entry entry;
    v1::EventEnvelope event;
  };
  // Every entry indexed under an action or a review, in chain order; DataLoss when an entry or
  // its event is damaged.
  [[nodiscard]] absl::StatusOr<std::vector<Record>> Indexed(const std::string& tenant,
                                                            IndexKind kind,
                                                            const std::string& id) const;

 private:
  std::unique_ptr<projection::ReadView> owned_;  // the store's snapshot, when made from a store
  const projection::ReadView& view_;
};

}  // namespace reviewtrail::audit
