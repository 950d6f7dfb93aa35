#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"
#include "fake_read_services.h"
#include "google/protobuf/util/time_util.h"
#include "temp_dir.h"

namespace reviewtrail::cli {
namespace {

using test_support::CliRun;
using test_support::ReadCall;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

v1::ExportAuditLogResponse Data(const std::string& bytes) {
  v1::ExportAuditLogResponse message;
  message.set_data(bytes);
  return message;
}

v1::ExportAuditLogResponse Trailer(int64_t entries, int64_t head) {
  v1::ExportAuditLogResponse message;
  v1::ExportTrailer* trailer = message.mutable_trailer();
  trailer->set_entries_exported(entries);
  trailer->set_head_sequence(head);
  trailer->set_head_hash(std::string(64, 'a'));
  trailer->set_canonical_encoding("reviewtrail-audit-v2");
  trailer->set_how_to_verify("see docs/AUDIT.md");
  trailer->set_chain("review");
  trailer->set_chain_id("rev-1");
  trailer->set_provably_complete(true);
  trailer->set_first_sequence(3);
  trailer->set_last_sequence(head);
  trailer->set_last_hash(std::string(64, 'a'));
  trailer->set_chain_last_sequence(head);
  trailer->set_chain_last_hash(std::string(64, 'a'));
  *trailer->mutable_recorded_from() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(1767225600);
  return message;
}

// A CSV document split across messages, with a quoted newline inside a cell.
const std::string kCsvHeader = "tenant_id,sequence,summary\r\n";
const std::string kCsvRow1 = "acme,1,\"two\r\nlines\"\r\n";
const std::string kCsvRow2 = "acme,2,'=SUM(A1)\r\n";

class AuditCommandsTest : public ::testing::Test {
 protected:
  CliRun Run(const std::vector<std::string>& args) {
    return test_support::RunAgainst(server_.address(), args);
  }
  ReadCall LastCall() {
    const std::vector<ReadCall> calls = server_.log().calls();
    EXPECT_FALSE(calls.empty());
    return calls.empty() ? ReadCall{} : calls.back();
  }

