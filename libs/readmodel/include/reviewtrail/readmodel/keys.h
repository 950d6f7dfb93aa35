#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "reviewtrail/domain/civil_date.h"

namespace reviewtrail::readmodel {

// The read model's tables (column families of its ProjectionStore). Every key starts with the
// tenant id and a NUL, so one tenant's records are one key range and never mix with another's.
// Components are joined by NUL (ids never contain one); values are serialized v1 query messages.
//
//   actions              tenant.action                       -> ActionView
//   action_history       tenant.action                       -> ActionDetail holding only the
//                                                               history (an entry per event,
//                                                               in order)
//   actions_by_owner     tenant.owner.action                 -> ActionView (a copy of the
//                                                               action's: an owner's list is
//                                                               one range read)
//   actions_by_status    tenant.status(2 digits).action      -> ""
//   actions_by_review    tenant.review.decision.action       -> ""   (a decision's actions are
//                                                               a range of its review's)
//   open_actions_by_due  tenant.T.YYYYMMDD.action            -> ""   (not final actions only)
//   open_due_counts      tenant.scope                        -> DueDayCounts: per due day, how
//                                                               many of the scope's actions are
//                                                               not final (no record for none)
//   reviews              tenant.review                       -> ReviewView
//   decisions            tenant.decision                     -> DecisionView
//   persons              tenant.person                       -> PersonView
//   dashboard_counters   tenant.scope                        -> Dashboard (stored counters only)
//   tenant_clocks        tenant                              -> TestClockAdvanced: the last one
//                                                               of a sandbox (its total advance)
//
// A scope is "T" (the tenant), "R.<review>" or "O.<owner>".
inline constexpr char kActions[] = "actions";
inline constexpr char kActionHistory[] = "action_history";
inline constexpr char kActionsByOwner[] = "actions_by_owner";
inline constexpr char kActionsByStatus[] = "actions_by_status";
inline constexpr char kActionsByReview[] = "actions_by_review";
inline constexpr char kOpenActionsByDue[] = "open_actions_by_due";
inline constexpr char kOpenDueCounts[] = "open_due_counts";
inline constexpr char kReviews[] = "reviews";
inline constexpr char kDecisions[] = "decisions";
inline constexpr char kPersons[] = "persons";
inline constexpr char kDashboardCounters[] = "dashboard_counters";
inline constexpr char kTenantClocks[] = "tenant_clocks";

// The version of the layout above, saved in the store (ProjectionStore::SaveSchemaVersion). Bump it
// with any change a store written by an earlier build would lack or read differently: the query
// service rebuilds a store of another version from the log when it starts.
//   1  (not recorded) until open_due_counts
//   2  open_due_counts
//   3  actions_by_owner holds the actions' views
//   4  open_due_counts holds one record per scope instead of one per scope and day
//   5  open_actions_by_due holds the tenant scope only (the others were never read)
//   6  actions_by_review keyed by review and decision; no actions_by_decision
//   7  action_history holds one record per action instead of one per event
//   8  history entries spell event types as the audit log does ("ClosureApproved")
//   9  tenant_clocks
inline constexpr int64_t kSchemaVersion = 9;

// Every table above, in a fixed order.
[[nodiscard]] std::vector<std::string> AllTables();
// Whether the records of `table` are ActionViews: the actions table and actions_by_owner.
[[nodiscard]] bool HoldsActionViews(std::string_view table);
// The tables whose files are kept uncompressed: those holding ActionViews, which ListActions reads
// a page at a time from one range and copies out as stored (in place from the page cache, with
// no decompression; ProjectionStoreOptions::uncompressed_tables).
[[nodiscard]] std::vector<std::string> UncompressedTables();

// The components joined by NUL.
[[nodiscard]] std::string Key(std::initializer_list<std::string_view> parts);
// Key(parts) followed by NUL: every key that extends `parts` by more components starts with it.
[[nodiscard]] std::string Prefix(std::initializer_list<std::string_view> parts);
// The last component of a key (the action id of an index key).
[[nodiscard]] std::string_view LastComponent(std::string_view key);

// "20260301": sorts like the date.
[[nodiscard]] std::string DayKey(const domain::CivilDate& day);
// 2 decimal digits of the ActionStatus number.
[[nodiscard]] std::string StatusKey(int status);

// Scope components of dashboards and the due-date index.
[[nodiscard]] std::string TenantScope();
[[nodiscard]] std::string ReviewScope(std::string_view review_id);
[[nodiscard]] std::string OwnerScope(std::string_view owner_id);

}  // namespace reviewtrail::readmodel
