#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reviewtrail::audit {

// The audit store's tables (column families of its ProjectionStore) and their keys. Tenant ids
// are plain identifiers (no NUL), so "<tenant>\0" prefixes never collide.
//
//   audit_entries  <tenant>\0<seq:8 BE>                 -> EncodeStored(entry)
//   audit_events   <tenant>\0<seq:8 BE>                 -> the event envelope bytes
//   audit_heads    <tenant>                             -> <seq:8 BE><hash:64 hex>
//   audit_index    <tenant>\0<a|r|t>\0<id>\0<seq:8 BE>  -> "" (entries by action / review /
//                                                          the tenant's own aggregate)
//   audit_facts    <tenant>\0<r|e|h>\0<id>              -> action's review / evidence's sha256 /
//                                                          action's evidence sha256s (comma list)
//                  <tenant>\0<R|A>\0<id>                -> the last entry of a review / an action,
//                                                          <seq:8 BE><hash:64 hex> (as a head)
inline constexpr char kEntries[] = "audit_entries";
inline constexpr char kEvents[] = "audit_events";
inline constexpr char kHeads[] = "audit_heads";
inline constexpr char kIndex[] = "audit_index";
inline constexpr char kFacts[] = "audit_facts";

struct Head {
  int64_t sequence = 0;  // 0: empty chain
  std::string hash;      // kGenesisHash for an empty chain
};

[[nodiscard]] std::string TenantPrefix(std::string_view tenant);
[[nodiscard]] std::string EntryKey(std::string_view tenant, int64_t sequence);
// The sequence number of an entry key of `tenant`, or nullopt for a key of another tenant.
[[nodiscard]] std::optional<int64_t> SequenceOfEntryKey(std::string_view tenant,
                                                        std::string_view key);

[[nodiscard]] std::string EncodeHead(const Head& head);
[[nodiscard]] std::optional<Head> DecodeHead(std::string_view value);

// kTenant: the events of the tenant's own aggregate (a sandbox's test clock), id = the tenant id.
enum class IndexKind : char { kAction = 'a', kReview = 'r', kTenant = 't' };
[[nodiscard]] std::string IndexPrefix(std::string_view tenant, IndexKind kind, std::string_view id);
[[nodiscard]] std::string IndexKey(std::string_view tenant, IndexKind kind, std::string_view id,
                                   int64_t sequence);

enum class FactKind : char {
  kActionReview = 'r',
  kEvidenceSha = 'e',
  kActionEvidence = 'h',
  kReviewLast = 'R',
  kActionLast = 'A',
};
[[nodiscard]] std::string FactKey(std::string_view tenant, FactKind kind, std::string_view id);

}  // namespace reviewtrail::audit
