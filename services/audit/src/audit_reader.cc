#include "audit_reader.h"

#include "absl/strings/str_cat.h"
#include "batch_prefetcher.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/sha256.h"
#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/audit/worker_pool.h"
#include "verify_batch.h"

namespace reviewtrail::audit_service {
namespace {

absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::InternalError(std::string(what) + ": " + status.ToString());
}

constexpr size_t kScanReadahead = 8 << 20;
// A verification batch: enough entries for every thread to hash a good share, few enough bytes to
// keep a verification's memory small whatever the log's size.
constexpr size_t kVerifyBatchEntries = 4096;
constexpr size_t kVerifyBatchBytes = 8 << 20;

}  // namespace

AuditView::AuditView(projection::ProjectionStore& store)
    : store_(store), snapshot_(store.db().GetSnapshot()) {}

AuditView::~AuditView() { store_.db().ReleaseSnapshot(snapshot_); }

rocksdb::ReadOptions AuditView::Options() const {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  return options;
}

absl::StatusOr<Head> AuditView::LoadHead(const std::string& tenant) const {
  std::string value;
  const rocksdb::Status status = store_.db().Get(Options(), store_.Table(kHeads), tenant, &value);
  if (status.IsNotFound()) return Head{0, std::string(audit::kGenesisHash)};
  if (!status.ok()) return FromRocks(status, "reading the audit head");
  std::optional<Head> head = DecodeHead(value);
  if (!head) return absl::DataLossError("the audit head of tenant " + tenant + " is damaged");
  return *head;
}

rocksdb::ReadOptions AuditView::ScanOptions() const {
  rocksdb::ReadOptions options = Options();
  // Whole-log scans read ahead in large steps and leave the block cache to point reads.
  options.readahead_size = kScanReadahead;
  options.fill_cache = false;
  return options;
}

std::unique_ptr<rocksdb::Iterator> AuditView::Entries(const std::string& tenant,
                                                      int64_t from_sequence) const {
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db().NewIterator(ScanOptions(), store_.Table(kEntries)));
  it->Seek(EntryKey(tenant, from_sequence));
  return it;
}

absl::StatusOr<audit::Entry> AuditView::LoadEntry(const std::string& tenant,
                                                  int64_t sequence) const {
  std::string value;
  const rocksdb::Status status =
      store_.db().Get(Options(), store_.Table(kEntries), EntryKey(tenant, sequence), &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("audit entry ", sequence, " is missing"));
  }
  if (!status.ok()) return FromRocks(status, "reading an audit entry");
  absl::StatusOr<audit::Entry> entry = audit::DecodeStored(value);
  if (!entry.ok()) {
    return absl::DataLossError(absl::StrCat("audit entry ", sequence, " is damaged"));
  }
  return entry;
}

absl::StatusOr<Head> AuditView::LastIndexed(const std::string& tenant, IndexKind kind,
                                            const std::string& id) const {
  const std::string prefix = IndexPrefix(tenant, kind, id);
  std::unique_ptr<rocksdb::Iterator> it(store_.db().NewIterator(Options(), store_.Table(kIndex)));
  it->SeekForPrev(prefix + std::string(8, '\xff'));
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    if (!it->status().ok()) return FromRocks(it->status(), "reading the audit index");
    return Head{0, ""};
  }
  const int64_t sequence = FromBigEndian64(it->key().ToStringView().substr(prefix.size()));
  absl::StatusOr<audit::Entry> entry = LoadEntry(tenant, sequence);
  if (!entry.ok()) return absl::DataLossError(std::string(entry.status().message()));
  return Head{sequence, entry->hash};
}

