#include "reviewtrail/readmodel/keys.h"

namespace reviewtrail::readmodel {

std::vector<std::string> AllTables() {
  return {kActions,         kActionHistory,     kActionsByOwner, kActionsByStatus,
          kActionsByReview, kOpenActionsByDue,  kReviews,        kDecisions,
          kPersons,         kDashboardCounters, kOpenDueCounts,  kTenantClocks};
}

bool HoldsActionViews(std::string_view table) {
  return table == kActions || table == kActionsByOwner;
}

std::vector<std::string> UncompressedTables() {
  std::vector<std::string> tables = AllTables();
  std::erase_if(tables, [](const std::string& table) { return !HoldsActionViews(table); });
  return tables;
}

std::string Key(std::initializer_list<std::string_view> parts) {
  std::string key;
  size_t size = parts.size();
  for (std::string_view part : parts) size += part.size();
  key.reserve(size);
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) key.push_back('\0');
    key.append(part);
    first = false;
  }
  return key;
}

std::string Prefix(std::initializer_list<std::string_view> parts) {
  std::string prefix = Key(parts);
  prefix.push_back('\0');
  return prefix;
}

std::string_view LastComponent(std::string_view key) {
  const size_t nul = key.rfind('\0');
  return nul == std::string_view::npos ? key : key.substr(nul + 1);
}

namespace {

// `value` as exactly `width` decimal digits (the lowest ones), zero-padded.
void AppendDigits(std::string& out, uint64_t value, size_t width) {
  const size_t end = out.size() + width;
  out.resize(end);
  for (size_t i = end; i > end - width; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string DayKey(const domain::CivilDate& day) {
  std::string key;
  key.reserve(8);
  AppendDigits(key, static_cast<uint64_t>(day.year), 4);
  AppendDigits(key, static_cast<uint64_t>(day.month), 2);
  AppendDigits(key, static_cast<uint64_t>(day.day), 2);
  return key;
}

std::string StatusKey(int status) {
  std::string key;
  AppendDigits(key, static_cast<uint64_t>(status), 2);
  return key;
}

std::string TenantScope() { return "T"; }
std::string ReviewScope(std::string_view review_id) { return Key({"R", review_id}); }
std::string OwnerScope(std::string_view owner_id) { return Key({"O", owner_id}); }

}  // namespace reviewtrail::readmodel
