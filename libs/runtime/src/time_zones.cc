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

}  // namespace

absl::StatusOr<TenantTimeZones> TenantTimeZones::Parse(const std::vector<std::string>& entries) {
  TenantTimeZones zones;
  for (const std::string& entry : entries) {
    const size_t equals = entry.find('=');
    const auto bad = [&entry](std::string_view why) {
      return absl::InvalidArgumentError("time zone entry '" + entry + "': " + std::string(why) +
                                        " (expected tenant=+HH:MM)");
    };
    if (equals == std::string::npos || equals == 0) return bad("no tenant");
    const std::string tenant = entry.substr(0, equals);
    const std::string_view offset = std::string_view(entry).substr(equals + 1);
    if (offset == "UTC" || offset == "Z") {
      zones.Set(tenant, std::chrono::minutes(0));
      continue;
    }
    if (offset.size() != 6 || (offset[0] != '+' && offset[0] != '-') || offset[3] != ':' ||
        !IsDigits(offset.substr(1, 2)) || !IsDigits(offset.substr(4, 2))) {
      return bad("malformed offset");
    }
    const int hours = std::atoi(std::string(offset.substr(1, 2)).c_str());
    const int minutes = std::atoi(std::string(offset.substr(4, 2)).c_str());
    if (hours > 14 || minutes > 59) return bad("offset out of range");
    const int sign = offset[0] == '-' ? -1 : 1;
    zones.Set(tenant, std::chrono::minutes(sign * (hours * 60 + minutes)));
  }
  return zones;
}

void TenantTimeZones::Set(std::string tenant_id, std::chrono::minutes offset) {
  offsets_[std::move(tenant_id)] = offset;
}

std::chrono::minutes TenantTimeZones::OffsetOf(std::string_view tenant_id) const {
  auto it = offsets_.find(tenant_id);
  return it == offsets_.end() ? std::chrono::minutes(0) : it->second;
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
  return domain::TenantDay(micros, OffsetOf(tenant_id).count(), advance_micros);
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
