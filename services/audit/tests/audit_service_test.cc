#include <google/protobuf/descriptor.h>
#include <grpcpp/impl/codegen/client_unary_call.h>

#include <nlohmann/json.hpp>

#include "audit_fixture.h"
#include "invalid_utf8.h"

namespace reviewtrail::audit_service::testing {
namespace {

using google::protobuf::util::TimeUtil;

const std::string kEvidenceSha(64, 'c');

// Summaries chosen to break naive CSV and spreadsheets.
const std::vector<std::string> kNastyNotes = {"=HYPERLINK(\"http://evil\",\"click\")",
                                              "+1 from Zoë, naïve “quotes”",
                                              "-2, with comma",
                                              "@SUM(A1:A9)",
                                              "line one\nline two\r\nline three",
                                              "'already quoted",
                                              "tab\there",
                                              "日本語のメモ"};

class AuditExportTest : public AuditServiceTest {
 protected:
  void RecordATrail() {
    Append({acme_.Review("rev-1", "Q4 \"management\" review, 2026"),
            acme_.Decision("rev-1", "dec-1", "=train everyone"),
            acme_.Assign("rev-1", "dec-1", "act-1", "Security training", "olga", 15),
            acme_.Assign("rev-1", "dec-1", "act-2", "Access review", "piet", 1)});
    for (size_t i = 0; i < kNastyNotes.size(); ++i) {
      Append({acme_.Progress("act-1", "olga", kNastyNotes[i], static_cast<int>(10 * i))});
    }
    Append({acme_.Evidence("act-1", "ev-1", kEvidenceSha), acme_.RequestClosure("act-1", "ev-1"),
            acme_.Approve("act-1"), acme_.Remind("act-2")});
  }
};

TEST_F(AuditExportTest, CsvAndJsonLinesExportsVerifyWithAnIndependentScript) {
  RecordATrail();
  for (const auto format : {v1::AUDIT_EXPORT_FORMAT_CSV, v1::AUDIT_EXPORT_FORMAT_JSON_LINES}) {
    v1::ExportAuditLogRequest request;
    request.set_format(format);
    const Export exported = ExportLog(request, Auditor());
    ASSERT_TRUE(exported.status.ok()) << exported.status.error_message();
    EXPECT_EQ(exported.trailer.entries_exported(), 16);
    EXPECT_EQ(exported.trailer.head_sequence(), 16);
    EXPECT_EQ(exported.trailer.canonical_encoding(), "reviewtrail-audit-v2");
    EXPECT_EQ(exported.trailer.chain(), "tenant");
    EXPECT_TRUE(exported.trailer.provably_complete());
    EXPECT_EQ(exported.trailer.first_sequence(), 1);
    EXPECT_EQ(exported.trailer.first_prev_hash(), std::string(64, '0'));
    EXPECT_EQ(exported.trailer.last_sequence(), 16);
    EXPECT_EQ(exported.trailer.last_hash(), exported.trailer.head_hash());
    const auto [code, output] =
        RunVerifyScript(dir_, exported.data, format == v1::AUDIT_EXPORT_FORMAT_CSV,
                        exported.trailer, "--summaries");
    ASSERT_EQ(code, 0) << output;
    ASSERT_EQ(output.rfind("OK 16 entries\n", 0), 0u) << output;
    // The summaries came back through Python's csv/json readers exactly as recorded.
    const auto summaries = nlohmann::json::parse(output.substr(output.find('\n') + 1));
    for (size_t i = 0; i < kNastyNotes.size(); ++i) {
      const std::string summary = summaries[4 + i];
      EXPECT_EQ(summary, "reported progress on action act-1: " + std::to_string(10 * i) + "% \"" +
                             kNastyNotes[i] + "\"")
          << summary;
    }
    EXPECT_EQ(summaries[1],
              "recorded decision dec-1 of review rev-1 (improvement opportunity): "
              "\"=train everyone\"");
  }
}

TEST_F(AuditExportTest, TheScriptRejectsAnExportEditedAfterTheFact) {
  RecordATrail();
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  const size_t at = exported.data.find("piet");
  ASSERT_NE(at, std::string::npos);
  exported.data.replace(at, 4, "paul");
  const auto [code, output] = RunVerifyScript(dir_, exported.data, /*csv=*/true, exported.trailer);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(output.rfind("BROKEN entry 4: hash", 0), 0u) << output;
}

TEST_F(AuditExportTest, CsvCellsAreNeutralisedAndQuotedForSpreadsheets) {
  RecordATrail();
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  request.set_action_id("act-1");
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  EXPECT_EQ(exported.data.rfind("canonical_encoding,tenant_id,sequence,", 0), 0u);
  EXPECT_NE(exported.data.find("\r\n"), std::string::npos);
  // No cell starts with a formula character: after a separator comes either a quote or text
  // that is not one of = + - @.
  for (size_t i = 0; i + 1 < exported.data.size(); ++i) {
    if (exported.data[i] == ',' || exported.data[i] == '\n') {
      const char next = exported.data[i + 1];
      EXPECT_TRUE(next != '=' && next != '+' && next != '@' && next != '-')
          << exported.data.substr(i, 40);
    }
  }
  EXPECT_NE(exported.data.find("\"reported progress on action act-1: 40% \"\"line one\nline two"),
            std::string::npos);
}

TEST_F(AuditExportTest, FiltersSelectByActionActorReviewAndTime) {
  RecordATrail();
  const auto rows = [&](v1::ExportAuditLogRequest request) {
    request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
    const Export exported = ExportLog(request, Auditor());
    EXPECT_TRUE(exported.status.ok()) << exported.status.error_message();
    std::vector<nlohmann::json> out;
    std::istringstream lines(exported.data);
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  };
  v1::ExportAuditLogRequest by_action;
  by_action.set_action_id("act-2");
  const auto act2 = rows(by_action);
  ASSERT_EQ(act2.size(), 2u);
  EXPECT_EQ(act2[0]["event_type"], "ActionAssigned");
  EXPECT_EQ(act2[1]["event_type"], "ReminderSent");
  EXPECT_EQ(act2[1]["review_id"], "rev-1");  // learnt from the assignment

  v1::ExportAuditLogRequest by_actor;
  by_actor.set_actor_id("notifier");
  EXPECT_EQ(rows(by_actor).size(), 1u);

  v1::ExportAuditLogRequest by_review;
  by_review.set_review_id("rev-1");
  EXPECT_EQ(rows(by_review).size(), 16u);

  // Events are one minute apart from 09:01; [09:03, 09:05) holds the 3rd and 4th.
  v1::ExportAuditLogRequest by_time;
  *by_time.mutable_recorded_from() =
      TimeUtil::MicrosecondsToTimestamp(1'795'424'400'000'000 + 3 * 60'000'000);
  *by_time.mutable_recorded_until() =
      TimeUtil::MicrosecondsToTimestamp(1'795'424'400'000'000 + 5 * 60'000'000);
  const auto window = rows(by_time);
  ASSERT_EQ(window.size(), 2u);
  EXPECT_EQ(window[0]["sequence"], 3);
  EXPECT_EQ(window[1]["sequence"], 4);
}

TEST_F(AuditExportTest, ClosureEntriesCarryTheEvidenceHashes) {
  RecordATrail();
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  request.set_action_id("act-1");
  const Export exported = ExportLog(request, Auditor());
  std::istringstream lines(exported.data);
  std::map<std::string, nlohmann::json> by_type;
  for (std::string line; std::getline(lines, line);) {
    const auto json = nlohmann::json::parse(line);
    by_type[json["event_type"]] = json;
  }
  for (const char* type : {"EvidenceAttached", "ClosureRequested", "ClosureApproved"}) {
    EXPECT_EQ(by_type[type]["evidence_sha256"], nlohmann::json::array({kEvidenceSha})) << type;
  }
}

TEST_F(AuditExportTest, ALargeExportStreamsInManyBoundedMessages) {
  StopService();
  StartService(/*chunk_bytes=*/4096);
  std::vector<v1::EventEnvelope> events;
  events.push_back(acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15));
  for (int i = 0; i < 600; ++i) events.push_back(acme_.Progress("act-1", "olga", "step", i % 100));
  Append(events);
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_CSV);
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok());
  EXPECT_EQ(exported.trailer.entries_exported(), 601);
  EXPECT_GT(exported.messages, 601 * 300 / 4096);  // ~4 KiB per message, not one big one
}

TEST_F(AuditExportTest, AnExportIsTheSameWhateverItsChunkSizeAndThreads) {
  RecordATrail();
  std::vector<v1::EventEnvelope> events;
  for (int i = 0; i < 300; ++i) {
    events.push_back(acme_.Progress("act-1", "olga", kNastyNotes[i % kNastyNotes.size()], i % 100));
  }
  Append(events);
  for (const auto format : {v1::AUDIT_EXPORT_FORMAT_CSV, v1::AUDIT_EXPORT_FORMAT_JSON_LINES}) {
    v1::ExportAuditLogRequest request;
    request.set_format(format);
    StopService();
    StartService(/*chunk_bytes=*/64 * 1024, /*request_threads=*/1);
    const Export reference = ExportLog(request, Auditor());
    ASSERT_TRUE(reference.status.ok());
    for (const auto& [chunk_bytes, threads] : std::vector<std::pair<size_t, size_t>>{
             {1, 3}, {700, 2}, {700, 3}, {4096, 2}, {256 * 1024, 2}}) {
      SCOPED_TRACE(::testing::Message() << chunk_bytes << " bytes, " << threads << " threads");
      StopService();
      StartService(chunk_bytes, threads);
      const Export exported = ExportLog(request, Auditor());
      ASSERT_TRUE(exported.status.ok());
      EXPECT_EQ(exported.data, reference.data);
      EXPECT_EQ(exported.trailer.entries_exported(), reference.trailer.entries_exported());
      EXPECT_EQ(exported.trailer.head_hash(), reference.trailer.head_hash());
    }
  }
}

TEST_F(AuditExportTest, AClientThatLeavesMidExportEndsItAndTheServiceServesOn) {
  StopService();
  StartService(/*chunk_bytes=*/1024);
  std::vector<v1::EventEnvelope> events;
  events.push_back(acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15));
  for (int i = 0; i < 600; ++i) events.push_back(acme_.Progress("act-1", "olga", "step", i % 100));
  Append(events);
  v1::ExportAuditLogRequest request;
  request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  for (int round = 0; round < 3; ++round) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Auditor());
    auto reader = stub_->ExportAuditLog(&context, request);
    v1::ExportAuditLogResponse message;
    ASSERT_TRUE(reader->Read(&message));
    ASSERT_TRUE(reader->Read(&message));
    context.TryCancel();
    while (reader->Read(&message)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  const Export exported = ExportLog(request, Auditor());
  ASSERT_TRUE(exported.status.ok()) << exported.status.error_message();
  EXPECT_EQ(exported.trailer.entries_exported(), 601);
}

