#include <filesystem>
#include <memory>
#include <string>

#include "audit_export.h"
#include "reviewtrail/cli/audit_format.h"
#include "reviewtrail/cli/export_progress.h"
#include "reviewtrail/cli/output_file.h"
#include "reviewtrail/cli/proto_json.h"
#include "reviewtrail/cli/read_registry.h"
#include "reviewtrail/cli/request_builders.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/cli/value_parsers.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

using AuditStub = v1::AuditService::StubInterface;

constexpr char kAfterNames[] = "--after,--min-position";

void AddForceFlag(CLI::App& app, bool* force) {
  app.add_flag("--force", *force, "Overwrite the output files if they exist.");
}

void AddExport(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<AuditExportFlags>();
  v1::ExportAuditLogRequest* request = &flags->request;
  CLI::App* app = registry.Add(
      area, "export",
      "Download the tenant's hash-chained audit log, in chain order, as CSV (RFC 4180) or JSON "
      "Lines, streamed straight to --out; then keep the trailer with the chain head as "
      "<FILE>.chain-head.json beside it (docs/AUDIT.md: how to re-verify the file without "
      "ReviewTrail). No deadline: runs as long as the stream flows; an interrupted export keeps "
      "nothing. Needs the auditor or ISMS manager role.",
      [flags](const ReadSession& session) { return RunAuditExport(session, *flags); });
  app->add_option("--out,-o", flags->out,
                  "The file to write; its extension (.csv, .jsonl) sets the default format.")
      ->type_name("FILE")
      ->required();
  app->add_option("--format", flags->format, "csv or jsonl (default: from the extension of --out).")
      ->type_name("csv|jsonl");
  AddParsedFlag(
      *app, "--from", ParseRfc3339OrDay,
      [request](const google::protobuf::Timestamp& from) {
        *request->mutable_recorded_from() = from;
      },
      "Only entries recorded at or after this instant (RFC 3339, e.g. 2026-01-01T00:00:00Z, or a "
      "day YYYY-MM-DD for its start in UTC).")
      ->type_name("TIME");
  AddParsedFlag(
      *app, "--until", ParseRfc3339OrDay,
      [request](const google::protobuf::Timestamp& until) {
        *request->mutable_recorded_until() = until;
      },
      "Only entries recorded before this instant (exclusive; RFC 3339 or YYYY-MM-DD).")
      ->type_name("TIME");
  app->add_option("--review", *request->mutable_review_id(), "Only entries of this review.")
      ->type_name("REVIEW_ID");
  app->add_option("--action", *request->mutable_action_id(), "Only entries of this action.")
      ->type_name("ACTION_ID");
  app->add_option("--actor", *request->mutable_actor_id(), "Only entries by this person.")
      ->type_name("PERSON_ID");
  app->add_flag_function(
      "--progress,!--no-progress", [flags](int64_t count) { flags->progress = count > 0; },
      "Show rows and bytes on stderr while downloading (default: when stderr is a terminal).");
  AddForceFlag(*app, &flags->force);
  AddLogPositionFlag(*app, kAfterNames, [request] { return request->mutable_after(); });
}

void AddVerify(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::VerifyAuditLogRequest>();
  CLI::App* app = registry.Add(
      area, "verify",
      "Have the server recompute the hash chain (whole, or --from..--to) and check every stored "
      "event against its entry. Prints OK, or the first broken entry and why, and then exits 1.",
      [request](const ReadSession& session) -> int {
        std::unique_ptr<AuditStub> stub = v1::AuditService::NewStub(session.channel);
        grpc::ClientContext context;
        PrepareClientContext(session.options, context);
        v1::VerifyAuditLogResponse response;
        const grpc::Status status = stub->VerifyAuditLog(&context, *request, &response);
        if (!status.ok()) return ReportRpcError(status, session);
        if (session.options.json) {
          session.out << MessageToJson(response).dump() << "\n";
        } else {
          session.out << FormatVerifyResult(response);
        }
        return response.intact() ? kExitOk : kExitRefused;
      });
  app->add_option_function<int64_t>(
         "--from", [request](int64_t from) { request->set_from_sequence(from); },
         "The first entry to check (sequence number; default: the first).")
      ->type_name("SEQUENCE")
      ->check(CLI::NonNegativeNumber.description(""));
  app->add_option_function<int64_t>(
         "--to", [request](int64_t to) { request->set_to_sequence(to); },
         "The last entry to check (default: the chain head).")
      ->type_name("SEQUENCE")
      ->check(CLI::NonNegativeNumber.description(""));
  AddLogPositionFlag(*app, kAfterNames, [request] { return request->mutable_after(); });
}

void AddStateAsOf(CLI::App& area, ReadRegistry& registry) {
  auto request = std::make_shared<v1::GetStateAsOfRequest>();
  CLI::App* app = registry.Add(
      area, "state-as-of",
      "The state of an action, or of a review with its actions, at a past instant, replayed from "
      "the events recorded up to then: \"what was open on the day of the last audit?\".",
      [request](const ReadSession& session) -> int {
        std::unique_ptr<AuditStub> stub = v1::AuditService::NewStub(session.channel);
        grpc::ClientContext context;
        PrepareClientContext(session.options, context);
        v1::GetStateAsOfResponse response;
        const grpc::Status status = stub->GetStateAsOf(&context, *request, &response);
        if (!status.ok()) return ReportRpcError(status, session);
        if (session.options.json) {
          session.out << MessageToJson(response).dump() << "\n";
        } else {
          session.out << FormatStateAsOf(response);
        }
        return kExitOk;
      });
  CLI::App* target = app->add_option_group("target", "What to replay (exactly one):");
  target
      ->add_option_function<std::string>(
          "--action", [request](const std::string& id) { request->set_action_id(id); },
          "An action (act-...).")
      ->type_name("ACTION_ID");
  target
      ->add_option_function<std::string>(
          "--review", [request](const std::string& id) { request->set_review_id(id); },
          "A review (rev-...), with its actions.")
      ->type_name("REVIEW_ID");
  target->require_option(1);
  AddParsedFlag(
      *app, "--at,--as-of", ParseRfc3339,
      [request](const google::protobuf::Timestamp& at) { *request->mutable_as_of() = at; },
      "The instant (RFC 3339, e.g. 2026-06-30T23:59:59Z); events recorded at or before it count.")
      ->type_name("TIME")
      ->required();
  AddLogPositionFlag(*app, kAfterNames, [request] { return request->mutable_after(); });
}

