#include "reviewtrail/audit/canonical.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "reviewtrail/audit/stored_view.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::audit {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

void AppendField(std::string& out, std::string_view value) {
  char length[24];
  out.append(length, std::to_chars(length, length + sizeof(length), value.size()).ptr);
  out.push_back(':');
  out.append(value);
  out.push_back('\n');
}

bool ParseDigits(std::string_view text, int64_t& value) {
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return !text.empty();
}

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void PutDigits(char* end, int64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void AppendDecimal(std::string& out, int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

}  // namespace

void AppendMicros(Micros micros, std::string& out) {
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
  const domain::CivilDate date = domain::CivilDate::FromDaysSinceEpoch(days);
  const int64_t year = date.year;
  const int month = date.month;
  const int day = date.day;
  if (year < 0 || year > 9999) {
    // Outside four-digit years (never for real entries): the general form.
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(year), month, day, static_cast<long long>(of_day / 3600),
                  static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60),
                  static_cast<long long>(fraction));
    out.append(buffer);
    return;
  }
  char text[] = "YYYY-MM-DDTHH:MM:SS.ffffffZ";
  PutDigits(text + 4, year, 4);
  PutDigits(text + 7, month, 2);
  PutDigits(text + 10, day, 2);
  PutDigits(text + 13, of_day / 3600, 2);
  PutDigits(text + 16, of_day / 60 % 60, 2);
  PutDigits(text + 19, of_day % 60, 2);
  PutDigits(text + 26, fraction, 6);
  out.append(text, sizeof(text) - 1);
}

std::string FormatMicros(Micros micros) {
  std::string text;
  AppendMicros(micros, text);
  return text;
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
      day > domain::DaysInMonth(static_cast<int32_t>(year), static_cast<int32_t>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    return bad();  // e.g. February 30th
  }
  const int64_t days = domain::CivilDate{static_cast<int32_t>(year), static_cast<int32_t>(month),
                                         static_cast<int32_t>(day)}
                           .DaysSinceEpoch();
  const Micros micros =
      ((days * kSecondsPerDay) + hour * 3600 + minute * 60 + second) * kMicrosPerSecond + fraction;
  return micros;
}

std::string CanonicalBytes(const Entry& entry) {
  std::string out;
  out.reserve(512 + entry.summary.size());
  std::string text;
  const auto number = [&](int64_t value) {
    text.clear();
    AppendDecimal(text, value);
    AppendField(out, text);
  };
  const auto time = [&](Micros value) {
    text.clear();
    AppendMicros(value, text);
    AppendField(out, text);
  };
  const auto list = [&](const std::vector<std::string>& values) {
    text.clear();
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) text.push_back(',');
      text.append(values[i]);
    }
    AppendField(out, text);
  };
  AppendField(out, CanonicalTag(entry.version));
  AppendField(out, entry.tenant_id);
  number(entry.sequence);
  number(entry.log_partition);
  number(entry.log_offset);
  AppendField(out, entry.event_id);
  time(entry.occurred_at);
  time(entry.recorded_at);
  AppendField(out, entry.actor_id);
  list(entry.actor_roles);
  AppendField(out, entry.aggregate_type);
  AppendField(out, entry.aggregate_id);
  number(entry.aggregate_version);
  AppendField(out, entry.event_type);
  AppendField(out, entry.review_id);
  AppendField(out, entry.action_id);
  AppendField(out, entry.summary);
  list(entry.evidence_sha256);
  AppendField(out, entry.event_sha256);
  if (entry.version != 1) {
    number(entry.review_prev_sequence);
    AppendField(out, entry.review_prev_hash);
    number(entry.action_prev_sequence);
    AppendField(out, entry.action_prev_hash);
  }
  return out;
}

std::string ChainHash(std::string_view prev_hash, std::string_view canonical) {
  return digest::Sha256Of(prev_hash, canonical).str();
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
  absl::StatusOr<StoredView> view = ViewStored(stored);
  if (!view.ok()) return view.status();
  return ToEntry(*view);
}

}  // namespace reviewtrail::audit
