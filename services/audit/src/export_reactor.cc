#include "export_reactor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/export_encoders.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::audit_service {
namespace {

constexpr char kHowToVerify[] =
    "Keep this trailer with the file. Every row must verify alone: drop one leading \"'\" from "
    "any CSV cell that has one; canonical = F(canonical_encoding) then F(value) of every column "
    "from tenant_id to event_sha256 and, for reviewtrail-audit-v2 rows, review_prev_sequence to "
    "action_prev_hash, where F(v) = <UTF-8 byte length of v in decimal> \":\" v \"\\n\"; check "
    "hash == sha256(prev_hash || canonical) in lowercase hex. Then the rows must be exactly "
    "entries_exported, linked one to the next in the chain named here (tenant: consecutive "
    "sequences, prev_hash = the hash of the row before; review/action: review_prev_* / "
    "action_prev_* = the row before), the first starting from first_prev_sequence / "
    "first_prev_hash, the last being last_sequence / last_hash, and, unless a time range was "
    "asked, the chain's first entry and chain_last_sequence / chain_last_hash. docs/AUDIT.md has "
    "the procedure and a script that does all of it.";

// Room past the chunk size for the row that crosses it, so a chunk's buffer rarely grows.
constexpr size_t kRowReserve = 8 * 1024;

}  // namespace

ExportReactor::ExportReactor(projection::ProjectionStore& store, std::string tenant,
                             v1::AuditExportFormat format, audit::ExportFilter filter,
                             size_t chunk_bytes, size_t format_threads, AuditMetrics& metrics)
    : view_(store),
      tenant_(std::move(tenant)),
      format_(format),
      filter_(std::move(filter)),
      chunk_bytes_(chunk_bytes),
      metrics_(metrics),
      format_pool_(format_threads) {}

void ExportReactor::Begin() {
  absl::StatusOr<audit::Head> head = view_.LoadHead(tenant_);
  if (!head.ok()) {
    {
      std::lock_guard lock(mutex_);
      finishing_ = true;
    }
    Fail(rpc::ToGrpcStatus(head.status()));
    return;
  }
  head_ = *head;
  chain_last_ = head_;
  if (filter_.chain() != audit::ExportChain::kTenant) {
    absl::StatusOr<audit::Head> last = view_.LastIndexed(
        tenant_,
        filter_.chain() == audit::ExportChain::kAction ? audit::IndexKind::kAction
                                                       : audit::IndexKind::kReview,
        std::string(filter_.chain_id()));
    if (!last.ok()) {
      {
        std::lock_guard lock(mutex_);
        finishing_ = true;
      }
      Fail(rpc::ToGrpcStatus(last.status()));
      return;
    }
    chain_last_ = *last;
  }
  trail_ = audit::ExportTrail(filter_.chain());
  filler_ = std::thread([this] { Fill(); });
}

void ExportReactor::Fill() {
  while (true) {
    size_t slot = 0;
    {
      std::unique_lock lock(mutex_);
      slot_freed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
      if (stopping_) return;
      slot = free_.back();
      free_.pop_back();
    }
    Prepared& prepared = slots_[slot];
    FillChunk(prepared);
    const bool end = prepared.last || prepared.failure.has_value();
    Step step;
    {
      std::lock_guard lock(mutex_);
      ready_.push_back(slot);
      step = NextStep();
    }
    Take(step);
    if (end) return;
  }
}

bool ExportReactor::Position(Prepared& prepared) {
  positioned_ = true;
  if (filter_.HasTimeRange()) {
    absl::StatusOr<std::pair<int64_t, int64_t>> segment =
        view_.TimeSegment(tenant_, head_.sequence, filter_);
    if (!segment.ok()) {
      prepared.failure = rpc::ToGrpcStatus(segment.status());
      return false;
    }
    filter_.first_sequence = segment->first;
    filter_.last_sequence = segment->second;
  }
  absl::StatusOr<std::unique_ptr<projection::Cursor>> entries =
      view_.Entries(tenant_, filter_.first_sequence);
  if (!entries.ok()) {
    prepared.failure = rpc::ToGrpcStatus(entries.status());
    return false;
  }
  entries_ = *std::move(entries);
  return true;
}

