#include "reviewtrail/runtime/time_zones.h"

#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "reviewtrail/domain/tenant_clock.h"

namespace reviewtrail::runtime {
namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "+HH:MM" / "-HH:MM" (at most 14 hours), "UTC", "Z", or an IANA name from the tz database.
absl::StatusOr<absl::TimeZone> ParseZone(std::string_view name) {
  if (name == "UTC" || name == "Z") return absl::UTCTimeZone();
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    if (name.size() != 6 || name[3] != ':' || !IsDigits(name.substr(1, 2)) ||
        !IsDigits(name.substr(4, 2))) {
      return absl::InvalidArgumentError("malformed offset");
    }
    const int hours = std::atoi(std::string(name.substr(1, 2)).c_str());
    const int minutes = std::atoi(std::string(name.substr(4, 2)).c_str());
    if (hours > 14 || minutes > 59) return absl::InvalidArgumentError("offset out of range");
    const int sign = name[0] == '-' ? -1 : 1;
    return absl::FixedTimeZone(sign * (hours * 3600 + minutes * 60));
  }
  absl::TimeZone zone;
  if (name.empty() || !absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(
        "unknown time zone name (not in the tz database; is tzdata installed?)");
  }
  return zone;
}

}  // namespace

absl::StatusOr<TenantTimeZones> TenantTimeZones::Parse(const std::vector<std::string>& entries) {
  TenantTimeZones zones;
  for (const std::string& entry : entries) {
    const size_t equals = entry.find('=');
    const auto bad = [&entry](std::string_view why) {
      return absl::InvalidArgumentError(
          "time zone entry '" + entry + "': " + std::string(why) +
          " (expected tenant=ZONE, ZONE an IANA name such as Europe/Amsterdam, +HH:MM, -HH:MM or "
          "UTC)");
    };
    if (equals == std::string::npos || equals == 0) return bad("no tenant");
    const std::string tenant = entry.substr(0, equals);
    const std::string name = entry.substr(equals + 1);
    if (zones.zones_.contains(tenant)) return bad("tenant '" + tenant + "' is given twice");
    absl::StatusOr<absl::TimeZone> zone = ParseZone(name);
    if (!zone.ok()) return bad(std::string(zone.status().message()));
    zones.zones_.emplace(tenant, Zone{*zone, name});
  }
  return zones;
}

const absl::TimeZone& TenantTimeZones::ZoneOf(std::string_view tenant_id) const {
  static const absl::TimeZone kUtc = absl::UTCTimeZone();
  auto it = zones_.find(tenant_id);
  return it == zones_.end() ? kUtc : it->second.zone;
}

std::string TenantTimeZones::ZoneNameOf(std::string_view tenant_id) const {
  auto it = zones_.find(tenant_id);
  return it == zones_.end() ? "UTC" : it->second.name;
}

domain::CivilDate TenantTimeZones::DayOf(std::string_view tenant_id,
                                         std::chrono::system_clock::time_point time) const {
  return DayOfMicros(
      tenant_id,
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count());
}

domain::CivilDate TenantTimeZones::DayOfMicros(std::string_view tenant_id, int64_t micros) const {
  return DayOfMicros(tenant_id, micros, 0);
}

domain::CivilDate TenantTimeZones::DayOf(std::string_view tenant_id,
                                         std::chrono::system_clock::time_point time,
                                         int64_t advance_micros) const {
  return DayOfMicros(
      tenant_id,
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count(),
      advance_micros);
}

domain::CivilDate TenantTimeZones::DayOfMicros(std::string_view tenant_id, int64_t micros,
                                               int64_t advance_micros) const {
  return domain::TenantDay(micros, ZoneOf(tenant_id), advance_micros);
}

absl::Status TenantTimeZones::AddSandboxes(const std::vector<std::string>& tenant_ids) {
  for (const std::string& tenant : tenant_ids) {
    const bool well_formed = !tenant.empty() && tenant.size() <= 128 &&
                             std::all_of(tenant.begin(), tenant.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                             });
    if (!well_formed) {
      return absl::InvalidArgumentError("sandbox tenant '" + tenant +
                                        "': expected a tenant id (1-128 of A-Z a-z 0-9 . _ -)");
    }
    sandboxes_.insert(tenant);
  }
  return absl::OkStatus();
}

bool TenantTimeZones::IsSandbox(std::string_view tenant_id) const {
  return sandboxes_.contains(tenant_id);
}

}  // namespace reviewtrail::runtime
