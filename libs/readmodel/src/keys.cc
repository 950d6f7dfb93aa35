#include "reviewtrail/readmodel/keys.h"

#include <cstdio>

namespace reviewtrail::readmodel {

std::vector<std::string> AllTables() {
  return {kActions,         kActionHistory,     kActionsByOwner,   kActionsByStatus,
          kActionsByReview, kActionsByDecision, kOpenActionsByDue, kReviews,
          kDecisions,       kPersons,           kDashboardCounters};
}

std::string Key(std::initializer_list<std::string_view> parts) {
  std::string key;
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

std::string DayKey(const domain::CivilDate& day) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d%02d%02d", day.year, day.month, day.day);
  return buffer;
}

std::string VersionKey(int64_t version) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%020lld", static_cast<long long>(version));
  return buffer;
}

std::string StatusKey(int status) {
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "%02d", status);
  return buffer;
}

std::string TenantScope() { return "T"; }
std::string ReviewScope(std::string_view review_id) { return Key({"R", review_id}); }
std::string OwnerScope(std::string_view owner_id) { return Key({"O", owner_id}); }

}  // namespace reviewtrail::readmodel
