#include "reviewtrail/audit/export_encoders.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "reviewtrail/audit/canonical.h"

namespace reviewtrail::audit {
namespace {

// Eight bytes at a time (SWAR): whether any byte of `word` is `byte`, or below 0x20. Exact for
// "any byte", which is all that is asked here.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
constexpr uint64_t HasZero(uint64_t word) { return (word - kOnes) & ~word & kHighs; }
constexpr uint64_t HasByte(uint64_t word, char byte) {
  return HasZero(word ^ (kOnes * static_cast<unsigned char>(byte)));
}
constexpr uint64_t HasControl(uint64_t word) { return (word - kOnes * 0x20) & ~word & kHighs; }

uint64_t Word(const char* at) {
  uint64_t word = 0;
  std::memcpy(&word, at, sizeof(word));
  return word;
}

bool CsvNeedsQuotes(std::string_view value) {
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    const uint64_t word = Word(value.data() + i);
    if (HasByte(word, ',') | HasByte(word, '"') | HasByte(word, '\r') | HasByte(word, '\n')) {
      return true;
    }
  }
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

bool JsonPlain(char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; }

// How many bytes from the start of `value` need no JSON escape.
size_t JsonPlainPrefix(std::string_view value) {
  size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    const uint64_t word = Word(value.data() + i);
    if (HasControl(word) | HasByte(word, '"') | HasByte(word, '\\')) break;
  }
  while (i < value.size() && JsonPlain(value[i])) ++i;
  return i;
}

// The writers below put their bytes at `out`, which must have room for the bound stated, and
// return the end of what they wrote.

char* Put(std::string_view bytes, char* out) {
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

// At most 2 * value.size() + 3 bytes.
char* PutCsvCell(std::string_view value, char* out) {
  bool neutralise = false;
  if (!value.empty()) {
    switch (value.front()) {
      case '=':
      case '+':
      case '-':
      case '@':
      case '\t':
      case '\r':
      case '\'':
        neutralise = true;
        break;
      default:
        break;
    }
  }
  const bool quote = CsvNeedsQuotes(value);
  if (quote) *out++ = '"';
  if (neutralise) *out++ = '\'';
  if (quote) {
    for (char c : value) {
      if (c == '"') *out++ = '"';
      *out++ = c;
    }
    *out++ = '"';
  } else {
    out = Put(value, out);
  }
  return out;
}

// At most 6 * value.size() + 2 bytes.
char* PutJsonString(std::string_view value, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  while (true) {
    // The bytes that need no escape are copied at once (for most values, all of them).
    const size_t plain = JsonPlainPrefix(value);
    out = Put(value.substr(0, plain), out);
    value.remove_prefix(plain);
    if (value.empty()) break;
    const char c = value.front();
    value.remove_prefix(1);
    const auto byte = static_cast<unsigned char>(c);
    *out++ = '\\';
    switch (c) {
      case '"':
        *out++ = '"';
        break;
      case '\\':
        *out++ = '\\';
        break;
      case '\n':
        *out++ = 'n';
        break;
      case '\r':
        *out++ = 'r';
        break;
      case '\t':
        *out++ = 't';
        break;
      default:
        *out++ = 'u';
        *out++ = '0';
        *out++ = '0';
        *out++ = kHex[byte >> 4];
        *out++ = kHex[byte & 0x0F];
    }
  }
  *out++ = '"';
  return out;
}

// A list stored joined with ',' as a JSON array of strings (empty text: no element). At most
// 6 * joined.size() + 4 bytes.
char* PutJsonJoinedList(std::string_view joined, char* out) {
  *out++ = '[';
  if (!joined.empty()) {
    for (size_t comma = joined.find(','); comma != std::string_view::npos;
         comma = joined.find(',')) {
      out = PutJsonString(joined.substr(0, comma), out);
      *out++ = ',';
      joined.remove_prefix(comma + 1);
    }
    out = PutJsonString(joined, out);
  }
  *out++ = ']';
  return out;
}

// Runs `write` at the end of `out` with room for `bound` bytes, keeping what it wrote.
template <typename Write>
void AppendWith(std::string& out, size_t bound, const Write& write) {
  const size_t size = out.size();
  out.resize(size + bound);
  char* const end = write(out.data() + size);
  out.resize(static_cast<size_t>(end - out.data()));
}

// A row is written into this thread's scratch buffer, then appended in one copy.
template <typename Write>
void AppendRowWith(std::string& out, size_t bound, const Write& write) {
  thread_local std::vector<char> scratch;
  if (scratch.size() < bound) scratch.resize(bound);
  const char* const end = write(scratch.data());
  out.append(scratch.data(), static_cast<size_t>(end - scratch.data()));
}

// What any row of `view` can take: every byte escaped at the longest, plus the fixed parts.
size_t RowBound(const StoredView& view) {
  size_t bytes = view.prev_hash.size() + view.hash.size();
  for (std::string_view value : view.fields) bytes += value.size();
  return 6 * bytes + 1024;
}

void AppendJsonStringList(const std::vector<std::string>& values, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(values[i], out);
  }
  out.push_back(']');
}

}  // namespace