absl::StatusOr<std::pair<int64_t, int64_t>> AuditView::TimeSegment(
    const std::string& tenant, int64_t last, const audit::ExportFilter& filter) const {
  std::pair<int64_t, int64_t> segment{1, 0};
  bool found = false;
  audit::StoredView view;
  std::unique_ptr<rocksdb::Iterator> it = Entries(tenant, 1);
  for (; it->Valid(); it->Next()) {
    const std::optional<int64_t> sequence = SequenceOfEntryKey(tenant, it->key().ToStringView());
    if (!sequence || *sequence > last) break;
    if (!audit::ViewStored(it->value().ToStringView(), view).ok()) {
      return absl::DataLossError(absl::StrCat(
          "audit entry ", *sequence, " is damaged; VerifyAuditLog names the first broken entry"));
    }
    if (!filter.InTimeRange(view.recorded_at)) continue;
    if (!found) segment.first = *sequence;
    found = true;
    segment.second = *sequence;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "iterating audit entries");
  return segment;
}

absl::StatusOr<AuditView::Verification> AuditView::Verify(const std::string& tenant, int64_t from,
                                                          int64_t to,
                                                          audit::WorkerPool* pool) const {
  Verification result;
  absl::StatusOr<Head> head = LoadHead(tenant);
  if (!head.ok()) return head.status();
  result.head = *head;
  const int64_t first = std::max<int64_t>(from, 1);
  const int64_t last = to == 0 ? head->sequence : to;
  std::string prev(audit::kGenesisHash);
  if (first > 1) {
    // A range starts from its first entry's own link; the link before it is checked by a
    // verification that includes the entry before. A missing or damaged first entry is reported
    // by the verifier below.
    absl::StatusOr<audit::Entry> start = LoadEntry(tenant, first);
    prev = start.ok() ? start->prev_hash : "";
  }
  audit::ChainVerifier verifier(first, prev);
  std::unique_ptr<rocksdb::Iterator> entries = Entries(tenant, first);
  std::unique_ptr<rocksdb::Iterator> events(
      store_.db().NewIterator(ScanOptions(), store_.Table(kEvents)));
  events->Seek(EntryKey(tenant, first));
  // Entries are read a batch at a time on a thread of their own, while the batch read before is
  // decoded and hashed on the pool's threads.
  BatchPrefetcher<VerifyBatch> reader([&](VerifyBatch& batch) {
    batch.Clear();
    while (batch.size() < kVerifyBatchEntries && batch.bytes() < kVerifyBatchBytes) {
      if (!entries->Valid()) return false;
      const std::optional<int64_t> sequence = SequenceOfEntryKey(
          tenant, std::string_view(entries->key().data(), entries->key().size()));
      if (!sequence || *sequence > last) return false;
      while (events->Valid() && events->key().compare(entries->key()) < 0) events->Next();
      if (!events->Valid() || events->key() != entries->key()) {
        // Checked after the entry itself, so a missing entry is named before its event.
        batch.AddWithoutEvent(*sequence, entries->value().ToStringView());
        return false;
      }
      batch.Add(*sequence, entries->value().ToStringView(), events->value().ToStringView());
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
  if (absl::Status status = FromRocks(entries->status(), "iterating audit entries");
      !status.ok() && !verifier.broken()) {
    return status;
  }
  verifier.Finish(last);
  if (to == 0 && !verifier.broken()) {
    // Nothing may be stored past the head: the head and the entries are committed together.
    std::unique_ptr<rocksdb::Iterator> beyond = Entries(tenant, head->sequence + 1);
    if (beyond->Valid()) {
      if (const std::optional<int64_t> sequence =
              SequenceOfEntryKey(tenant, beyond->key().ToStringView())) {
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
  std::unique_ptr<rocksdb::Iterator> it(store_.db().NewIterator(Options(), store_.Table(kIndex)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const int64_t sequence = FromBigEndian64(it->key().ToStringView().substr(prefix.size()));
    absl::StatusOr<audit::Entry> entry = LoadEntry(tenant, sequence);
    if (!entry.ok()) return absl::DataLossError(std::string(entry.status().message()));
    std::string bytes;
    const rocksdb::Status status =
        store_.db().Get(Options(), store_.Table(kEvents), EntryKey(tenant, sequence), &bytes);
    if (!status.ok() || audit::Sha256Hex(bytes) != entry->event_sha256) {
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
  if (!it->status().ok()) return FromRocks(it->status(), "iterating the audit index");
  return records;
}

}  // namespace reviewtrail::audit_service
