#pragma once

#include <optional>
#include <string>

#include "reviewtrail/cli/read_registry.h"
#include "reviewtrail/v1/audit_service.pb.h"

namespace reviewtrail::cli {

// The flags of `audit export`.
struct AuditExportFlags {
  v1::ExportAuditLogRequest request;  // filters and `after`; format from `format`
  std::string format;                 // csv | jsonl; empty: from the extension of `out`
  std::string out;
  std::optional<bool> progress;  // --progress / --no-progress; unset: when stderr is a terminal
  bool force = false;
};

// Streams the export into `out` (through "<out>.partial"), counting rows and bytes and hashing as
// the data messages arrive, then writes the trailer to "<out>.chain-head.json" and prints a
// summary (JSON: the chain-head document). Returns the exit code.
int RunAuditExport(const ReadSession& session, const AuditExportFlags& flags);

}  // namespace reviewtrail::cli
