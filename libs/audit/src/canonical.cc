#include "reviewtrail/audit/canonical.h"

#include <charconv>
#include <vector>

#include "reviewtrail/audit/sha256.h"

namespace reviewtrail::audit {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

void AppendField(std::string& out, std::string_view value) {
  out.append(std::to_string(value.size()));
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

// Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t days, int64_t& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<int64_t>(days - era * 146097);
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool ParseDigits(std::string_view text, int64_t& value) {
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return !text.empty();
}

std::vector<std::string> SplitList(std::string_view joined) {
  std::vector<std::string> parts;
  if (joined.empty()) return parts;
  size_t start = 0;
  for (size_t comma = joined.find(','); comma != std::string_view::npos;
       comma = joined.find(',', start)) {
    parts.emplace_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  parts.emplace_back(joined.substr(start));
  return parts;
}

}  // namespace

std::string FormatMicros(Micros micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction < 0) {
    fraction += kMicrosPerSecond;
    seconds -= 1;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t of_day = seconds % kSecondsPerDay;
  if (of_day < 0) {
    of_day += kSecondsPerDay;
    days -= 1;
  }
  int64_t year = 0;
  int month = 0;
  int day = 0;
  CivilFromDays(days, year, month, day);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(year), month, day, static_cast<long long>(of_day / 3600),
                static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60),
                static_cast<long long>(fraction));
  return buffer;
}

absl::StatusOr<Micros> ParseMicros(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS.ffffffZ
  const auto bad = [&] {
    return absl::InvalidArgumentError("not an RFC 3339 UTC time with 6 fractional digits: " +
                                      std::string(text));
  };
  if (text.size() != 27 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[26] != 'Z') {
    return bad();
  }
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, fraction = 0;
  if (!ParseDigits(text.substr(0, 4), year) || !ParseDigits(text.substr(5, 2), month) ||
      !ParseDigits(text.substr(8, 2), day) || !ParseDigits(text.substr(11, 2), hour) ||
      !ParseDigits(text.substr(14, 2), minute) || !ParseDigits(text.substr(17, 2), second) ||
      !ParseDigits(text.substr(20, 6), fraction) || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  const int64_t days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  const Micros micros =
      ((days * kSecondsPerDay) + hour * 3600 + minute * 60 + second) * kMicrosPerSecond + fraction;
  if (FormatMicros(micros) != text) return bad();  // e.g. February 30th
  return micros;
}

std::string CanonicalBytes(const Entry& entry) {
  std::string out;
  out.reserve(512 + entry.summary.size());
  AppendField(out, kCanonicalTag);
  for (const std::string& value : CanonicalFieldValues(entry)) AppendField(out, value);
  return out;
}

std::string ChainHash(std::string_view prev_hash, std::string_view canonical) {
  Sha256 hasher;
  hasher.Update(prev_hash);
  hasher.Update(canonical);
  return hasher.FinishHex();
}

void Seal(Entry& entry, std::string_view prev_hash) {
  std::string prev(prev_hash);  // prev_hash may view entry.prev_hash itself
  entry.hash = ChainHash(prev, CanonicalBytes(entry));
  entry.prev_hash = std::move(prev);
}

std::string EncodeStored(const Entry& entry) {
  std::string out = CanonicalBytes(entry);
  AppendField(out, entry.prev_hash);
  AppendField(out, entry.hash);
  return out;
}

absl::StatusOr<Entry> DecodeStored(std::string_view stored) {
  std::vector<std::string_view> fields;
  size_t at = 0;
  while (at < stored.size()) {
    const size_t colon = stored.find(':', at);
    size_t length = 0;
    const bool framed = colon != std::string_view::npos &&
                        ParseNumber(stored.substr(at, colon - at), length) &&
                        length < stored.size() - colon - 1 && stored[colon + 1 + length] == '\n';
    if (!framed) {
      return absl::InvalidArgumentError("stored entry: bad framing at byte " + std::to_string(at));
    }
    fields.push_back(stored.substr(colon + 1, length));
    at = colon + 1 + length + 1;
  }
  const size_t expected = 1 + CanonicalFieldNames().size() + 2;
  if (fields.size() != expected || fields[0] != kCanonicalTag) {
    return absl::InvalidArgumentError("stored entry: expected " + std::to_string(expected) +
                                      " fields starting with the tag");
  }
  Entry entry;
  size_t i = 1;
  const auto next = [&]() { return fields[i++]; };
  entry.tenant_id = next();
  bool numbers = ParseNumber(next(), entry.sequence);
  numbers = ParseNumber(next(), entry.log_partition) && numbers;
  numbers = ParseNumber(next(), entry.log_offset) && numbers;
  entry.event_id = next();
  absl::StatusOr<Micros> occurred = ParseMicros(next());
  absl::StatusOr<Micros> recorded = ParseMicros(next());
  if (!occurred.ok()) return occurred.status();
  if (!recorded.ok()) return recorded.status();
  entry.occurred_at = *occurred;
  entry.recorded_at = *recorded;
  entry.actor_id = next();
  entry.actor_roles = SplitList(next());
  entry.aggregate_type = next();
  entry.aggregate_id = next();
  numbers = ParseNumber(next(), entry.aggregate_version) && numbers;
  entry.event_type = next();
  entry.review_id = next();
  entry.action_id = next();
  entry.summary = next();
  entry.evidence_sha256 = SplitList(next());
  entry.event_sha256 = next();
  entry.prev_hash = next();
  entry.hash = next();
  if (!numbers) return absl::InvalidArgumentError("stored entry: a number field is malformed");
  return entry;
}

}  // namespace reviewtrail::audit
