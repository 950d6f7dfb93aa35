#include "reviewtrail/audit/audit_view.h"

#include "absl/strings/str_cat.h"
#include "batch_prefetcher.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/audit/worker_pool.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/projection/key_codec.h"
#include "verify_batch.h"

namespace reviewtrail::audit {
namespace {

// A verification batch: enough entries for every thread to hash a good share, few enough bytes to
// keep a verification's memory small whatever the log's size.
constexpr size_t kVerifyBatchEntries = 4096;
constexpr size_t kVerifyBatchBytes = 8 << 20;

}  // namespace

AuditView::AuditView(projection::ProjectionStore& store)
    : owned_(std::make_unique<projection::StoreReadView>(store)), view_(*owned_) {}

absl::StatusOr<Head> AuditView::LoadHead(const std::string& tenant) const {
  absl::StatusOr<std::optional<std::string>> value = view_.Get(kHeads, tenant);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return Head{0, std::string(kGenesisHash)};
  std::optional<Head> head = DecodeHead(**value);
  if (!head) return absl::DataLossError("the audit head of tenant " + tenant + " is damaged");
  return *head;
}

absl::StatusOr<std::unique_ptr<projection::Cursor>> AuditView::Entries(
    const std::string& tenant, int64_t from_sequence) const {
  absl::StatusOr<std::unique_ptr<projection::Cursor>> cursor =
      view_.NewCursor(kEntries, projection::Access::kBulk);
  if (cursor.ok()) (*cursor)->Seek(EntryKey(tenant, from_sequence));
  return cursor;
}

absl::StatusOr<Entry> AuditView::LoadEntry(const std::string& tenant, int64_t sequence) const {
  absl::StatusOr<std::optional<std::string>> value =
      view_.Get(kEntries, EntryKey(tenant, sequence));
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return absl::NotFoundError(absl::StrCat("audit entry ", sequence, " is missing"));
  }
  absl::StatusOr<Entry> entry = DecodeStored(**value);
  if (!entry.ok()) {
    return absl::DataLossError(absl::StrCat("audit entry ", sequence, " is damaged"));
  }
  return entry;
}

absl::StatusOr<Head> AuditView::LastIndexed(const std::string& tenant, IndexKind kind,
                                            const std::string& id) const {
  const std::string prefix = IndexPrefix(tenant, kind, id);
  absl::StatusOr<std::unique_ptr<projection::Cursor>> it = view_.NewCursor(kIndex);
  if (!it.ok()) return it.status();
  (*it)->SeekForPrev(prefix + std::string(8, '\xff'));
  if (!(*it)->Valid() || !(*it)->key().starts_with(prefix)) {
    if (absl::Status status = (*it)->status(); !status.ok()) return status;
    return Head{0, ""};
  }
  const int64_t sequence = projection::ReadBigEndian64((*it)->key().substr(prefix.size()));
  absl::StatusOr<Entry> entry = LoadEntry(tenant, sequence);
  if (!entry.ok()) return absl::DataLossError(std::string(entry.status().message()));
  return Head{sequence, entry->hash};
}

absl::StatusOr<std::pair<int64_t, int64_t>> AuditView::TimeSegment(
    const std::string& tenant, int64_t last, const ExportFilter& filter) const {
  std::pair<int64_t, int64_t> segment{1, 0};
  bool found = false;
  StoredView view;
  absl::StatusOr<std::unique_ptr<projection::Cursor>> entries = Entries(tenant, 1);
  if (!entries.ok()) return entries.status();
  projection::Cursor& it = **entries;
  for (; it.Valid(); it.Next()) {
    const std::optional<int64_t> sequence = SequenceOfEntryKey(tenant, it.key());
    if (!sequence || *sequence > last) break;
    if (!ViewStored(it.value(), view).ok()) {
      return absl::DataLossError(absl::StrCat(
          "audit entry ", *sequence, " is damaged; VerifyAuditLog names the first broken entry"));
    }
    if (!filter.InTimeRange(view.recorded_at)) continue;
    if (!found) segment.first = *sequence;
    found = true;
    segment.second = *sequence;
  }
  if (absl::Status status = it.status(); !status.ok()) return status;
  return segment;
}

