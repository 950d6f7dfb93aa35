#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/digest/sha256.h"

namespace reviewtrail::audit::testing {

// The offline check of an export against its trailer (docs/AUDIT.md, "Verifying an export"),
// written from the document alone and independently of the service's code: it parses the CSV or
// JSON Lines text itself, rebuilds every row's canonical bytes from its columns and checks the
// rows against the trailer (given as JSON with its proto field names, as the Python reference
// script reads it). The C++ twin of services/audit/tests/verify_export.py.
class ReferenceExportVerifier {
 public:
  using Row = std::map<std::string, std::string, std::less<>>;

  struct Result {
    bool ok = false;
    std::string message;  // "OK <n> entries..." or "BROKEN ..."
    std::vector<Row> rows;
  };

  static Result Verify(std::string_view data, bool csv, const nlohmann::json& trailer) {
    Result result;
    std::string error;
    result.rows = csv ? ParseCsv(data, error) : ParseJsonLines(data, error);
    if (!error.empty()) {
      result.message = "BROKEN: " + error;
      return result;
    }
    result.message = Check(result.rows, trailer);
    result.ok = result.message.rfind("OK", 0) == 0;
    return result;
  }

  // RFC 4180 with CRLF (or LF) line ends; one leading "'" is dropped from every cell (the
  // spreadsheet neutralisation). The first record is the header.
  static std::vector<Row> ParseCsv(std::string_view data, std::string& error) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string cell;
    bool quoted = false;
    bool in_record = false;
    for (size_t i = 0; i < data.size(); ++i) {
      const char c = data[i];
      in_record = true;
      if (quoted) {
        if (c == '"' && i + 1 < data.size() && data[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.push_back(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.push_back(std::move(cell));
        cell.clear();
      } else if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
        continue;
      } else if (c == '\n') {
        record.push_back(std::move(cell));
        cell.clear();
        records.push_back(std::move(record));
        record.clear();
        in_record = false;
      } else {
        cell.push_back(c);
      }
    }
    if (quoted) error = "an unterminated quoted cell";
    if (in_record) {
      record.push_back(std::move(cell));
      records.push_back(std::move(record));
    }
    std::vector<Row> rows;
    if (records.empty()) return rows;
    const std::vector<std::string>& header = records.front();
    for (size_t r = 1; r < records.size(); ++r) {
      if (records[r].size() != header.size()) {
        error = absl::StrCat("record ", r, " has ", records[r].size(), " cells, the header ",
                             header.size());
        return {};
      }
      Row row;
      for (size_t i = 0; i < header.size(); ++i) {
        std::string value = records[r][i];
        if (!value.empty() && value.front() == '\'') value.erase(0, 1);
        row[header[i]] = std::move(value);
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  static std::vector<Row> ParseJsonLines(std::string_view data, std::string& error) {
    std::vector<Row> rows;
    std::istringstream lines{std::string(data)};
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
      if (!object.is_object()) {
        error = "a line that is not a JSON object";
        return {};
      }
      Row row;
      for (const auto& [key, value] : object.items()) {
        if (value.is_array()) {
          std::vector<std::string> items;
          for (const auto& item : value) items.push_back(item.get<std::string>());
          row[key] = absl::StrJoin(items, ",");
        } else if (value.is_string()) {
          row[key] = value.get<std::string>();
        } else {
          row[key] = value.dump();
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  static std::string F(const std::string& value) {
    return absl::StrCat(value.size(), ":", value, "\n");
  }
  static std::string Get(const Row& row, std::string_view key) {
    const auto it = row.find(key);
    return it == row.end() ? "" : it->second;
  }
  static int64_t Number(const std::string& text) { return text.empty() ? 0 : std::stoll(text); }
  static std::string Text(const nlohmann::json& trailer, const char* key) {
    return trailer.contains(key) ? trailer[key].get<std::string>() : "";
  }
  // int64 fields are strings in proto JSON.
  static int64_t Int(const nlohmann::json& trailer, const char* key) {
    if (!trailer.contains(key)) return 0;
    return trailer[key].is_string() ? std::stoll(trailer[key].get<std::string>())
                                    : trailer[key].get<int64_t>();
  }

  static std::string Check(const std::vector<Row>& rows, const nlohmann::json& trailer) {
    static const std::vector<std::string> kV1 = {
        "tenant_id",    "sequence",          "log_partition", "log_offset",  "event_id",
        "occurred_at",  "recorded_at",       "actor_id",      "actor_roles", "aggregate_type",
        "aggregate_id", "aggregate_version", "event_type",    "review_id",   "action_id",
        "summary",      "evidence_sha256",   "event_sha256"};
    static const std::vector<std::string> kLinks = {"review_prev_sequence", "review_prev_hash",
                                                    "action_prev_sequence", "action_prev_hash"};
    const std::string chain = trailer.contains("chain") ? Text(trailer, "chain") : "tenant";
    const std::string chain_id = Text(trailer, "chain_id");
    const std::string start_hash = chain == "tenant" ? std::string(kGenesisHash) : "";
    // 1. Every row alone.
    for (const Row& row : rows) {
      const std::string encoding = Get(row, "canonical_encoding");
      const std::string sequence = Get(row, "sequence");
      if (encoding != kCanonicalTagV1 && encoding != kCanonicalTagV2) {
        return "BROKEN entry " + sequence + ": unknown encoding " + encoding;
      }
      std::string canonical = F(encoding);  // the row's own tag
      for (const std::string& key : kV1) canonical += F(Get(row, key));
      if (encoding == kCanonicalTagV2) {
        for (const std::string& key : kLinks) canonical += F(Get(row, key));
      }
      const std::string computed = digest::Sha256Hex(Get(row, "prev_hash") + canonical);
      if (computed != Get(row, "hash")) return "BROKEN entry " + sequence + ": hash " + computed;
      if (chain != "tenant" && Get(row, chain + "_id") != chain_id) {
        return "BROKEN entry " + sequence + ": not of " + chain + " " + chain_id;
      }
    }
    // 2. The count.
    if (static_cast<int64_t>(rows.size()) != Int(trailer, "entries_exported")) {
      return absl::StrCat("BROKEN: ", rows.size(), " rows but the trailer counts ",
                          Int(trailer, "entries_exported"));
    }
    if (!trailer.value("provably_complete", false)) {
      return absl::StrCat("OK ", rows.size(), " entries; not provably complete");
    }
    // 3. The links.
    std::pair<int64_t, std::string> prev{Int(trailer, "first_prev_sequence"),
                                         Text(trailer, "first_prev_hash")};
    const auto first_prev = prev;
    for (const Row& row : rows) {
      const int64_t sequence = Number(Get(row, "sequence"));
      if (chain != "tenant" && Get(row, "canonical_encoding") == kCanonicalTagV1) {
        return absl::StrCat("BROKEN entry ", sequence, ": a v1 row in a provably complete trail");
      }
      const std::pair<int64_t, std::string> link =
          chain == "tenant" ? std::pair(sequence - 1, Get(row, "prev_hash"))
                            : std::pair(Number(Get(row, chain + "_prev_sequence")),
                                        Get(row, chain + "_prev_hash"));
      if (link != prev) {
        return absl::StrCat("BROKEN entry ", sequence, ": links to entry ", link.first,
                            " but follows ", prev.first);
      }
      if (link.first == 0 && link.second != start_hash) {
        return absl::StrCat("BROKEN entry ", sequence, ": a first entry's link");
      }
      prev = {sequence, Get(row, "hash")};
    }
    // 4. The ends.
    const std::pair<int64_t, std::string> last{Int(trailer, "last_sequence"),
                                               Text(trailer, "last_hash")};
    const std::pair<int64_t, std::string> chain_last{Int(trailer, "chain_last_sequence"),
                                                     Text(trailer, "chain_last_hash")};
    if (!rows.empty() && prev != last) {
      return absl::StrCat("BROKEN: the last row is ", prev.first, ", not ", last.first);
    }
    if (!trailer.contains("recorded_from") && !rows.empty() &&
        first_prev != std::pair<int64_t, std::string>(0, start_hash)) {
      return absl::StrCat("BROKEN: the rows start after entry ", first_prev.first);
    }
    if (!trailer.contains("recorded_until")) {
      const auto end = rows.empty() ? std::pair<int64_t, std::string>(0, "") : prev;
      if (end != chain_last) {
        return absl::StrCat("BROKEN: the rows end at entry ", end.first, ", not at the ", chain,
                            "'s last entry ", chain_last.first);
      }
      if (chain == "tenant" && chain_last.first != 0 &&
          chain_last != std::pair(Int(trailer, "head_sequence"), Text(trailer, "head_hash"))) {
        return "BROKEN: the chain's last entry is not the chain head";
      }
    }
    return absl::StrCat("OK ", rows.size(), " entries");
  }
};

}  // namespace reviewtrail::audit::testing
