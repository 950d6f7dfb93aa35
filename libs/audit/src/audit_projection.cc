#include "reviewtrail/audit/audit_projection.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry_builder.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"

namespace reviewtrail::audit {
namespace {

std::string DeterministicBytes(const v1::EventEnvelope& event) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  event.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

std::vector<std::string> SplitList(const std::optional<std::string>& joined) {
  if (!joined || joined->empty()) return {};
  return absl::StrSplit(std::string(*joined), ',');
}

bool UsableTenant(const std::string& tenant) {
  return !tenant.empty() && tenant.find('\0') == std::string::npos;
}

absl::StatusOr<Head> LoadHead(projection::Changes& changes, const std::string& tenant) {
  Head head{0, std::string(kGenesisHash)};
  if (std::optional<std::string> stored = changes.Get(kHeads, tenant)) {
    std::optional<Head> decoded = DecodeHead(*stored);
    if (!decoded) return absl::DataLossError("the audit head of tenant " + tenant + " is damaged");
    head = *decoded;
  }
  return head;
}

// The last entry of a review or an action: {0, ""} when it has none yet.
absl::StatusOr<Head> LoadLast(projection::Changes& changes, const std::string& tenant,
                              FactKind kind, const std::string& id) {
  std::optional<std::string> stored = changes.Get(kFacts, FactKey(tenant, kind, id));
  if (!stored) return Head{0, ""};
  std::optional<Head> decoded = DecodeHead(*stored);
  if (!decoded) return absl::DataLossError("the last audit entry of " + id + " is damaged");
  return *decoded;
}

// Seals `entry` after the head and writes it, its stored event, the new head, its index keys and
// its review's and action's last entry.
void Append(Entry& entry, const Head& head, const std::string& event_bytes,
            projection::Changes& changes) {
  const std::string& tenant = entry.tenant_id;
  Seal(entry, head.hash);
  const std::string key = EntryKey(tenant, entry.sequence);
  changes.Put(kEntries, key, EncodeStored(entry));
  changes.Put(kEvents, key, event_bytes);
  const std::string last = EncodeHead({entry.sequence, entry.hash});
  changes.Put(kHeads, tenant, last);
  if (!entry.action_id.empty()) {
    changes.Put(kIndex, IndexKey(tenant, IndexKind::kAction, entry.action_id, entry.sequence), "");
    changes.Put(kFacts, FactKey(tenant, FactKind::kActionLast, entry.action_id), last);
  }
  if (!entry.review_id.empty()) {
    changes.Put(kIndex, IndexKey(tenant, IndexKind::kReview, entry.review_id, entry.sequence), "");
    changes.Put(kFacts, FactKey(tenant, FactKind::kReviewLast, entry.review_id), last);
  }
}

// The record's own name for its type: its CloudEvents ce_type without the package, unless it is
// the envelope's (what a writer that did not know the payload either sets).
std::string TypeNameOf(const eventlog::Record& record) {
  for (const auto& [name, value] : record.headers) {
    if (name != "ce_type" || value == eventlog::kUnknownPayloadCeType) continue;
    constexpr std::string_view kPackage = "reviewtrail.v1.";
    std::string_view type = value;
    if (type.starts_with(kPackage)) type.remove_prefix(kPackage.size());
    return std::string(type);
  }
  return "";
}

}  // namespace

std::vector<std::string> AuditProjection::Tables() const {
  return {kEntries, kEvents, kHeads, kIndex, kFacts};
}

absl::Status AuditProjection::Apply(const eventlog::Position& position,
                                    const v1::EventEnvelope& event, projection::Changes& changes) {
  const std::string& tenant = event.tenant_id();
  if (!UsableTenant(tenant))
    return absl::InvalidArgumentError("an event without a usable tenant id");
  absl::StatusOr<Head> head = LoadHead(changes, tenant);
  if (!head.ok()) return head.status();
  const std::string bytes = DeterministicBytes(event);
  EntryContext context{.sequence = head->sequence + 1,
                       .log_partition = position.partition,
                       .log_offset = position.offset,
                       .event_sha256 = digest::Sha256Hex(bytes)};
  const std::string action_id = domain::ActionIdOf(event);
  if (!action_id.empty() && domain::ReviewIdOf(event).empty()) {
    context.review_id =
        changes.Get(kFacts, FactKey(tenant, FactKind::kActionReview, action_id)).value_or("");
  }
  switch (event.payload_case()) {
    case v1::EventEnvelope::kActionAssigned:
      changes.Put(kFacts, FactKey(tenant, FactKind::kActionReview, action_id),
                  event.action_assigned().review_id());
      break;
    case v1::EventEnvelope::kEvidenceAttached: {
      const auto& attached = event.evidence_attached();
      changes.Put(kFacts, FactKey(tenant, FactKind::kEvidenceSha, attached.evidence_id()),
                  attached.sha256());
      const std::string key = FactKey(tenant, FactKind::kActionEvidence, action_id);
      std::vector<std::string> hashes = SplitList(changes.Get(kFacts, key));
      hashes.push_back(attached.sha256());
      changes.Put(kFacts, key, absl::StrJoin(hashes, ","));
      break;
    }
    case v1::EventEnvelope::kClosureRequested:
      for (const std::string& evidence_id : event.closure_requested().evidence_ids()) {
        if (auto sha = changes.Get(kFacts, FactKey(tenant, FactKind::kEvidenceSha, evidence_id))) {
          context.evidence_sha256.push_back(*sha);
        }
      }
      break;
    case v1::EventEnvelope::kClosureApproved:
      context.evidence_sha256 =
          SplitList(changes.Get(kFacts, FactKey(tenant, FactKind::kActionEvidence, action_id)));
      break;
    default:
      break;
  }
  const std::string review_id =
      domain::ReviewIdOf(event).empty() ? context.review_id : domain::ReviewIdOf(event);
  if (!review_id.empty()) {
    absl::StatusOr<Head> last = LoadLast(changes, tenant, FactKind::kReviewLast, review_id);
    if (!last.ok()) return last.status();
    context.review_prev_sequence = last->sequence;
    context.review_prev_hash = last->hash;
  }
  if (!action_id.empty()) {
    absl::StatusOr<Head> last = LoadLast(changes, tenant, FactKind::kActionLast, action_id);
    if (!last.ok()) return last.status();
    context.action_prev_sequence = last->sequence;
    context.action_prev_hash = last->hash;
  }
  Entry entry = BuildEntry(event, context);
  Append(entry, *head, bytes, changes);
  if (event.aggregate_type() == v1::AGGREGATE_TYPE_TENANT) {
    // A sandbox's test clock: GetStateAsOf judges overdue on the day it showed at the instant.
    changes.Put(kIndex, IndexKey(tenant, IndexKind::kTenant, tenant, entry.sequence), "");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> AuditProjection::ApplyUnknown(const eventlog::Record& record,
                                                   const v1::EventEnvelope* event,
                                                   projection::Changes& changes) {
  // The tenant the envelope names, or else the record's key (the log's tenant key).
  const std::string tenant =
      event != nullptr && !event->tenant_id().empty() ? event->tenant_id() : record.key;
  if (!UsableTenant(tenant)) return false;  // no tenant's record: nothing to account for
  absl::StatusOr<Head> head = LoadHead(changes, tenant);
  if (!head.ok()) return head.status();
  // The record's bytes as they are (this build could not re-encode what it does not know).
  Entry entry = BuildUnknownEntry(event, tenant, TypeNameOf(record),
                                  EntryContext{.sequence = head->sequence + 1,
                                               .log_partition = record.position.partition,
                                               .log_offset = record.position.offset,
                                               .event_sha256 = digest::Sha256Hex(record.value)});
  Append(entry, *head, record.value, changes);
  return true;
}

}  // namespace reviewtrail::audit
