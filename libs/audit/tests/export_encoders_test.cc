#include "reviewtrail/audit/export_encoders.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(header.rfind("tenant_id,sequence,log_partition,", 0), 0u);
  EXPECT_TRUE(header.ends_with(",evidence_sha256,event_sha256,prev_hash,hash\r\n"));
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
    EXPECT_EQ(json.size(), CanonicalFieldNames().size() + 2);
  }
  EXPECT_EQ(n, 3);
}

TEST(JsonLinesTest, EscapesControlCharacters) {
  std::string out;
  AppendJsonString(std::string("a\x01\"\\\t\xc3\xa9", 7), out);
  EXPECT_EQ(out, "\"a\\u0001\\\"\\\\\\t\xc3\xa9\"");
}

}  // namespace
}  // namespace reviewtrail::audit