void AppendCsvCell(std::string_view value, std::string& out) {
  AppendWith(out, 2 * value.size() + 3, [&](char* at) { return PutCsvCell(value, at); });
}

std::string CsvHeader() {
  std::string out = "canonical_encoding,";
  for (std::string_view name : CanonicalFieldNames()) {
    out.append(name);
    out.push_back(',');
  }
  out.append("prev_hash,hash\r\n");
  return out;
}

void AppendCsvRow(const Entry& entry, std::string& out) {
  AppendCsvCell(CanonicalTag(entry.version), out);
  out.push_back(',');
  const std::vector<std::string> values = CanonicalFieldValues(entry);
  for (const std::string& value : values) {
    AppendCsvCell(value, out);
    out.push_back(',');
  }
  for (size_t i = values.size(); i < kCanonicalFieldCount; ++i) out.push_back(',');  // v1
  AppendCsvCell(entry.prev_hash, out);
  out.push_back(',');
  AppendCsvCell(entry.hash, out);
  out.append("\r\n");
}

void AppendJsonString(std::string_view value, std::string& out) {
  AppendWith(out, 6 * value.size() + 2, [&](char* at) { return PutJsonString(value, at); });
}

void AppendJsonLine(const Entry& entry, std::string& out) {
  const auto key = [&out](std::string_view name) {
    out.push_back('"');
    out.append(name);
    out.append("\":");
  };
  out.push_back('{');
  key("canonical_encoding");
  AppendJsonString(CanonicalTag(entry.version), out);
  out.push_back(',');
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
  if (entry.version != 1) {
    key("review_prev_sequence");
    out.append(std::to_string(entry.review_prev_sequence));
    out.push_back(',');
    key("review_prev_hash");
    AppendJsonString(entry.review_prev_hash, out);
    out.push_back(',');
    key("action_prev_sequence");
    out.append(std::to_string(entry.action_prev_sequence));
    out.push_back(',');
    key("action_prev_hash");
    AppendJsonString(entry.action_prev_hash, out);
    out.push_back(',');
  }
  key("prev_hash");
  AppendJsonString(entry.prev_hash, out);
  out.push_back(',');
  key("hash");
  AppendJsonString(entry.hash, out);
  out.append("}\n");
}

void AppendCsvRow(const StoredView& view, std::string& out) {
  AppendRowWith(out, RowBound(view), [&](char* at) {
    at = Put(CanonicalTag(view.version), at);  // needs neither quotes nor neutralising
    *at++ = ',';
    for (std::string_view value : view.fields) {
      at = PutCsvCell(value, at);
      *at++ = ',';
    }
    at = PutCsvCell(view.prev_hash, at);
    *at++ = ',';
    at = PutCsvCell(view.hash, at);
    return Put("\r\n", at);
  });
}

void AppendJsonLine(const StoredView& view, std::string& out) {
  // What opens each field in the line (at most 22 bytes each), and how its text is written.
  enum class Kind { kString, kNumber, kList };
  struct Column {
    std::string_view opening;
    Kind kind;
  };
  static constexpr std::array<Column, kCanonicalFieldCount> kColumns = {{
      {",\"tenant_id\":", Kind::kString},
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
      {",\"review_prev_sequence\":", Kind::kNumber},
      {",\"review_prev_hash\":", Kind::kString},
      {",\"action_prev_sequence\":", Kind::kNumber},
      {",\"action_prev_hash\":", Kind::kString},
  }};
  AppendRowWith(out, RowBound(view), [&](char* at) {
    at = Put("{\"canonical_encoding\":\"", at);
    at = Put(CanonicalTag(view.version), at);
    *at++ = '"';
    for (size_t i = 0; i < CanonicalFieldCount(view.version); ++i) {
      at = Put(kColumns[i].opening, at);
      const std::string_view value = view.fields[i];
      switch (kColumns[i].kind) {
        case Kind::kString:
          at = PutJsonString(value, at);
          break;
        case Kind::kNumber:
          at = Put(value, at);  // canonical decimal, as a JSON number
          break;
        case Kind::kList:
          at = PutJsonJoinedList(value, at);
          break;
      }
    }
    at = Put(",\"prev_hash\":", at);
    at = PutJsonString(view.prev_hash, at);
    at = Put(",\"hash\":", at);
    at = PutJsonString(view.hash, at);
    return Put("}\n", at);
  });
}

}  // namespace reviewtrail::audit