absl::StatusOr<AuditView::Verification> AuditView::Verify(const std::string& tenant, int64_t from,
                                                          int64_t to, WorkerPool* pool) const {
  Verification result;
  absl::StatusOr<Head> head = LoadHead(tenant);
  if (!head.ok()) return head.status();
  result.head = *head;
  const int64_t first = std::max<int64_t>(from, 1);
  const int64_t last = to == 0 ? head->sequence : to;
  std::string prev(kGenesisHash);
  if (first > 1) {
    // A range starts from its first entry's own link; the link before it is checked by a
    // verification that includes the entry before. A missing or damaged first entry is reported
    // by the verifier below.
    absl::StatusOr<Entry> start = LoadEntry(tenant, first);
    prev = start.ok() ? start->prev_hash : "";
  }
  ChainVerifier verifier(first, prev);
  absl::StatusOr<std::unique_ptr<projection::Cursor>> entry_cursor = Entries(tenant, first);
  if (!entry_cursor.ok()) return entry_cursor.status();
  absl::StatusOr<std::unique_ptr<projection::Cursor>> event_cursor =
      view_.NewCursor(kEvents, projection::Access::kBulk);
  if (!event_cursor.ok()) return event_cursor.status();
  projection::Cursor* entries = entry_cursor->get();
  projection::Cursor* events = event_cursor->get();
  events->Seek(EntryKey(tenant, first));
  // Entries are read a batch at a time on a thread of their own, while the batch read before is
  // decoded and hashed on the pool's threads.
  BatchPrefetcher<VerifyBatch> reader([&](VerifyBatch& batch) {
    batch.Clear();
    while (batch.size() < kVerifyBatchEntries && batch.bytes() < kVerifyBatchBytes) {
      if (!entries->Valid()) return false;
      const std::optional<int64_t> sequence = SequenceOfEntryKey(tenant, entries->key());
      if (!sequence || *sequence > last) return false;
      while (events->Valid() && events->key() < entries->key()) events->Next();
      if (!events->Valid() || events->key() != entries->key()) {
        // Checked after the entry itself, so a missing entry is named before its event.
        batch.AddWithoutEvent(*sequence, entries->value());
        return false;
      }
      batch.Add(*sequence, entries->value(), events->value());
      entries->Next();
    }
    return true;
  });
  while (VerifyBatch* batch = reader.Next()) {
    if (!verifier.AddAll(batch->Entries(), pool)) break;
  }
  reader.Stop();
  // A read error past a break found earlier in the batch is not reached by an entry-by-entry
  // reading, which stops at the break.
  if (absl::Status status = entries->status(); !status.ok() && !verifier.broken()) {
    return status;
  }
  verifier.Finish(last);
  if (to == 0 && !verifier.broken()) {
    // Nothing may be stored past the head: the head and the entries are committed together.
    absl::StatusOr<std::unique_ptr<projection::Cursor>> beyond =
        Entries(tenant, head->sequence + 1);
    if (!beyond.ok()) return beyond.status();
    if ((*beyond)->Valid()) {
      if (const std::optional<int64_t> sequence = SequenceOfEntryKey(tenant, (*beyond)->key())) {
        verifier.Unexpected(*sequence);
      }
    }
  }
  result.checked = verifier.checked();
  result.broken = verifier.broken();
  return result;
}

absl::StatusOr<std::vector<AuditView::Record>> AuditView::Indexed(const std::string& tenant,
                                                                  IndexKind kind,
                                                                  const std::string& id) const {
  std::vector<Record> records;
  const std::string prefix = IndexPrefix(tenant, kind, id);
  absl::StatusOr<std::unique_ptr<projection::Cursor>> cursor = view_.NewCursor(kIndex);
  if (!cursor.ok()) return cursor.status();
  projection::Cursor& it = **cursor;
  for (it.Seek(prefix); it.Valid() && it.key().starts_with(prefix); it.Next()) {
    const int64_t sequence = projection::ReadBigEndian64(it.key().substr(prefix.size()));
    absl::StatusOr<Entry> entry = LoadEntry(tenant, sequence);
    if (!entry.ok()) return absl::DataLossError(std::string(entry.status().message()));
    absl::StatusOr<std::optional<std::string>> stored =
        view_.Get(kEvents, EntryKey(tenant, sequence));
    if (!stored.ok()) return stored.status();
    const std::string bytes = stored->value_or("");
    if (!stored->has_value() || digest::Sha256Hex(bytes) != entry->event_sha256) {
      return absl::DataLossError(
          absl::StrCat("the stored event of audit entry ", sequence, " is missing or altered"));
    }
    Record record{*std::move(entry), {}};
    if (!record.event.ParseFromString(bytes)) {
      return absl::DataLossError(
          absl::StrCat("the event of audit entry ", sequence, " does not decode"));
    }
    records.push_back(std::move(record));
  }
  if (absl::Status status = it.status(); !status.ok()) return status;
  return records;
}

}  // namespace reviewtrail::audit
