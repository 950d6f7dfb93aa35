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
#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::runtime {

// Each tenant's time zone as a fixed offset from UTC (default UTC), which decides the tenant's
// "today": for due dates a command accepts, overdue and due-soon counts, and the calendar day of a
// closure.
//
// Why fixed offsets: the toolchain (g++ 12, libstdc++) has no std::chrono::tzdb, so IANA names
// with daylight-saving rules are not available; a tenant in Europe/Amsterdam configures +01:00 (or
// +02:00 in summer). Due dates themselves are calendar days without a zone. Changing a tenant's
// offset changes the closure days already projected only after a --rebuild.
//
// It also knows which tenants the server runs as sandboxes (`--sandbox-tenant`): only their test
// clocks may be advanced (libs/domain/tenant_clock.h). The advance itself is in the log; the
// overloads taking `advance` give the tenant's day with it, through domain::TenantDay.
//
// An immutable value once built; safe to share between threads.
class TenantTimeZones {
 public:
  // Entries "tenant=+HH:MM" or "tenant=-HH:MM" (also "tenant=UTC"); InvalidArgument names a bad
  // entry.
  [[nodiscard]] static absl::StatusOr<TenantTimeZones> Parse(
      const std::vector<std::string>& entries);

  void Set(std::string tenant_id, std::chrono::minutes offset);
  [[nodiscard]] std::chrono::minutes OffsetOf(std::string_view tenant_id) const;

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
  std::map<std::string, std::chrono::minutes, std::less<>> offsets_;
  std::set<std::string, std::less<>> sandboxes_;
};

}  // namespace reviewtrail::runtime
