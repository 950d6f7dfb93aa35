#pragma once

#include <string>
#include <string_view>

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/stored_view.h"

namespace reviewtrail::audit {

// CSV (RFC 4180): CRLF line ends; a cell holding ',', '"', CR or LF is quoted with '"' doubled.
// Spreadsheet-safe: a cell starting with '=', '+', '-', '@', TAB, CR or '\'' gets a leading '\''
// (so a formula is shown as text); a reader recovers the value by dropping one leading '\''.
// Columns: canonical_encoding (the row's version tag), CanonicalFieldNames() (a v1 row leaves the
// v2-only cells empty), then prev_hash, hash.
[[nodiscard]] std::string CsvHeader();
void AppendCsvRow(const Entry& entry, std::string& out);
// The same row straight from a stored entry; requires view.canonical (otherwise decode it and use
// the Entry form, which writes the canonical text).
void AppendCsvRow(const StoredView& view, std::string& out);
// One cell, neutralised and quoted as above.
void AppendCsvCell(std::string_view value, std::string& out);

// JSON Lines: one object per entry and line, keys as the CSV columns (a v1 row has no v2-only
// keys); sequence, log_partition, log_offset, aggregate_version, review_prev_sequence and
// action_prev_sequence are numbers, actor_roles and evidence_sha256 arrays of strings,
// everything else strings. UTF-8 is written as is; '"', '\\' and control characters are escaped.
void AppendJsonLine(const Entry& entry, std::string& out);
// The same line straight from a stored entry; requires view.canonical, as AppendCsvRow.
void AppendJsonLine(const StoredView& view, std::string& out);
void AppendJsonString(std::string_view value, std::string& out);

}  // namespace reviewtrail::audit
