// The audit export's escaping: CSV (RFC 4180, spreadsheet-safe) and JSON Lines, both from an Entry
// and straight from its stored form, read back through reference parsers.
//
// Input: the fields of an entry (FuzzedDataProvider: the canonical encoding, v1 or v2, strings of
// any bytes, lists of non-empty elements without ',', any numbers, times within four-digit years; a
// v1 entry has no review / action links).
// Oracles: the stored form decodes to the same entry, in place, and canonical; the CSV row and the
// JSON line are the same from the Entry and from the stored view; the CSV row parses (a reference
// RFC 4180 reader that drops one leading '\'') into exactly the columns of CsvHeader: the version
// tag, the field texts (a v1 row's v2-only columns empty), prev_hash and hash; a JSON line of valid
// UTF-8 parses (nlohmann::json) into exactly canonical_encoding, the fields of its version, numbers
// as numbers and lists as arrays, prev_hash and hash; a single cell round-trips the same way.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "reviewtrail/audit/canonical.h"
#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/export_encoders.h"
#include "reviewtrail/audit/stored_view.h"

namespace {

using reviewtrail::audit::Entry;
using reviewtrail::audit::Micros;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

// RFC 4180 cells of one CRLF-terminated record; nullopt when malformed. A leading '\'' (the
// spreadsheet neutraliser) is dropped from each cell, as the export's documentation tells readers.
std::optional<std::vector<std::string>> ReadCsvRecord(std::string_view text) {
  std::vector<std::string> cells;
  size_t at = 0;
  while (true) {
    std::string cell;
    if (at < text.size() && text[at] == '"') {
      ++at;
      while (true) {
        if (at >= text.size()) return std::nullopt;
        if (text[at] == '"') {
          if (at + 1 < text.size() && text[at + 1] == '"') {
            cell.push_back('"');
            at += 2;
            continue;
          }
          ++at;
          break;
        }
        cell.push_back(text[at++]);
      }
    } else {
      while (at < text.size() && text[at] != ',' && text[at] != '\r' && text[at] != '\n') {
        if (text[at] == '"') return std::nullopt;  // a quote inside an unquoted cell
        cell.push_back(text[at++]);
      }
    }
    if (!cell.empty() && cell.front() == '\'') cell.erase(0, 1);
    cells.push_back(std::move(cell));
    if (at < text.size() && text[at] == ',') {
      ++at;
      continue;
    }
    if (text.substr(at) != "\r\n") return std::nullopt;
    return cells;
  }
}

bool ValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::vector<std::string> List(FuzzedDataProvider& in) {
  std::vector<std::string> values(in.ConsumeIntegralInRange<size_t>(0, 3));
  for (std::string& value : values) {
    value = in.ConsumeRandomLengthString(70);
    std::erase(value, ',');
    if (value.empty()) value = "x";
  }
  return values;
}

Micros Time(FuzzedDataProvider& in) {
  // 0000-01-01T00:00:00.000000Z to 9999-12-31T23:59:59.999999Z
  return in.ConsumeIntegralInRange<Micros>(-62'167'219'200'000'000, 253'402'300'799'999'999);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  {
    // One cell alone.
    const std::string value = in.ConsumeRandomLengthString(200);
    std::string row;
    reviewtrail::audit::AppendCsvCell(value, row);
    row.append("\r\n");
    const auto cells = ReadCsvRecord(row);
    if (!cells.has_value() || cells->size() != 1 || cells->front() != value) {
      Fail("a CSV cell does not read back as its value");
    }
    std::string json;
    reviewtrail::audit::AppendJsonString(value, json);
    if (ValidUtf8(value)) {
      const auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_string() || parsed.get<std::string>() != value) {
        Fail("a JSON string does not parse back as its value");
      }
    }
  }

