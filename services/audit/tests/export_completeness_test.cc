// An export must be provably complete for its filter: deleting, inserting, reordering,
// duplicating or cutting rows at either end of a real export — CSV or JSON Lines, unfiltered or
// filtered by review, action or time range — is caught by the reference script of docs/AUDIT.md
// and by the C++ reference verifier, even when the trailer's row count is adjusted to match.
#include <fstream>
#include <functional>
#include <sstream>

#include "audit_fixture.h"
#include "reference_export_verifier.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/export_encoders.h"

namespace reviewtrail::audit_service::testing {
namespace {

using audit::testing::ReferenceExportVerifier;
using google::protobuf::util::TimeUtil;

constexpr int64_t kStartMicros = 1'795'424'400'000'000;  // the fixture clock's start, 09:00

// An export cut into its rows (each one line: the trail below has no newline in any text).
struct Rows {
  std::string header;  // CSV only
  std::vector<std::string> rows;
  bool csv = false;

  static Rows Of(const std::string& data, bool csv) {
    Rows out;
    out.csv = csv;
    const std::string end = csv ? "\r\n" : "\n";
    size_t at = 0;
    for (size_t next = data.find(end); next != std::string::npos; next = data.find(end, at)) {
      std::string line = data.substr(at, next - at);
      if (csv && out.header.empty()) {
        out.header = std::move(line);
      } else {
        out.rows.push_back(std::move(line));
      }
      at = next + end.size();
    }
    EXPECT_EQ(at, data.size());
    return out;
  }
  [[nodiscard]] std::string Join() const {
    const std::string end = csv ? "\r\n" : "\n";
    std::string data = csv ? header + end : "";
    for (const std::string& row : rows) data += row + end;
    return data;
  }
};

// A row that hashes correctly and claims to come right after `after` in every chain: what a forger
// who knows the canonical encoding would insert.
std::string ForgedRowAfter(const ReferenceExportVerifier::Row& after, bool csv) {
  audit::Entry forged;
  forged.tenant_id = after.at("tenant_id");
  forged.sequence = std::stoll(after.at("sequence")) + 1;
  forged.log_partition = std::stoi(after.at("log_partition"));
  forged.log_offset = std::stoll(after.at("log_offset"));
  forged.event_id = "forged";
  forged.occurred_at = *audit::ParseMicros(after.at("occurred_at"));
  forged.recorded_at = *audit::ParseMicros(after.at("recorded_at"));
  forged.actor_id = "mallory";
  forged.actor_roles = {"isms_manager"};
  forged.aggregate_type = "action";
  forged.aggregate_id = after.at("action_id");
  forged.aggregate_version = 99;
  forged.event_type = "ClosureApproved";
  forged.review_id = after.at("review_id");
  forged.action_id = after.at("action_id");
  forged.summary = "approved closure without evidence";
  forged.event_sha256 = std::string(64, 'f');
  if (!forged.review_id.empty()) {
    forged.review_prev_sequence = std::stoll(after.at("sequence"));
    forged.review_prev_hash = after.at("hash");
  }
  if (!forged.action_id.empty()) {
    forged.action_prev_sequence = std::stoll(after.at("sequence"));
    forged.action_prev_hash = after.at("hash");
  }
  audit::Seal(forged, after.at("hash"));
  std::string row;
  if (csv) {
    audit::AppendCsvRow(forged, row);
    row.resize(row.size() - 2);  // the CRLF
  } else {
    audit::AppendJsonLine(forged, row);
    row.pop_back();
  }
  return row;
}

struct Manipulation {
  const char* name;
  std::function<void(Rows&, const std::vector<ReferenceExportVerifier::Row>&)> apply;
};

const std::vector<Manipulation>& Manipulations() {
  static const auto* const kManipulations = new std::vector<Manipulation>{
      {"delete a middle row",
       [](Rows& r, const auto&) { r.rows.erase(r.rows.begin() + r.rows.size() / 2); }},
      {"insert a forged row",
       [](Rows& r, const auto& parsed) {
         const size_t at = r.rows.size() / 2;
         r.rows.insert(r.rows.begin() + at + 1, ForgedRowAfter(parsed[at], r.csv));
       }},
      {"swap two rows",
       [](Rows& r, const auto&) {
         std::swap(r.rows[r.rows.size() / 2], r.rows[r.rows.size() / 2 + 1]);
       }},
      {"duplicate a row",
       [](Rows& r, const auto&) {
         const size_t at = r.rows.size() / 2;
         r.rows.insert(r.rows.begin() + at, r.rows[at]);
       }},
      {"cut the first row", [](Rows& r, const auto&) { r.rows.erase(r.rows.begin()); }},
      {"cut the last row", [](Rows& r, const auto&) { r.rows.pop_back(); }},
  };
  return *kManipulations;
}

struct Filter {
  const char* name;
  std::function<void(v1::ExportAuditLogRequest&)> set;
  const char* chain;
};

const std::vector<Filter>& Filters() {
  static const auto* const kFilters = new std::vector<Filter>{
      {"no filter", [](v1::ExportAuditLogRequest&) {}, "tenant"},
      {"review rev-1", [](v1::ExportAuditLogRequest& r) { r.set_review_id("rev-1"); }, "review"},
      {"action act-1", [](v1::ExportAuditLogRequest& r) { r.set_action_id("act-1"); }, "action"},
      {"time range",
       [](v1::ExportAuditLogRequest& r) {
         // Events are one minute apart from 09:01: [09:04, 09:15) holds entries 4 to 14.
         *r.mutable_recorded_from() =
             TimeUtil::MicrosecondsToTimestamp(kStartMicros + 4 * 60'000'000);
         *r.mutable_recorded_until() =
             TimeUtil::MicrosecondsToTimestamp(kStartMicros + 15 * 60'000'000);
       },
       "tenant"},
  };
  return *kFilters;
}

class ExportCompletenessTest : public AuditServiceTest {
 protected:
  // Two reviews and three actions, interleaved, so that no filtered export is a run of
  // consecutive sequence numbers.
  void RecordInterleavedTrails() {
    Append({acme_.Review("rev-1", "Q4 review"), acme_.Review("rev-2", "Q1 review"),
            acme_.Decision("rev-1", "dec-1", "Train everyone"),
            acme_.Assign("rev-1", "dec-1", "act-1", "Security training", "olga", 15),
            acme_.Decision("rev-2", "dec-2", "Review access"),
            acme_.Assign("rev-2", "dec-2", "act-3", "Access review", "piet", 20),
            acme_.Assign("rev-1", "dec-1", "act-2", "Phishing drill", "piet", 18)});
    for (int i = 0; i < 6; ++i) {
      Append({acme_.Progress("act-1", "olga", "step " + std::to_string(i), 10 * i),
              acme_.Progress(i % 2 == 0 ? "act-3" : "act-2", "piet", "note " + std::to_string(i),
                             5 * i)});
    }
    Append({acme_.Evidence("act-1", "ev-1", std::string(64, 'c')),
            acme_.RequestClosure("act-1", "ev-1"), acme_.Approve("act-1"), acme_.Remind("act-2")});
  }

