#include "audit_export.h"

#include <memory>
#include <optional>

#include "reviewtrail/cli/audit_format.h"
#include "reviewtrail/cli/export_progress.h"
#include "reviewtrail/cli/output_file.h"
#include "reviewtrail/cli/run_cli.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "text.h"

namespace reviewtrail::cli {
namespace {

Result<v1::AuditExportFormat> ResolveFormat(const AuditExportFlags& flags) {
  std::string format = ToLowerAscii(flags.format);
  if (format.empty()) {
    const std::string extension =
        ToLowerAscii(std::filesystem::path(flags.out).extension().string());
    if (extension == ".csv") format = "csv";
    if (extension == ".jsonl" || extension == ".ndjson") format = "jsonl";
  }
  if (format == "csv") return v1::AUDIT_EXPORT_FORMAT_CSV;
  if (format == "jsonl" || format == "json-lines" || format == "ndjson") {
    return v1::AUDIT_EXPORT_FORMAT_JSON_LINES;
  }
  if (flags.format.empty()) {
    return Failure{"--format: give csv or jsonl (the extension of --out does not tell)"};
  }
  return Failure{"--format: '" + flags.format + "' is not an export format; use csv or jsonl"};
}

// What arrived on the stream.
struct Received {
  std::optional<v1::ExportTrailer> trailer;
  std::string local_error;  // writing the file failed, or the stream broke its contract
  ExportedFile file;
};

Received ReceiveStream(grpc::ClientContext& context,
                       grpc::ClientReaderInterface<v1::ExportAuditLogResponse>& reader,
                       OutputFile& out, bool csv, ProgressMeter& progress) {
  Received received;
  digest::Sha256 hasher;
  RowCounter rows(csv);
  v1::ExportAuditLogResponse message;
  while (reader.Read(&message)) {
    if (received.trailer.has_value()) {
      received.local_error = "the server sent more after the export's trailer";
    } else if (message.has_trailer()) {
      received.trailer = message.trailer();
      continue;
    } else if (Outcome written = out.Write(message.data()); !written.ok()) {
      received.local_error = written.error();
    }
    if (!received.local_error.empty()) {
      context.TryCancel();
      break;
    }
    hasher.Update(message.data());
    rows.Add(message.data());
    received.file.bytes += static_cast<int64_t>(message.data().size());
    progress.Update(rows.rows(), received.file.bytes);
  }
  received.file.rows = rows.rows();
  progress.Finish(received.file.rows, received.file.bytes);
  received.file.sha256 = hasher.FinishHex();
  return received;
}

}  // namespace

int RunAuditExport(const ReadSession& session, const AuditExportFlags& flags) {
  Result<v1::AuditExportFormat> format = ResolveFormat(flags);
  if (!format.ok()) return ReportUsageError(format.error(), session);
  v1::ExportAuditLogRequest request = flags.request;
  request.set_format(*format);
  const bool csv = *format == v1::AUDIT_EXPORT_FORMAT_CSV;
  const std::string chain_head_path = flags.out + ".chain-head.json";
  std::error_code ignored;
  if (!flags.force && std::filesystem::exists(chain_head_path, ignored)) {
    return ReportUsageError("'" + chain_head_path + "' exists; give --force to overwrite it",
                            session);
  }
  Result<std::unique_ptr<OutputFile>> out = OutputFile::Create(flags.out, flags.force);
  if (!out.ok()) return ReportUsageError(out.error(), session);

  std::unique_ptr<v1::AuditService::StubInterface> stub =
      v1::AuditService::NewStub(session.channel);
  grpc::ClientContext context;
  // No deadline: an export runs as long as the stream flows, whatever the size of the log.
  PrepareClientContext(session.options, context, /*with_deadline=*/false);
  std::unique_ptr<grpc::ClientReaderInterface<v1::ExportAuditLogResponse>> reader =
      stub->ExportAuditLog(&context, request);
  ProgressMeter progress(session.err, flags.progress.value_or(session.err_is_terminal),
                         session.err_is_terminal);
  Received received = ReceiveStream(context, *reader, **out, csv, progress);
  const grpc::Status status = reader->Finish();
  if (!received.local_error.empty()) {
    return ReportUsageError(received.local_error + "; nothing was kept", session);
  }
  if (!status.ok()) return ReportRpcError(status, session);
  if (!received.trailer.has_value()) {
    session.err << "error: the export ended without its trailer, so it may be incomplete; "
                   "nothing was kept\n";
    return kExitRefused;
  }
  if (Outcome committed = (*out)->Commit(); !committed.ok()) {
    return ReportUsageError(committed.error(), session);
  }
  received.file.path = flags.out;
  received.file.format = csv ? "csv" : "jsonl";
  const nlohmann::json chain_head = ChainHeadJson(*received.trailer, request, received.file);
  if (Outcome written = WriteWholeFile(chain_head_path, chain_head.dump(2) + "\n", flags.force);
      !written.ok()) {
    return ReportUsageError(written.error(), session);
  }
  if (received.file.rows != received.trailer->entries_exported()) {
    session.err << "warning: the file holds " << received.file.rows
                << " rows but the trailer counts " << received.trailer->entries_exported()
                << " entries\n";
  }
  if (session.options.json) {
    session.out << chain_head.dump() << "\n";
  } else {
    session.out << FormatExportSummary(*received.trailer, received.file, chain_head_path);
  }
  return kExitOk;
}

}  // namespace reviewtrail::cli