  Entry entry;
  entry.tenant_id = in.ConsumeRandomLengthString(40);
  entry.sequence = in.ConsumeIntegral<int64_t>();
  entry.log_partition = in.ConsumeIntegral<int32_t>();
  entry.log_offset = in.ConsumeIntegral<int64_t>();
  entry.event_id = in.ConsumeRandomLengthString(40);
  entry.occurred_at = Time(in);
  entry.recorded_at = Time(in);
  entry.actor_id = in.ConsumeRandomLengthString(40);
  entry.actor_roles = List(in);
  entry.aggregate_type = in.ConsumeRandomLengthString(20);
  entry.aggregate_id = in.ConsumeRandomLengthString(40);
  entry.aggregate_version = in.ConsumeIntegral<int64_t>();
  entry.event_type = in.ConsumeRandomLengthString(40);
  entry.review_id = in.ConsumeRandomLengthString(40);
  entry.action_id = in.ConsumeRandomLengthString(40);
  entry.evidence_sha256 = List(in);
  entry.event_sha256 = in.ConsumeRandomLengthString(70);
  entry.prev_hash = in.ConsumeRandomLengthString(70);
  entry.hash = in.ConsumeRandomLengthString(70);
  entry.version = in.ConsumeBool() ? 1 : 2;
  if (entry.version == 2) {
    entry.review_prev_sequence = in.ConsumeIntegral<int64_t>();
    entry.review_prev_hash = in.ConsumeRandomLengthString(70);
    entry.action_prev_sequence = in.ConsumeIntegral<int64_t>();
    entry.action_prev_hash = in.ConsumeRandomLengthString(70);
  }
  entry.summary = in.ConsumeRemainingBytesAsString();

  const std::string stored = reviewtrail::audit::EncodeStored(entry);
  const auto view = reviewtrail::audit::ViewStored(stored);
  if (!view.ok()) Fail("an encoded entry is not read back in place");
  if (!view->canonical) Fail("an encoded entry is not canonical");
  if (reviewtrail::audit::ToEntry(*view) != entry) Fail("an encoded entry reads back otherwise");
  if (view->framed != reviewtrail::audit::CanonicalBytes(entry)) Fail("framed != canonical bytes");

  const std::string tag(entry.version == 1 ? "reviewtrail-audit-v1" : "reviewtrail-audit-v2");
  const size_t field_count = entry.version == 1 ? 18 : 22;
  const std::vector<std::string> texts = reviewtrail::audit::CanonicalFieldValues(entry);
  if (texts.size() != field_count) Fail("a version has another number of canonical fields");
  const auto& names = reviewtrail::audit::CanonicalFieldNames();
  if (names.size() != 22) Fail("the v2 canonical fields are not 22");

  // The CSV columns: canonical_encoding, every v2 field (empty for a v1 row), prev_hash, hash.
  std::vector<std::string> columns{tag};
  columns.insert(columns.end(), texts.begin(), texts.end());
  columns.resize(1 + names.size());
  columns.push_back(entry.prev_hash);
  columns.push_back(entry.hash);
  const auto header = ReadCsvRecord(reviewtrail::audit::CsvHeader());
  if (!header.has_value() || header->size() != columns.size()) {
    Fail("the CSV header has another number of columns than a row");
  }

  std::string csv;
  reviewtrail::audit::AppendCsvRow(entry, csv);
  std::string csv_in_place;
  reviewtrail::audit::AppendCsvRow(*view, csv_in_place);
  if (csv != csv_in_place) Fail("CSV rows from the entry and from the stored view differ");
  const auto cells = ReadCsvRecord(csv);
  if (!cells.has_value() || *cells != columns) Fail("a CSV row does not read back as the fields");

  std::string line;
  reviewtrail::audit::AppendJsonLine(entry, line);
  std::string line_in_place;
  reviewtrail::audit::AppendJsonLine(*view, line_in_place);
  if (line != line_in_place) Fail("JSON lines from the entry and from the stored view differ");
  if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1) {
    Fail("a JSON line is not one line");
  }
  bool utf8 = true;
  for (const std::string& text : columns) utf8 = utf8 && ValidUtf8(text);
  if (!utf8) return 0;
  const auto object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) Fail("a JSON line does not parse");
  // canonical_encoding, the fields of the entry's version, prev_hash and hash.
  if (object.size() != 1 + field_count + 2) Fail("a JSON line has other keys");
  const auto string_of = [&](std::string_view name) -> std::string {
    const auto it = object.find(std::string(name));
    if (it == object.end()) Fail("a JSON line lacks a key");
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return it->dump();
    if (it->is_array()) {
      std::string joined;
      for (size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string()) Fail("a JSON list holds a non-string");
        if (i > 0) joined.push_back(',');
        joined += (*it)[i].get<std::string>();
      }
      return joined;
    }
    Fail("a JSON value of another type");
  };
  if (string_of("canonical_encoding") != tag) Fail("a JSON line names another encoding");
  for (size_t i = 0; i < field_count; ++i) {
    if (string_of(names[i]) != texts[i]) Fail("a JSON field does not read back as its text");
  }
  if (string_of("prev_hash") != entry.prev_hash || string_of("hash") != entry.hash) {
    Fail("a JSON hash does not read back");
  }
  return 0;
}
