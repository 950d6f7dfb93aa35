#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::cli {

// What `audit export` knows about the file it wrote.
struct ExportedFile {
  std::string path;
  std::string format;  // "csv" or "jsonl"
  int64_t bytes = 0;
  int64_t rows = 0;  // records counted in the bytes
  std::string sha256;
};

// The document kept beside an export as <FILE>.chain-head.json: every field of the trailer under
// its proto name (numbers as JSON numbers; recorded_from / recorded_until only when set), which is
// what the verification script of docs/AUDIT.md reads, then the request's filters and the file's
// name, format, size and SHA-256.
nlohmann::json ChainHeadJson(const v1::ExportTrailer& trailer,
                             const v1::ExportAuditLogRequest& request, const ExportedFile& file);

// "Exported 3 entries (1.2 KiB, sha256 ...) to audit.csv; chain head: entry 57, hash ...; kept in
// audit.csv.chain-head.json", and the trailer's reason when the rows are not provably complete
std::string FormatExportSummary(const v1::ExportTrailer& trailer, const ExportedFile& file,
                                const std::string& chain_head_path);

// "OK: chain intact; 57 entries checked; head: entry 57, hash ..." or
// "BROKEN: entry 12: HASH_MISMATCH: ..." and the counts.
std::string FormatVerifyResult(const v1::VerifyAuditLogResponse& response);

// The replayed action, or the review with its decisions and its actions, as of the instant.
std::string FormatStateAsOf(const v1::GetStateAsOfResponse& response);

}  // namespace reviewtrail::cli