TEST_F(AuditServiceTest, OnlyAuditorsAndIsmsManagersOfTheTenantMayReadIt) {
  Append({acme_.Review("rev-1", "Q4 review")});
  v1::VerifyAuditLogRequest request;
  v1::VerifyAuditLogResponse response;
  EXPECT_EQ(Call(&v1::AuditService::Stub::VerifyAuditLog, request, &response,
                 Token("olga", {v1::ROLE_ACTION_OWNER}))
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(&v1::AuditService::Stub::VerifyAuditLog, request, &response, "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Call(&v1::AuditService::Stub::VerifyAuditLog, request, &response,
                   Token("ivan", {v1::ROLE_ISMS_MANAGER}))
                  .ok());
  EXPECT_EQ(response.head_sequence(), 1);
  // Another tenant's auditor sees its own (empty) log, never acme's.
  ASSERT_TRUE(Call(&v1::AuditService::Stub::VerifyAuditLog, request, &response,
                   Token("eve", {v1::ROLE_AUDITOR}, "globex"))
                  .ok());
  EXPECT_EQ(response.head_sequence(), 0);
  v1::ExportAuditLogRequest export_request;
  export_request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  const Export other = ExportLog(export_request, Token("eve", {v1::ROLE_AUDITOR}, "globex"));
  ASSERT_TRUE(other.status.ok());
  EXPECT_EQ(other.data, "");
  EXPECT_EQ(other.trailer.entries_exported(), 0);
  const Export owner = ExportLog(export_request, Token("olga", {v1::ROLE_ACTION_OWNER}));
  EXPECT_EQ(owner.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuditServiceTest, BadRequestsNameEachFieldAndRule) {
  v1::ExportAuditLogRequest request;
  *request.mutable_recorded_from() = TimeUtil::SecondsToTimestamp(2000);
  *request.mutable_recorded_until() = TimeUtil::SecondsToTimestamp(1000);
  request.mutable_after()->set_partition(9);
  const Export refused = ExportLog(request, Auditor());
  ASSERT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto bad = BadRequestOf(refused.status);
  ASSERT_EQ(bad.field_violations_size(), 3);
  EXPECT_EQ(bad.field_violations(0).field(), "format");
  EXPECT_EQ(bad.field_violations(1).field(), "recorded_until");
  EXPECT_EQ(bad.field_violations(1).description(), "must be after recorded_from");
  EXPECT_EQ(bad.field_violations(2).field(), "after.partition");

  v1::GetStateAsOfRequest state;
  v1::GetStateAsOfResponse state_response;
  const grpc::Status status =
      Call(&v1::AuditService::Stub::GetStateAsOf, state, &state_response, Auditor());
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto state_bad = BadRequestOf(status);
  ASSERT_EQ(state_bad.field_violations_size(), 2);
  EXPECT_EQ(state_bad.field_violations(0).field(), "target");
  EXPECT_EQ(state_bad.field_violations(1).field(), "as_of");
}

TEST_F(AuditServiceTest, InvalidUtf8InAnyStringFieldOfAUnaryCallIsInvalidArgumentNamingIt) {
  // ExportAuditLog (server streaming) keeps gRPC's own handler: the sweep covers unary calls.
  const int checked = ::reviewtrail::testing::CallWithInvalidUtf8InEachStringField(
      *channel_, v1::AuditService::service_full_name(), Auditor(),
      [](const google::protobuf::FieldDescriptor& field, const grpc::Status& status) {
        ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
            << status.error_message();
        const auto bad = BadRequestOf(status);
        ASSERT_EQ(bad.field_violations_size(), 1);
        EXPECT_EQ(bad.field_violations(0).field(), field.name());
      });
  EXPECT_GE(checked, 2);  // GetStateAsOf's ids, ExportAuditPack's review
}

TEST_F(AuditServiceTest, StateAsOfReplaysAnActionUpToTheInstant) {
  Append({acme_.Review("rev-1", "Q4 review"), acme_.Decision("rev-1", "dec-1", "Train"),
          acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15),
          acme_.Assign("rev-1", "dec-1", "act-2", "Access review", "piet", 1)});
  const auto after_assignment = clock_.Now();
  Append({acme_.Progress("act-1", "olga", "half way", 50)});
  const auto after_progress = clock_.Now();
  Append({acme_.Evidence("act-1", "ev-1", kEvidenceSha), acme_.RequestClosure("act-1", "ev-1"),
          acme_.Approve("act-1")});
  const auto at = [](std::chrono::system_clock::time_point time) {
    return TimeUtil::MicrosecondsToTimestamp(
        std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count() +
        1000);
  };
  v1::GetStateAsOfRequest request;
  request.set_action_id("act-1");
  *request.mutable_as_of() = at(after_progress);
  v1::GetStateAsOfResponse response;
  ASSERT_TRUE(Call(&v1::AuditService::Stub::GetStateAsOf, request, &response, Auditor()).ok());
  EXPECT_EQ(response.action().status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(response.action().percent_complete(), 50);
  EXPECT_EQ(response.action().evidence_size(), 0);
  EXPECT_EQ(response.events_replayed(), 2);
  EXPECT_EQ(response.last_sequence(), 5);

  *request.mutable_as_of() = at(clock_.Now());
  ASSERT_TRUE(Call(&v1::AuditService::Stub::GetStateAsOf, request, &response, Auditor()).ok());
  EXPECT_EQ(response.action().status(), v1::ACTION_STATUS_CLOSED);
  EXPECT_EQ(response.action().approver_id(), "ivan");
  ASSERT_EQ(response.action().evidence_size(), 1);
  EXPECT_EQ(response.action().evidence(0).sha256(), kEvidenceSha);

  // "What was open on the day of the last audit?" — the review as of then, with its actions.
  v1::GetStateAsOfRequest review;
  review.set_review_id("rev-1");
  *review.mutable_as_of() = at(after_assignment);
  ASSERT_TRUE(Call(&v1::AuditService::Stub::GetStateAsOf, review, &response, Auditor()).ok());
  ASSERT_EQ(response.review().actions_size(), 2);
  EXPECT_EQ(response.review().decisions_size(), 1);
  EXPECT_EQ(response.review().actions(0).status(), v1::ACTION_STATUS_OPEN);
  EXPECT_EQ(response.review().actions(1).status(), v1::ACTION_STATUS_OPEN);

  // Three weeks later act-2 (due 2026-12-01) is overdue as of that day.
  *review.mutable_as_of() = at(clock_.Now() + std::chrono::days(21));
  ASSERT_TRUE(Call(&v1::AuditService::Stub::GetStateAsOf, review, &response, Auditor()).ok());
  EXPECT_EQ(response.review().actions(0).status(), v1::ACTION_STATUS_CLOSED);
  EXPECT_FALSE(response.review().actions(0).overdue());
  EXPECT_TRUE(response.review().actions(1).overdue());
  // Dates as everywhere else in the API: google.type.Date.
  EXPECT_EQ(response.review().held_on().year(), 2026);
  EXPECT_EQ(response.review().held_on().month(), 11);
  EXPECT_EQ(response.review().held_on().day(), 20);
  EXPECT_EQ(response.review().actions(1).due_date().year(), 2026);
  EXPECT_EQ(response.review().actions(1).due_date().month(), 12);
  EXPECT_EQ(response.review().actions(1).due_date().day(), 1);

  request.set_action_id("act-1");
  *request.mutable_as_of() = TimeUtil::SecondsToTimestamp(1000);
  EXPECT_EQ(Call(&v1::AuditService::Stub::GetStateAsOf, request, &response, Auditor()).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuditServiceTest, AuditPackHoldsTheWholeTrailAsJsonAndPrintableHtml) {
  Append({acme_.Review("rev-1", "Q4 <b>review</b>"), acme_.Decision("rev-1", "dec-1", "Train"),
          acme_.Assign("rev-1", "dec-1", "act-1", "Training", "olga", 15),
          acme_.Evidence("act-1", "ev-1", kEvidenceSha), acme_.RequestClosure("act-1", "ev-1"),
          acme_.Approve("act-1"), acme_.Remind("act-1")});
  v1::ExportAuditPackRequest request;
  request.set_review_id("rev-1");
  request.set_format(v1::AUDIT_PACK_FORMAT_JSON);
  v1::ExportAuditPackResponse response;
  ASSERT_TRUE(Call(&v1::AuditService::Stub::ExportAuditPack, request, &response, Auditor()).ok());
  EXPECT_EQ(response.media_type(), "application/json");
  EXPECT_EQ(response.entries(), 7);
  const auto pack = nlohmann::json::parse(response.content());
  const auto& action = pack["review"]["decisions"][0]["actions"][0];
  EXPECT_EQ(action["status"], "CLOSED");
  EXPECT_EQ(action["evidence"][0]["sha256"], kEvidenceSha);
  EXPECT_EQ(action["approvals"][0]["actor_id"], "ivan");
  EXPECT_EQ(action["reminders"].size(), 1u);
  EXPECT_EQ(pack["chain_head"]["sequence"], 7);

  request.set_format(v1::AUDIT_PACK_FORMAT_HTML);
  ASSERT_TRUE(Call(&v1::AuditService::Stub::ExportAuditPack, request, &response, Auditor()).ok());
  EXPECT_EQ(response.file_name(), "audit-pack-rev-1.html");
  EXPECT_NE(response.content().find("Q4 &lt;b&gt;review&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(response.content().find(kEvidenceSha), std::string::npos);
  EXPECT_EQ(response.content().find("<script"), std::string::npos);

  request.set_review_id("rev-404");
  EXPECT_EQ(
      Call(&v1::AuditService::Stub::ExportAuditPack, request, &response, Auditor()).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace reviewtrail::audit_service::testing