void ExportReactor::WriteTrailer(v1::ExportTrailer& trailer) const {
  trailer.set_entries_exported(trail_.rows());
  trailer.set_head_sequence(head_.sequence);
  trailer.set_head_hash(head_.hash);
  trailer.set_canonical_encoding(std::string(audit::kCanonicalTag));
  trailer.set_how_to_verify(kHowToVerify);
  trailer.set_chain(std::string(audit::ExportChainName(filter_.chain())));
  trailer.set_chain_id(std::string(filter_.chain_id()));
  if (filter_.recorded_from) {
    *trailer.mutable_recorded_from() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(*filter_.recorded_from);
  }
  if (filter_.recorded_until) {
    *trailer.mutable_recorded_until() =
        google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(*filter_.recorded_until);
  }
  std::string completeness;
  if (!filter_.actor_id.empty()) {
    completeness =
        "an actor's entries are linked by no chain: each row verifies, but whether rows were left "
        "out cannot be proven from this export; export the actor's reviews or actions, or the "
        "whole log, to prove it";
  } else if (trail_.unlinked_rows() > 0) {
    completeness = absl::StrCat(
        "the first ", trail_.unlinked_rows(),
        " rows are reviewtrail-audit-v1 entries, stored before entries were linked to their "
        "review's and action's previous one: each verifies, but only the rows after them are "
        "provably complete; an unfiltered export proves all");
  }
  trailer.set_provably_complete(completeness.empty());
  trailer.set_completeness(completeness);
  trailer.set_first_sequence(trail_.first_sequence());
  trailer.set_first_prev_sequence(trail_.first_prev_sequence());
  trailer.set_first_prev_hash(trail_.first_prev_hash());
  trailer.set_last_sequence(trail_.last_sequence());
  trailer.set_last_hash(trail_.last_hash());
  trailer.set_chain_last_sequence(chain_last_.sequence);
  trailer.set_chain_last_hash(chain_last_.sequence == 0 ? "" : chain_last_.hash);
}

void ExportReactor::FillChunk(Prepared& prepared) {
  prepared.failure.reset();
  prepared.last = false;
  if (!positioned_ && !Position(prepared)) return;
  // Reused from chunk to chunk: the buffer keeps its capacity.
  std::string* data = prepared.message.mutable_data();
  data->clear();
  data->reserve(chunk_bytes_ + kRowReserve);
  if (!header_written_ && format_ == v1::AUDIT_EXPORT_FORMAT_CSV) data->append(audit::CsvHeader());
  header_written_ = true;
  bool exhausted = false;
  while (data->size() < chunk_bytes_ && !exhausted) {
    // Read stored entries in order (about half a chunk of stored bytes: rows are of a similar
    // size), then write their rows on the pool's threads, each a consecutive part.
    read_bytes_.clear();
    reads_.clear();
    const size_t read_limit = std::max<size_t>((chunk_bytes_ - data->size()) / 2, 1);
    while (read_bytes_.size() < read_limit) {
      if (!entries_->Valid()) {
        exhausted = true;
        break;
      }
      const std::optional<int64_t> sequence = audit::SequenceOfEntryKey(tenant_, entries_->key());
      if (!sequence || *sequence > head_.sequence || *sequence > filter_.last_sequence) {
        exhausted = true;
        break;
      }
      const std::string_view stored = entries_->value();
      reads_.push_back({*sequence, read_bytes_.size(), stored.size()});
      read_bytes_.append(stored);
      entries_->Next();
    }
    parts_.resize(format_pool_.threads());
    for (Part& part : parts_) part.Clear(filter_.chain());  // a short read leaves some unused
    format_pool_.RunParts(reads_.size(), [this](size_t part, size_t begin, size_t end) {
      WriteRows(begin, end, parts_[part]);
    });
    for (const Part& part : parts_) {
      if (part.damaged) {
        // The first damaged entry in order ends the export; this chunk is not sent.
        prepared.failure =
            grpc::Status(grpc::StatusCode::DATA_LOSS,
                         absl::StrCat("audit entry ", reads_[*part.damaged].sequence,
                                      " is damaged; VerifyAuditLog names the first broken entry"));
        return;
      }
      data->append(part.rows);
      trail_.Merge(part.trail);
    }
  }
  if (absl::Status status = entries_->status(); !status.ok()) {
    prepared.failure = rpc::ToGrpcStatus(status);
    return;
  }
  if (data->empty() && exhausted) {
    WriteTrailer(*prepared.message.mutable_trailer());
    prepared.last = true;
  }
}