  test_support::FakeReadServer server_;
  test_support::TempDir dir_;
};

TEST_F(AuditCommandsTest, ExportWritesExactlyTheStreamedBytesAndTheChainHead) {
  server_.audit().StreamOnExport({Data(kCsvHeader), Data(kCsvRow1.substr(0, 10)),
                                  Data(kCsvRow1.substr(10)), Data(kCsvRow2), Trailer(2, 57)},
                                 grpc::Status::OK);
  const std::string out = (dir_.path() / "audit.csv").string();

  const CliRun run = Run({"audit", "export", "--out", out, "--from", "2026-01-01", "--until",
                          "2026-11-23T10:00:00+01:00", "--review", "rev-1", "--action", "act-1",
                          "--actor", "per-dana", "--after", "0:17"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ReadCall call = LastCall();
  EXPECT_EQ(call.method, "ExportAuditLog");
  EXPECT_EQ(call.Header("authorization"), "Bearer token-of-dana");
  const auto request = call.RequestAs<v1::ExportAuditLogRequest>();
  EXPECT_EQ(request.format(), v1::AUDIT_EXPORT_FORMAT_CSV);   // from the extension
  EXPECT_EQ(request.recorded_from().seconds(), 1767225600);   // 2026-01-01T00:00:00Z
  EXPECT_EQ(request.recorded_until().seconds(), 1795424400);  // 2026-11-23T09:00:00Z
  EXPECT_EQ(request.review_id(), "rev-1");
  EXPECT_EQ(request.action_id(), "act-1");
  EXPECT_EQ(request.actor_id(), "per-dana");
  EXPECT_EQ(request.after().offset(), 17);

  EXPECT_EQ(ReadFile(out), kCsvHeader + kCsvRow1 + kCsvRow2);
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  const nlohmann::json head = nlohmann::json::parse(ReadFile(out + ".chain-head.json"));
  EXPECT_EQ(head["head_sequence"], 57);
  EXPECT_EQ(head["head_hash"], std::string(64, 'a'));
  EXPECT_EQ(head["entries_exported"], 2);
  EXPECT_EQ(head["canonical_encoding"], "reviewtrail-audit-v2");
  // The trailer's fields as the verification script of docs/AUDIT.md reads them.
  EXPECT_EQ(head["chain"], "review");
  EXPECT_EQ(head["chain_id"], "rev-1");
  EXPECT_EQ(head["provably_complete"], true);
  EXPECT_EQ(head["first_sequence"], 3);
  EXPECT_EQ(head["last_sequence"], 57);
  EXPECT_EQ(head["chain_last_hash"], std::string(64, 'a'));
  EXPECT_EQ(head["recorded_from"], "2026-01-01T00:00:00Z");
  EXPECT_FALSE(head.contains("recorded_until"));
  EXPECT_EQ(head["request"]["review_id"], "rev-1");
  EXPECT_EQ(head["file"]["rows"], 2);  // the quoted newline is not a row
  EXPECT_EQ(head["file"]["bytes"], (kCsvHeader + kCsvRow1 + kCsvRow2).size());
  EXPECT_EQ(head["file"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_THAT(run.out, HasSubstr("Exported 2 entries ("));
  EXPECT_THAT(run.out, HasSubstr("chain head: entry 57, hash " + std::string(64, 'a')));
  EXPECT_THAT(run.out, HasSubstr("kept in " + out + ".chain-head.json\n"));
  EXPECT_THAT(run.err, IsEmpty());  // no progress: stderr is not a terminal
}

TEST_F(AuditCommandsTest, ExportAsJsonLinesWithProgressPrintsTheChainHeadDocument) {
  server_.audit().StreamOnExport({Data("{\"sequence\":1}\n{\"sequence\":2}\n"), Trailer(2, 2)},
                                 grpc::Status::OK);
  const std::string out = (dir_.path() / "audit.log").string();

  const CliRun run =
      Run({"--json", "audit", "export", "--format", "jsonl", "--out", out, "--progress"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastCall().RequestAs<v1::ExportAuditLogRequest>().format(),
            v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["head_sequence"], 2);
  EXPECT_EQ(json["file"]["format"], "jsonl");
  EXPECT_EQ(json, nlohmann::json::parse(ReadFile(out + ".chain-head.json")));
  EXPECT_THAT(run.err, HasSubstr("exported 2 rows, 30 B"));
}

TEST_F(AuditCommandsTest, ExportWithoutTrailerOrWithAnErrorKeepsNothing) {
  const std::string out = (dir_.path() / "audit.csv").string();
  server_.audit().StreamOnExport({Data(kCsvHeader)}, grpc::Status::OK);
  CliRun run = Run({"audit", "export", "--out", out});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("without its trailer"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(out + ".chain-head.json"));

  server_.audit().StreamOnExport(
      {Data(kCsvHeader)}, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "auditors only"));
  run = Run({"audit", "export", "--out", out});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("error: PERMISSION_DENIED: auditors only"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(AuditCommandsTest, ExportRefusesToOverwriteWithoutForce) {
  const std::string out = dir_.Write("audit.csv", "an earlier export");
  server_.audit().StreamOnExport({Data(kCsvHeader), Trailer(0, 0)}, grpc::Status::OK);

  CliRun run = Run({"audit", "export", "--out", out});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("exists; give --force"));
  EXPECT_EQ(ReadFile(out), "an earlier export");

  run = Run({"audit", "export", "--out", out, "--force"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadFile(out), kCsvHeader);

  run = Run({"audit", "export", "--out", (dir_.path() / "audit.txt").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--format: give csv or jsonl"));
}

TEST_F(AuditCommandsTest, VerifyPrintsOkOrTheFirstBrokenEntryAndItsExitCode) {
  v1::VerifyAuditLogResponse intact;
  intact.set_intact(true);
  intact.set_entries_checked(57);
  intact.set_head_sequence(57);
  intact.set_head_hash(std::string(64, 'b'));
  server_.log().AnswerWith("VerifyAuditLog", intact);

  CliRun run = Run({"audit", "verify"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "OK: chain intact; 57 entries checked; head: entry 57, hash " +
                         std::string(64, 'b') + "\n");

  v1::VerifyAuditLogResponse broken = intact;
  broken.set_intact(false);
  broken.set_entries_checked(11);
  broken.mutable_first_broken()->set_sequence(12);
  broken.mutable_first_broken()->set_reason("HASH_MISMATCH");
  broken.mutable_first_broken()->set_description("entry 12 was edited");
  server_.log().AnswerWith("VerifyAuditLog", broken);

  run = Run({"audit", "verify", "--from", "10", "--to", "20", "--after", "0:5"});
  EXPECT_EQ(run.exit_code, 1);
  const auto request = LastCall().RequestAs<v1::VerifyAuditLogRequest>();
  EXPECT_EQ(request.from_sequence(), 10);
  EXPECT_EQ(request.to_sequence(), 20);
  EXPECT_EQ(request.after().offset(), 5);
  EXPECT_THAT(run.out, HasSubstr("BROKEN: entry 12: HASH_MISMATCH: entry 12 was edited; 11 "
                                 "entries checked"));

  run = Run({"--json", "audit", "verify"});
  EXPECT_EQ(run.exit_code, 1);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["intact"], false);
  EXPECT_EQ(json["first_broken"]["sequence"], "12");
  EXPECT_EQ(json["first_broken"]["reason"], "HASH_MISMATCH");
}

TEST_F(AuditCommandsTest, StateAsOfNeedsExactlyOneTargetAndAnInstant) {
  v1::GetStateAsOfResponse response;
  response.set_events_replayed(4);
  response.set_last_sequence(33);
  response.mutable_as_of()->set_seconds(1782863999);
  v1::ActionSnapshot* action = response.mutable_action();
  action->set_action_id("act-1");
  action->set_status(v1::ACTION_STATUS_OPEN);
  action->set_overdue(true);
  action->mutable_due_date()->set_year(2026);
  action->mutable_due_date()->set_month(6);
  action->mutable_due_date()->set_day(1);
  server_.log().AnswerWith("GetStateAsOf", response);

  CliRun run = Run({"audit", "state-as-of", "--action", "act-1", "--at", "2026-06-30T23:59:59Z"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::GetStateAsOfRequest>();
  EXPECT_EQ(request.action_id(), "act-1");
  EXPECT_EQ(request.as_of().seconds(), 1782863999);
  EXPECT_THAT(run.out, HasSubstr("As of 2026-06-30T23:59:59Z: 4 events replayed (last audit "
                                 "entry 33)\n"));
  EXPECT_THAT(run.out, HasSubstr("Status: open, OVERDUE"));
  EXPECT_THAT(run.out, HasSubstr("Due: 2026-06-01\n"));
  run =
      Run({"--json", "audit", "state-as-of", "--action", "act-1", "--at", "2026-06-30T23:59:59Z"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr(R"("due_date":{"day":1,"month":6,"year":2026})"));

  run = Run({"audit", "state-as-of", "--review", "rev-1", "--at", "2026-06-30T23:59:59Z"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastCall().RequestAs<v1::GetStateAsOfRequest>().review_id(), "rev-1");

  const size_t calls = server_.log().calls().size();
  EXPECT_EQ(Run({"audit", "state-as-of", "--at", "2026-06-30T23:59:59Z"}).exit_code, 2);
  EXPECT_EQ(Run({"audit", "state-as-of", "--action", "a", "--review", "r", "--at",
                 "2026-06-30T23:59:59Z"})
                .exit_code,
            2);
  run = Run({"audit", "state-as-of", "--action", "a", "--at", "2026-06-30 12:00"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--at: must be an RFC 3339 instant"));
  EXPECT_EQ(server_.log().calls().size(), calls);
}

TEST_F(AuditCommandsTest, PackWritesTheContentAndChecksItsHash) {
  v1::ExportAuditPackResponse pack;
  pack.set_media_type("text/html; charset=utf-8");
  pack.set_file_name("audit-pack-rev-1.html");
  pack.set_content("abc");
  pack.set_content_sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  pack.set_entries(12);
  server_.log().AnswerWith("ExportAuditPack", pack);
  const std::string out = (dir_.path() / "pack.html").string();

  CliRun run = Run({"audit", "pack", "--review", "rev-1", "--out", out, "--after", "0:3"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto request = LastCall().RequestAs<v1::ExportAuditPackRequest>();
  EXPECT_EQ(request.review_id(), "rev-1");
  EXPECT_EQ(request.format(), v1::AUDIT_PACK_FORMAT_HTML);
  EXPECT_EQ(request.after().offset(), 3);
  EXPECT_EQ(ReadFile(out), "abc");
  EXPECT_THAT(run.out, HasSubstr("Wrote the audit pack of review rev-1 (12 audit entries, 3 B"));

  const std::string json_out = (dir_.path() / "pack.json").string();
  run = Run({"--json", "audit", "pack", "--review", "rev-1", "--out", json_out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LastCall().RequestAs<v1::ExportAuditPackRequest>().format(),
            v1::AUDIT_PACK_FORMAT_JSON);
  const nlohmann::json json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["file"], json_out);
  EXPECT_EQ(json["entries"], 12);
  EXPECT_EQ(json["bytes"], 3);

  pack.set_content_sha256(std::string(64, '0'));
  server_.log().AnswerWith("ExportAuditPack", pack);
  const std::string damaged = (dir_.path() / "damaged.html").string();
  run = Run({"audit", "pack", "--review", "rev-1", "--out", damaged});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("arrived damaged"));
  EXPECT_FALSE(std::filesystem::exists(damaged));
}

TEST_F(AuditCommandsTest, UnreachableServerExitsThree) {
  std::string dead_address;
  {
    test_support::FakeReadServer gone;
    dead_address = gone.address();
  }
  const CliRun run = test_support::RunAgainst(dead_address, {"audit", "verify", "--timeout", "5"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace reviewtrail::cli