  // Both verifiers' verdicts on `data` with `trailer`: true when they accept it (they must agree).
  bool Accepted(const std::string& data, bool csv, const v1::ExportTrailer& trailer,
                std::string* why = nullptr) {
    const auto [code, output] = RunVerifyScript(dir_, data, csv, trailer);
    const auto reference =
        ReferenceExportVerifier::Verify(data, csv, nlohmann::json::parse(TrailerJson(trailer)));
    EXPECT_EQ(code == 0, reference.ok) << "script: " << output << "C++: " << reference.message;
    EXPECT_TRUE(code == 0 || code == 1) << output;
    if (why != nullptr) *why = output + " / " + reference.message;
    return code == 0 && reference.ok;
  }
};

TEST_F(ExportCompletenessTest, EveryManipulationOfEveryFormatAndFilterIsCaught) {
  RecordInterleavedTrails();
  for (const Filter& filter : Filters()) {
    for (const bool csv : {true, false}) {
      SCOPED_TRACE(::testing::Message() << filter.name << ", " << (csv ? "CSV" : "JSON Lines"));
      v1::ExportAuditLogRequest request;
      request.set_format(csv ? v1::AUDIT_EXPORT_FORMAT_CSV : v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
      filter.set(request);
      const Export exported = ExportLog(request, Auditor());
      ASSERT_TRUE(exported.status.ok()) << exported.status.error_message();
      const v1::ExportTrailer& trailer = exported.trailer;
      EXPECT_EQ(trailer.chain(), filter.chain);
      EXPECT_TRUE(trailer.provably_complete()) << trailer.completeness();
      ASSERT_GE(trailer.entries_exported(), 4);
      std::string why;
      ASSERT_TRUE(Accepted(exported.data, csv, trailer, &why)) << why;

      const Rows rows = Rows::Of(exported.data, csv);
      ASSERT_EQ(static_cast<int64_t>(rows.rows.size()), trailer.entries_exported());
      std::string error;
      const auto parsed = csv ? ReferenceExportVerifier::ParseCsv(exported.data, error)
                              : ReferenceExportVerifier::ParseJsonLines(exported.data, error);
      ASSERT_EQ(parsed.size(), rows.rows.size()) << error;
      for (const Manipulation& manipulation : Manipulations()) {
        SCOPED_TRACE(manipulation.name);
        Rows changed = rows;
        manipulation.apply(changed, parsed);
        const std::string data = changed.Join();
        ASSERT_NE(data, exported.data);
        EXPECT_FALSE(Accepted(data, csv, trailer, &why)) << why;
        // A forger who also fixes the trailer's row count is caught by the links and the ends.
        v1::ExportTrailer recounted = trailer;
        recounted.set_entries_exported(static_cast<int64_t>(changed.rows.size()));
        EXPECT_FALSE(Accepted(data, csv, recounted, &why)) << why;
      }
    }
  }
}

TEST_F(ExportCompletenessTest, FilteredTrailersNameTheirChainAndEnds) {
  RecordInterleavedTrails();
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  request.set_action_id("act-2");
  const Export action = ExportLog(request, Auditor());
  ASSERT_TRUE(action.status.ok());
  EXPECT_EQ(action.trailer.chain(), "action");
  EXPECT_EQ(action.trailer.chain_id(), "act-2");
  EXPECT_EQ(action.trailer.first_sequence(), 7);
  EXPECT_EQ(action.trailer.first_prev_sequence(), 0);
  EXPECT_EQ(action.trailer.first_prev_hash(), "");
  EXPECT_EQ(action.trailer.last_sequence(), action.trailer.chain_last_sequence());
  EXPECT_EQ(action.trailer.last_hash(), action.trailer.chain_last_hash());
  EXPECT_EQ(action.trailer.head_sequence(), 23);
  const auto rows = ReferenceExportVerifier::Verify(
      action.data, false, nlohmann::json::parse(TrailerJson(action.trailer)));
  ASSERT_TRUE(rows.ok) << rows.message;
  ASSERT_EQ(rows.rows.size(), 5u);
  // Each row links to the one before of the same action, across the entries of others.
  for (size_t i = 1; i < rows.rows.size(); ++i) {
    EXPECT_EQ(rows.rows[i].at("action_prev_sequence"), rows.rows[i - 1].at("sequence"));
    EXPECT_EQ(rows.rows[i].at("action_prev_hash"), rows.rows[i - 1].at("hash"));
    EXPECT_EQ(rows.rows[i].at("canonical_encoding"), "reviewtrail-audit-v2");
  }

  // A time range: a contiguous segment, its first row's link named.
  v1::ExportAuditLogRequest window;
  window.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  Filters()[3].set(window);
  const Export segment = ExportLog(window, Auditor());
  ASSERT_TRUE(segment.status.ok());
  EXPECT_EQ(segment.trailer.first_sequence(), 4);
  EXPECT_EQ(segment.trailer.first_prev_sequence(), 3);
  EXPECT_EQ(segment.trailer.last_sequence(), 14);
  EXPECT_EQ(segment.trailer.entries_exported(), 11);
  EXPECT_EQ(segment.trailer.chain_last_sequence(), 23);
  EXPECT_TRUE(segment.trailer.has_recorded_from());
  // Without its time range the same segment does not prove it reaches the head.
  v1::ExportTrailer open_ended = segment.trailer;
  open_ended.clear_recorded_until();
  EXPECT_FALSE(Accepted(segment.data, true, open_ended));
}

TEST_F(ExportCompletenessTest, AnActorFilterSaysItCannotBeProvenComplete) {
  RecordInterleavedTrails();
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  request.set_actor_id("piet");
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  EXPECT_FALSE(exported.trailer.provably_complete());
  EXPECT_NE(exported.trailer.completeness().find("actor"), std::string::npos);
  const auto [code, output] = RunVerifyScript(dir_, exported.data, false, exported.trailer);
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("not provably complete"), std::string::npos) << output;
  // Each row still verifies alone: an edited row is caught.
  std::string edited = exported.data;
  edited.replace(edited.find("note 1"), 6, "note 9");
  EXPECT_FALSE(Accepted(edited, false, exported.trailer));
}

TEST(VerifyExportScriptTest, TheDocumentShowsTheReferenceScriptVerbatim) {
  const auto read = [](const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const std::string doc = read(REVIEWTRAIL_AUDIT_DOC);
  const std::string script = read(REVIEWTRAIL_AUDIT_VERIFY_SCRIPT);
  ASSERT_FALSE(script.empty());
  const std::string open = "```python\n";
  const size_t begin = doc.find(open);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```\n", begin + open.size());
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(doc.substr(begin + open.size(), end - begin - open.size()), script);
  EXPECT_EQ(doc.find(open, end), std::string::npos) << "one script in the document";
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