void ExportReactor::WriteRows(size_t begin, size_t end, Part& part) const {
  const std::string_view bytes = read_bytes_;
  audit::StoredView entry;
  for (size_t i = begin; i < end; ++i) {
    if (!audit::ViewStored(bytes.substr(reads_[i].at, reads_[i].size), entry).ok()) {
      part.damaged = i;
      return;
    }
    if (filter_.Matches(entry)) {
      AppendRow(entry, part.rows);
      part.trail.Add(entry);
    }
  }
}

void ExportReactor::AppendRow(const audit::StoredView& entry, std::string& data) const {
  const bool csv = format_ == v1::AUDIT_EXPORT_FORMAT_CSV;
  if (entry.canonical) {
    // The stored text of every field is its export text.
    if (csv) {
      audit::AppendCsvRow(entry, data);
    } else {
      audit::AppendJsonLine(entry, data);
    }
    return;
  }
  // A number stored in a form that is not canonical: export the canonical text, as for any entry.
  const audit::Entry decoded = audit::ToEntry(entry);
  if (csv) {
    audit::AppendCsvRow(decoded, data);
  } else {
    audit::AppendJsonLine(decoded, data);
  }
}

ExportReactor::Step ExportReactor::NextStep() {
  Step step;
  if (finishing_ || in_flight_ || ready_.empty()) return step;
  const size_t slot = ready_.front();
  ready_.pop_front();
  if (slots_[slot].failure) {
    finishing_ = true;
    step.finish = slots_[slot].failure;
    return step;
  }
  in_flight_ = slot;
  step.write = &slots_[slot].message;
  return step;
}

void ExportReactor::Take(const Step& step) {
  if (step.write != nullptr) StartWrite(step.write);
  if (step.finish) Fail(*step.finish);
}

void ExportReactor::OnWriteDone(bool ok) {
  Step step;
  bool done = false;
  {
    std::lock_guard lock(mutex_);
    const size_t slot = *in_flight_;
    in_flight_.reset();
    done = ok && slots_[slot].last;
    free_.push_back(slot);
    if (!ok || done) {
      finishing_ = true;
      stopping_ = true;
    } else {
      step = NextStep();
    }
  }
  slot_freed_.notify_one();
  if (!ok) {
    Fail(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
    return;
  }
  if (done) {
    metrics_.CountRequest("ExportAuditLog", "OK");
    metrics_.CountExportRows(format_ == v1::AUDIT_EXPORT_FORMAT_CSV ? "csv" : "jsonl",
                             static_cast<double>(trail_.rows()));
    Finish(grpc::Status::OK);
    return;
  }
  Take(step);
}

void ExportReactor::Fail(const grpc::Status& status) {
  metrics_.CountRequest("ExportAuditLog", absl::StatusCodeToString(
                                              static_cast<absl::StatusCode>(status.error_code())));
  Finish(status);
}

void ExportReactor::OnDone() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  slot_freed_.notify_one();
  if (filler_.joinable()) filler_.join();
  delete this;
}

}  // namespace reviewtrail::audit_service
