// The audit chain must not depend on the build that made it: a record whose payload this build
// does not know still gets its entry when first projected (the SHA-256 of its bytes, the type as
// the record names it), and a later build that knows the payload keeps every existing entry as it
// is — same sequence numbers, same hashes, same head.
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit_fixture.h"
#include "reviewtrail/audit/audit_projection.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/chain_verifier.h"
#include "reviewtrail/audit/store_keys.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/projection/read_view.h"

namespace reviewtrail::audit_service::testing {
namespace {

// The audit projection of a build that does not know one payload type: this build's parser leaves
// such a payload among the envelope's unknown fields (as it does for field 99 below), so the
// projection is given the record itself, read from the log as the projector would give it.
class BuildThatDoesNotKnow final : public projection::Projection {
 public:
  BuildThatDoesNotKnow(eventlog::EventLog& log, int payload) : log_(log), payload_(payload) {}

  std::vector<std::string> Tables() const override { return inner_.Tables(); }
  bool AccountsForEveryRecord() const override { return true; }
  absl::StatusOr<bool> ApplyUnknown(const eventlog::Record& record, const v1::EventEnvelope* event,
                                    projection::Changes& changes) override {
    return inner_.ApplyUnknown(record, event, changes);
  }
  absl::Status Apply(const eventlog::Position& position, const v1::EventEnvelope& event,
                     projection::Changes& changes) override {
    if (event.payload_case() != payload_) return inner_.Apply(position, event, changes);
    absl::StatusOr<std::vector<eventlog::Record>> read =
        log_.Read(position.partition, position.offset, 1);
    if (!read.ok()) return read.status();
    const eventlog::Record& record = read->front();
    v1::EventEnvelope seen;
    if (!seen.ParseFromString(record.value)) return absl::InternalError("does not decode");
    const auto* field = v1::EventEnvelope::descriptor()->FindFieldByNumber(payload_);
    const std::string payload = seen.GetReflection()->GetMessage(seen, field).SerializeAsString();
    seen.clear_payload();
    seen.GetReflection()->MutableUnknownFields(&seen)->AddLengthDelimited(payload_, payload);
    absl::StatusOr<bool> accounted = inner_.ApplyUnknown(record, &seen, changes);
    if (!accounted.ok()) return accounted.status();
    return *accounted ? absl::OkStatus() : absl::InternalError("not accounted for");
  }

 private:
  eventlog::EventLog& log_;
  int payload_;
  audit::AuditProjection inner_;
};

class UnknownRecordTest : public AuditServiceTest {
 protected:
  // Every stored entry of acme by sequence, and the head.
  std::map<int64_t, std::string> Entries(projection::ProjectionStore& store) {
    std::map<int64_t, std::string> entries;
    const projection::StoreReadView view(store);
    EXPECT_TRUE(view.Scan(audit::kEntries, audit::TenantPrefix("acme"), "",
                          [&](std::string_view key, std::string_view value) {
                            const auto sequence = audit::SequenceOfEntryKey("acme", key);
                            if (sequence) entries[*sequence] = std::string(value);
                            return sequence.has_value();
                          })
                    .ok());
    return entries;
  }

  // Projects the log's records not yet applied into the store at `path` with `projection`.
  std::map<int64_t, std::string> Project(const std::string& path,
                                         projection::Projection& projection) {
    auto store = projection::ProjectionStore::Open(path, audit::AuditProjection().Tables());
    EXPECT_TRUE(store.ok()) << store.status();
    prometheus::Registry registry;
    projection::Projector projector(*log_, **store, projection, registry, {.name = "audit"});
    EXPECT_TRUE(projector.CatchUp().ok());
    return Entries(**store);
  }

  static std::string Hash(const std::string& stored) { return audit::DecodeStored(stored)->hash; }

  // Verifies a whole stored chain as VerifyAuditLog does.
  static void ExpectIntact(const std::map<int64_t, std::string>& entries) {
    audit::ChainVerifier verifier(1, std::string(audit::kGenesisHash));
    for (const auto& [sequence, stored] : entries) verifier.Add(sequence, stored, nullptr);
    verifier.Finish(static_cast<int64_t>(entries.size()));
    EXPECT_FALSE(verifier.broken().has_value()) << verifier.broken()->description;
  }