struct PackFlags {
  v1::ExportAuditPackRequest request;
  std::string format;
  std::string out;
  bool force = false;
};

Result<v1::AuditPackFormat> ResolvePackFormat(const PackFlags& flags) {
  std::string format = ToLowerAscii(flags.format);
  if (format.empty()) {
    const std::string extension =
        ToLowerAscii(std::filesystem::path(flags.out).extension().string());
    format = extension == ".json" ? "json" : "html";
  }
  if (format == "json") return v1::AUDIT_PACK_FORMAT_JSON;
  if (format == "html") return v1::AUDIT_PACK_FORMAT_HTML;
  return Failure{"--format: '" + flags.format + "' is not an audit pack format; use json or html"};
}

int RunPack(const ReadSession& session, const PackFlags& flags) {
  Result<v1::AuditPackFormat> format = ResolvePackFormat(flags);
  if (!format.ok()) return ReportUsageError(format.error(), session);
  std::error_code ignored;
  if (!flags.out.empty() && !flags.force && std::filesystem::exists(flags.out, ignored)) {
    return ReportUsageError("'" + flags.out + "' exists; give --force to overwrite it", session);
  }
  v1::ExportAuditPackRequest request = flags.request;
  request.set_format(*format);
  std::unique_ptr<AuditStub> stub = v1::AuditService::NewStub(session.channel);
  grpc::ClientContext context;
  PrepareClientContext(session.options, context);
  v1::ExportAuditPackResponse response;
  const grpc::Status status = stub->ExportAuditPack(&context, request, &response);
  if (!status.ok()) return ReportRpcError(status, session);

  const std::string sha256 = digest::Sha256Hex(response.content());
  if (!response.content_sha256().empty() && ToLowerAscii(response.content_sha256()) != sha256) {
    session.err << "error: the audit pack arrived damaged: its SHA-256 is " << sha256
                << ", the server says " << response.content_sha256() << "; nothing was kept\n";
    return kExitRefused;
  }
  std::string path = flags.out;
  if (path.empty()) {
    // The server's suggestion, without any directory part.
    path = std::filesystem::path(response.file_name()).filename().string();
    if (path.empty())
      path = "audit-pack-" + request.review_id() +
             (*format == v1::AUDIT_PACK_FORMAT_JSON ? ".json" : ".html");
  }
  if (Outcome written = WriteWholeFile(path, response.content(), flags.force); !written.ok()) {
    return ReportUsageError(written.error(), session);
  }
  const int64_t bytes = static_cast<int64_t>(response.content().size());
  if (session.options.json) {
    session.out << nlohmann::json{{"review_id", request.review_id()},
                                  {"file", path},
                                  {"media_type", response.media_type()},
                                  {"bytes", bytes},
                                  {"sha256", sha256},
                                  {"entries", response.entries()}}
                       .dump()
                << "\n";
  } else {
    session.out << "Wrote the audit pack of review " << request.review_id() << " ("
                << response.entries() << " audit entries, " << FormatBytes(bytes) << ", sha256 "
                << sha256 << ") to " << path << "\n";
  }
  return kExitOk;
}

void AddPack(CLI::App& area, ReadRegistry& registry) {
  auto flags = std::make_shared<PackFlags>();
  CLI::App* app = registry.Add(
      area, "pack",
      "The full trail of one review for an auditor: review -> decisions -> actions -> evidence "
      "(SHA-256s) -> approvals, reminders and escalations, and every audit entry with its hash; "
      "as JSON or as a printable self-contained HTML page.",
      [flags](const ReadSession& session) { return RunPack(session, *flags); });
  app->add_option("--review", *flags->request.mutable_review_id(), "The review (rev-...).")
      ->type_name("REVIEW_ID")
      ->required();
  app->add_option("--format", flags->format,
                  "json or html (default: from the extension of --out, else html).")
      ->type_name("json|html");
  app->add_option("--out,-o", flags->out,
                  "The file to write (default: the server's suggested name, e.g. "
                  "audit-pack-rev-1.html, in the current directory).")
      ->type_name("FILE");
  AddForceFlag(*app, &flags->force);
  AddLogPositionFlag(*app, kAfterNames, [flags] { return flags->request.mutable_after(); });
}

}  // namespace

void AddAuditCommands(CLI::App& app, ReadRegistry& registry) {
  CLI::App* area = app.add_subcommand(
      "audit",
      "The immutable, hash-chained audit log (AuditService): export it with its chain head, "
      "verify the chain, replay a record as of an instant, and the audit pack of a review. Needs "
      "the auditor or ISMS manager role. --after P:O reads your own writes.");
  area->require_subcommand(1);
  AddExport(*area, registry);
  AddVerify(*area, registry);
  AddStateAsOf(*area, registry);
  AddPack(*area, registry);
}

}  // namespace reviewtrail::cli
