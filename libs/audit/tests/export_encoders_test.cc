#include "reviewtrail/audit/export_encoders.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "test_entries.h"

namespace reviewtrail::audit {
namespace {

std::string Cell(std::string_view value) {
  std::string out;
  AppendCsvCell(value, out);
  return out;
}

TEST(CsvTest, QuotesOnlyWhatRfc4180Requires) {
  EXPECT_EQ(Cell("plain"), "plain");
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Cell("cr\rlf"), "\"cr\rlf\"");
  EXPECT_EQ(Cell("Zoë Ångström"), "Zoë Ångström");
  EXPECT_EQ(Cell(""), "");
}

TEST(CsvTest, NeutralisesFormulaPrefixesWithAQuote) {
  EXPECT_EQ(Cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(Cell("+1"), "'+1");
  EXPECT_EQ(Cell("-1"), "'-1");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tx"), "'\tx");
  EXPECT_EQ(Cell("'quoted"), "''quoted");  // so dropping one leading quote is always right
  EXPECT_EQ(Cell("a=b"), "a=b");
}

TEST(CsvTest, HeaderAndRowsHaveTheCanonicalColumnsAndCrlf) {
  const std::string header = CsvHeader();
  EXPECT_EQ(header.rfind("canonical_encoding,tenant_id,sequence,log_partition,", 0), 0u);
  EXPECT_TRUE(
      header.ends_with(",evidence_sha256,event_sha256,review_prev_sequence,review_prev_hash,"
                       "action_prev_sequence,action_prev_hash,prev_hash,hash\r\n"));
  std::string row;
  AppendCsvRow(testing::MakeChain(1)[0], row);
  EXPECT_TRUE(row.ends_with(testing::MakeChain(1)[0].hash + "\r\n"));
  EXPECT_NE(row.find("\"isms_manager,auditor\""), std::string::npos);
}

TEST(JsonLinesTest, EachLineParsesWithAStandardParserToTheEntry) {
  const auto chain = testing::MakeChain(3);
  std::string out;
  for (const Entry& entry : chain) AppendJsonLine(entry, out);
  std::istringstream lines(out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    const nlohmann::json json = nlohmann::json::parse(line);
    const Entry& entry = chain[static_cast<size_t>(n++)];
    EXPECT_EQ(json["sequence"], entry.sequence);
    EXPECT_EQ(json["summary"], entry.summary);
    EXPECT_EQ(json["actor_roles"], nlohmann::json(entry.actor_roles));
    EXPECT_EQ(json["recorded_at"], "2026-11-23T09:00:00.00010" + std::to_string(n) + "Z");
    EXPECT_EQ(json["hash"], entry.hash);
    EXPECT_EQ(json["canonical_encoding"], "reviewtrail-audit-v2");
    EXPECT_EQ(json["action_prev_sequence"], entry.action_prev_sequence);
    EXPECT_EQ(json.size(), CanonicalFieldNames().size() + 3);
  }
  EXPECT_EQ(n, 3);
}

TEST(JsonLinesTest, EscapesControlCharacters) {
  std::string out;
  AppendJsonString(std::string("a\x01\"\\\t\xc3\xa9", 7), out);
  EXPECT_EQ(out, "\"a\\u0001\\\"\\\\\\t\xc3\xa9\"");
}

// Plain per-character forms of the rules above, to check the word-at-a-time scans against.
std::string ReferenceCell(std::string_view value) {
  const bool neutralise =
      !value.empty() && std::string_view("=+-@\t\r'").find(value.front()) != std::string_view::npos;
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  std::string out;
  if (quote) out += '"';
  if (neutralise) out += '\'';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
  return out;
}
std::string ReferenceJson(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

TEST(EncodersTest, EverySpecialByteIsFoundWhereverItStands) {
  // Each byte that matters, at every position of texts up to 3 words long, among plain ASCII and
  // UTF-8 bytes.
  for (const char special : {',', '"', '\r', '\n', '\\', '\x01', '\x1f', '\t', ' ', '\x7f'}) {
    for (size_t length = 1; length <= 24; ++length) {
      for (size_t at = 0; at < length; ++at) {
        for (const char filler : {'a', '\xc3'}) {
          std::string value(length, filler);
          value[at] = special;
          EXPECT_EQ(Cell(value), ReferenceCell(value)) << int{special} << " at " << at;
          std::string json;
          AppendJsonString(value, json);
          EXPECT_EQ(json, ReferenceJson(value)) << int{special} << " at " << at;
        }
      }
    }
  }
}

}  // namespace
}  // namespace reviewtrail::audit