  std::vector<v1::EventEnvelope> FirstEvents() {
    return {acme_.Review("rev-1", "Q4 review"),
            acme_.Decision("rev-1", "dec-1", "Train"),
            acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15),
            acme_.Progress("act-1", "olga", "half way", 50),
            acme_.Evidence("act-1", "ev-1", std::string(64, 'c')),
            acme_.Progress("act-1", "olga", "done", 100)};
  }
  std::vector<v1::EventEnvelope> LaterEvents() {
    return {acme_.RequestClosure("act-1", "ev-1"), acme_.Approve("act-1"),
            acme_.Assign("rev-1", "dec-1", "act-2", "Drill", "piet", 18), acme_.Remind("act-2")};
  }
};

TEST_F(UnknownRecordTest, ARecordWhosePayloadThisBuildDoesNotKnowGetsItsEntry) {
  v1::EventEnvelope future = acme_.Remind("act-9");
  future.clear_payload();
  // A payload of a newer schema: envelope field 99, unknown to this build.
  future.GetReflection()->MutableUnknownFields(&future)->AddLengthDelimited(99,
                                                                            "\x0a\x03"
                                                                            "act");
  Append({acme_.Review("rev-1", "Q4 review"), acme_.Decision("rev-1", "dec-1", "Train")});
  const eventlog::Position at = Append({future});
  Append({acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15)});

  const v1::VerifyAuditLogResponse verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.DebugString();
  EXPECT_EQ(verified.head_sequence(), 4);  // every record has its entry

  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  std::vector<nlohmann::json> rows;
  std::istringstream lines(exported.data);
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u);
  const nlohmann::json& unknown = rows[2];
  const auto record = log_->Read(at.partition, at.offset, 1);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(unknown["event_sha256"], digest::Sha256Hex(record->front().value));
  EXPECT_EQ(unknown["event_type"], "UnknownPayload(field 99)");
  EXPECT_EQ(unknown["event_id"], future.event_id());
  EXPECT_EQ(unknown["log_offset"], at.offset);
  EXPECT_NE(unknown["summary"].get<std::string>().find("payload this build does not know"),
            std::string::npos);
  EXPECT_EQ(rows[3]["event_type"], "ActionAssigned");
  const auto [code, output] = RunVerifyScript(dir_, exported.data, false, exported.trailer);
  EXPECT_EQ(code, 0) << output;
}

TEST_F(UnknownRecordTest, ALaterBuildThatKnowsThePayloadKeepsTheChainAndItsHead) {
  StopService();
  ASSERT_TRUE(log_->Append("acme", FirstEvents()).ok());
  BuildThatDoesNotKnow old_build(*log_, v1::EventEnvelope::kProgressReported);
  const std::string store = StorePath();
  const std::string old_only = (dir_ / "old-only").string();
  const auto first = Project(store, old_build);
  ASSERT_EQ(first.size(), 6u);
  const audit::Entry progress = *audit::DecodeStored(first.at(4));
  EXPECT_EQ(progress.event_type, "ProgressReported");  // as the record's ce_type names it
  EXPECT_NE(progress.summary.find("does not know"), std::string::npos);
  EXPECT_EQ(progress.action_id, "");
  ExpectIntact(first);

  // Later records, projected by a build that knows every payload...
  ASSERT_TRUE(log_->Append("acme", LaterEvents()).ok());
  audit::AuditProjection knowing;
  const auto continued = Project(store, knowing);
  // ...and by the old build throughout.
  BuildThatDoesNotKnow old_again(*log_, v1::EventEnvelope::kProgressReported);
  const auto old_throughout = Project(old_only, old_again);

  ASSERT_EQ(continued.size(), 10u);
  for (const auto& [sequence, stored] : first) {
    EXPECT_EQ(continued.at(sequence), stored) << "entry " << sequence << " changed";
  }
  EXPECT_EQ(continued, old_throughout);  // same chain, same head
  ExpectIntact(continued);

  // The service verifies and exports the chain as it stands.
  StartService();
  const v1::VerifyAuditLogResponse verified = Verify();
  EXPECT_TRUE(verified.intact()) << verified.DebugString();
  EXPECT_EQ(verified.head_sequence(), 10);
  EXPECT_EQ(verified.head_hash(), Hash(continued.at(10)));
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  const auto [code, output] = RunVerifyScript(dir_, exported.data, true, exported.trailer);
  EXPECT_EQ(code, 0) << output;
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
