#include "export_reactor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/export_encoders.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::audit_service {
namespace {

constexpr char kHowToVerify[] =
    "For each row: drop one leading \"'\" from any CSV cell that has one; canonical = "
    "F(\"reviewtrail-audit-v1\") then F(value) for every column before prev_hash, in order, where "
    "F(v) = <UTF-8 byte length of v in decimal> \":\" v \"\\n\" (numbers in decimal, lists joined "
    "with \",\"); check hash == sha256(prev_hash || canonical) in lowercase hex, and that each "
    "row's prev_hash is the hash of the row before when their sequences are consecutive (the first "
    "entry's prev_hash is 64 zeros). The last entry of an unfiltered export must be the chain head "
    "below. See docs/AUDIT.md.";

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
  absl::StatusOr<Head> head = view_.LoadHead(tenant_);
  if (!head.ok()) {
    {
      std::lock_guard lock(mutex_);
      finishing_ = true;
    }
    Fail(rpc::ToGrpcStatus(head.status()));
    return;
  }
  head_ = *head;
  entries_ = view_.Entries(tenant_, 1);
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

void ExportReactor::FillChunk(Prepared& prepared) {
  prepared.failure.reset();
  prepared.last = false;
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
      const std::optional<int64_t> sequence =
          SequenceOfEntryKey(tenant_, entries_->key().ToStringView());
      if (!sequence || *sequence > head_.sequence) {
        exhausted = true;
        break;
      }
      const std::string_view stored = entries_->value().ToStringView();
      reads_.push_back({*sequence, read_bytes_.size(), stored.size()});
      read_bytes_.append(stored);
      entries_->Next();
    }
    parts_.resize(format_pool_.threads());
    for (Part& part : parts_) part.Clear();  // a short read leaves some parts unused
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
      rows_ += part.count;
    }
  }
  if (!entries_->status().ok()) {
    prepared.failure = grpc::Status(grpc::StatusCode::INTERNAL, entries_->status().ToString());
    return;
  }
  if (data->empty() && exhausted) {
    v1::ExportTrailer* trailer = prepared.message.mutable_trailer();
    trailer->set_entries_exported(rows_);
    trailer->set_head_sequence(head_.sequence);
    trailer->set_head_hash(head_.hash);
    trailer->set_canonical_encoding(std::string(audit::kCanonicalTag));
    trailer->set_how_to_verify(kHowToVerify);
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
      ++part.count;
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
                             static_cast<double>(rows_));
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
