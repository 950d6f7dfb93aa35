#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::runtime {

// Each tenant's time zone (default UTC), which decides the tenant's "today": for due dates a
// command accepts, overdue and due-soon counts, the calendar day of a closure and the local time
// reminders are sent at. A zone is an IANA name with its daylight-saving rules ("Europe/Amsterdam",
// read from the system's tz database, Debian's tzdata) or a fixed offset ("+01:00", "-08:00",
// "UTC"). Due dates themselves are calendar days without a zone. Changing a tenant's zone changes
// the closure days already projected only after a --rebuild.
//
// It also knows which tenants the server runs as sandboxes (`--sandbox-tenant`): only their test
// clocks may be advanced (libs/domain/tenant_clock.h). The advance itself is in the log; the
// overloads taking `advance` give the tenant's day with it, through domain::TenantDay.
//
// An immutable value once built; safe to share between threads.
class TenantTimeZones {
 public:
  // Entries "tenant=ZONE", ZONE an IANA name ("Europe/Amsterdam", "America/Los_Angeles"), a fixed
  // offset "+HH:MM" / "-HH:MM", or "UTC". InvalidArgument names a bad entry and the rule; a tenant
  // given twice is refused.
  [[nodiscard]] static absl::StatusOr<TenantTimeZones> Parse(
      const std::vector<std::string>& entries);

  // The tenant's zone (UTC when not configured).
  [[nodiscard]] const absl::TimeZone& ZoneOf(std::string_view tenant_id) const;
  // The tenant's zone as configured ("Europe/Amsterdam", "-08:00"; "UTC" when not configured).
  [[nodiscard]] std::string ZoneNameOf(std::string_view tenant_id) const;

  // Declares sandbox tenants by name; InvalidArgument names an empty or malformed one.
  [[nodiscard]] absl::Status AddSandboxes(const std::vector<std::string>& tenant_ids);
  [[nodiscard]] bool IsSandbox(std::string_view tenant_id) const;

  // The tenant's calendar day at `time`.
  [[nodiscard]] domain::CivilDate DayOf(std::string_view tenant_id,
                                        std::chrono::system_clock::time_point time) const;
  // The same for microseconds since the Unix epoch.
  [[nodiscard]] domain::CivilDate DayOfMicros(std::string_view tenant_id, int64_t micros) const;
  // The tenant's calendar day at the real instant `time` with its test clock advanced by
  // `advance_micros` (domain::TenantDay).
  [[nodiscard]] domain::CivilDate DayOf(std::string_view tenant_id,
                                        std::chrono::system_clock::time_point time,
                                        int64_t advance_micros) const;
  [[nodiscard]] domain::CivilDate DayOfMicros(std::string_view tenant_id, int64_t micros,
                                              int64_t advance_micros) const;

 private:
  struct Zone {
    absl::TimeZone zone;
    std::string name;  // as configured
  };
  std::map<std::string, Zone, std::less<>> zones_;
  std::set<std::string, std::less<>> sandboxes_;
};

}  // namespace reviewtrail::runtime
