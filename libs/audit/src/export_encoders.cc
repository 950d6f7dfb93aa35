#include "reviewtrail/audit/export_encoders.h"

#include <algorithm>
#include <array>
#include <vector>

#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {
namespace {

bool NeedsNeutralising(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
    case '\'':
      return true;
    default:
      return false;
  }
}

void AppendJsonStringList(const std::vector<std::string>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(values[i], out);
  }
  out.push_back(']');
}

// A list stored joined with ',' as a JSON array of strings (empty text: no element).
void AppendJsonJoinedList(std::string_view joined, std::string& out) {
  out.push_back('[');
  if (!joined.empty()) {
    for (size_t comma = joined.find(','); comma != std::string_view::npos;
         comma = joined.find(',')) {
      AppendJsonString(joined.substr(0, comma), out);
      out.push_back(',');
      joined.remove_prefix(comma + 1);
    }
    AppendJsonString(joined, out);
  }
  out.push_back(']');
}

}  // namespace

void AppendCsvCell(std::string_view value, std::string& out) {
  const bool neutralise = NeedsNeutralising(value);
  const bool quote = std::any_of(value.begin(), value.end(), [](char c) {
    return c == ',' || c == '"' || c == '\r' || c == '\n';
  });
  if (quote) out.push_back('"');
  if (neutralise) out.push_back('\'');
  if (quote) {
    for (size_t quote_at = value.find('"'); quote_at != std::string_view::npos;
         quote_at = value.find('"')) {
      out.append(value.substr(0, quote_at + 1));
      out.push_back('"');
      value.remove_prefix(quote_at + 1);
    }
  }
  out.append(value);
  if (quote) out.push_back('"');
}

std::string CsvHeader() {
  std::string out;
  for (std::string_view name : CanonicalFieldNames()) {
    out.append(name);
    out.push_back(',');
  }
  out.append("prev_hash,hash\r\n");
  return out;
}

void AppendCsvRow(const Entry& entry, std::string& out) {
  for (const std::string& value : CanonicalFieldValues(entry)) {
    AppendCsvCell(value, out);
    out.push_back(',');
  }
  AppendCsvCell(entry.prev_hash, out);
  out.push_back(',');
  AppendCsvCell(entry.hash, out);
  out.append("\r\n");
}

void AppendJsonString(std::string_view value, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto plain = [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  };
  // The longest prefix that needs no escape is copied at once (for most values, all of it).
  size_t clean = 0;
  while (clean < value.size() && plain(value[clean])) ++clean;
  out.append(value.substr(0, clean));
  value.remove_prefix(clean);
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (byte < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0x0F]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void AppendJsonLine(const Entry& entry, std::string& out) {
  const auto key = [&out](std::string_view name) {
    out.push_back('"');
    out.append(name);
    out.append("\":");
  };
  out.push_back('{');
  key("tenant_id");
  AppendJsonString(entry.tenant_id, out);
  out.push_back(',');
  key("sequence");
  out.append(std::to_string(entry.sequence));
  out.push_back(',');
  key("log_partition");
  out.append(std::to_string(entry.log_partition));
  out.push_back(',');
  key("log_offset");
  out.append(std::to_string(entry.log_offset));
  out.push_back(',');
  key("event_id");
  AppendJsonString(entry.event_id, out);
  out.push_back(',');
  key("occurred_at");
  AppendJsonString(FormatMicros(entry.occurred_at), out);
  out.push_back(',');
  key("recorded_at");
  AppendJsonString(FormatMicros(entry.recorded_at), out);
  out.push_back(',');
  key("actor_id");
  AppendJsonString(entry.actor_id, out);
  out.push_back(',');
  key("actor_roles");
  AppendJsonStringList(entry.actor_roles, out);
  out.push_back(',');
  key("aggregate_type");
  AppendJsonString(entry.aggregate_type, out);
  out.push_back(',');
  key("aggregate_id");
  AppendJsonString(entry.aggregate_id, out);
  out.push_back(',');
  key("aggregate_version");
  out.append(std::to_string(entry.aggregate_version));
  out.push_back(',');
  key("event_type");
  AppendJsonString(entry.event_type, out);
  out.push_back(',');
  key("review_id");
  AppendJsonString(entry.review_id, out);
  out.push_back(',');
  key("action_id");
  AppendJsonString(entry.action_id, out);
  out.push_back(',');
  key("summary");
  AppendJsonString(entry.summary, out);
  out.push_back(',');
  key("evidence_sha256");
  AppendJsonStringList(entry.evidence_sha256, out);
  out.push_back(',');
  key("event_sha256");
  AppendJsonString(entry.event_sha256, out);
  out.push_back(',');
  key("prev_hash");
  AppendJsonString(entry.prev_hash, out);
  out.push_back(',');
  key("hash");
  AppendJsonString(entry.hash, out);
  out.append("}\n");
}

void AppendCsvRow(const StoredView& view, std::string& out) {
  for (std::string_view value : view.fields) {
    AppendCsvCell(value, out);
    out.push_back(',');
  }
  AppendCsvCell(view.prev_hash, out);
  out.push_back(',');
  AppendCsvCell(view.hash, out);
  out.append("\r\n");
}

void AppendJsonLine(const StoredView& view, std::string& out) {
  // What opens each field in the line, and how its text is written.
  enum class Kind { kString, kNumber, kList };
  struct Column {
    std::string_view opening;
    Kind kind;
  };
  static constexpr std::array<Column, kCanonicalFieldCount> kColumns = {{
      {"{\"tenant_id\":", Kind::kString},
      {",\"sequence\":", Kind::kNumber},
      {",\"log_partition\":", Kind::kNumber},
      {",\"log_offset\":", Kind::kNumber},
      {",\"event_id\":", Kind::kString},
      {",\"occurred_at\":", Kind::kString},
      {",\"recorded_at\":", Kind::kString},
      {",\"actor_id\":", Kind::kString},
      {",\"actor_roles\":", Kind::kList},
      {",\"aggregate_type\":", Kind::kString},
      {",\"aggregate_id\":", Kind::kString},
      {",\"aggregate_version\":", Kind::kNumber},
      {",\"event_type\":", Kind::kString},
      {",\"review_id\":", Kind::kString},
      {",\"action_id\":", Kind::kString},
      {",\"summary\":", Kind::kString},
      {",\"evidence_sha256\":", Kind::kList},
      {",\"event_sha256\":", Kind::kString},
  }};
  for (size_t i = 0; i < kCanonicalFieldCount; ++i) {
    out.append(kColumns[i].opening);
    const std::string_view value = view.fields[i];
    switch (kColumns[i].kind) {
      case Kind::kString:
        AppendJsonString(value, out);
        break;
      case Kind::kNumber:
        out.append(value);  // canonical decimal, as a JSON number
        break;
      case Kind::kList:
        AppendJsonJoinedList(value, out);
        break;
    }
  }
  out.append(",\"prev_hash\":");
  AppendJsonString(view.prev_hash, out);
  out.append(",\"hash\":");
  AppendJsonString(view.hash, out);
  out.append("}\n");
}

}  // namespace reviewtrail::audit
