#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "reviewtrail/audit/entry.h"
#include "reviewtrail/audit/stored_view.h"

namespace reviewtrail::audit {

// The chain an export's rows follow, which makes them provably complete (docs/AUDIT.md): the
// tenant's chain (no filter, or a time range), the trail of one review (review_prev_* links) or of
// one action (action_prev_* links; also when a review is given with it).
enum class ExportChain { kTenant, kReview, kAction };
[[nodiscard]] std::string_view ExportChainName(ExportChain chain);  // "tenant", "review", "action"

// Which entries an export holds: those matching every criterion that is set. A plain value.
struct ExportFilter {
  // A time range selects a contiguous segment of the chain: from the first entry recorded at or
  // after `recorded_from` to the last one recorded before `recorded_until`, every entry between
  // them included (entries are recorded in chain order; should clocks ever disagree, the segment
  // still holds every entry between its ends). The exporter finds the segment's sequence numbers
  // first (InTimeRange) and sets first_sequence / last_sequence.
  std::optional<Micros> recorded_from;   // inclusive
  std::optional<Micros> recorded_until;  // exclusive
  int64_t first_sequence = 1;
  int64_t last_sequence = std::numeric_limits<int64_t>::max();
  std::string review_id;
  std::string action_id;
  // Entries of one actor: a subset no chain links, so not provably complete.
  std::string actor_id;

  [[nodiscard]] bool HasTimeRange() const {
    return recorded_from.has_value() || recorded_until.has_value();
  }
  [[nodiscard]] bool InTimeRange(Micros recorded_at) const {
    return (!recorded_from || recorded_at >= *recorded_from) &&
           (!recorded_until || recorded_at < *recorded_until);
  }
  [[nodiscard]] ExportChain chain() const {
    return !action_id.empty()   ? ExportChain::kAction
           : !review_id.empty() ? ExportChain::kReview
                                : ExportChain::kTenant;
  }
  [[nodiscard]] std::string_view chain_id() const {
    return !action_id.empty() ? std::string_view(action_id) : std::string_view(review_id);
  }

  [[nodiscard]] bool Matches(int64_t sequence, std::string_view review, std::string_view action,
                             std::string_view actor) const {
    if (sequence < first_sequence || sequence > last_sequence) return false;
    if (!review_id.empty() && review != review_id) return false;
    if (!action_id.empty() && action != action_id) return false;
    if (!actor_id.empty() && actor != actor_id) return false;
    return true;
  }
  [[nodiscard]] bool Matches(const Entry& entry) const {
    return Matches(entry.sequence, entry.review_id, entry.action_id, entry.actor_id);
  }
  // The same for an entry read in place.
  [[nodiscard]] bool Matches(const StoredView& view) const {
    return Matches(view.sequence, view[Field::kReviewId], view[Field::kActionId],
                   view[Field::kActorId]);
  }
};

// What an export's trailer states about its rows, gathered row by row (in chain order) or part by
// part (Merge, in order): how many, the first and the last, and the link the first row starts
// from in the export's chain. A plain value.
class ExportTrail {
 public:
  explicit ExportTrail(ExportChain chain) : chain_(chain) {}

  void Add(const StoredView& row);
  void Add(const Entry& row);
  // Appends the rows gathered by `later`, which follow this one's.
  void Merge(const ExportTrail& later);

  [[nodiscard]] int64_t rows() const { return rows_; }
  [[nodiscard]] int64_t first_sequence() const { return first_sequence_; }
  // The entry the first linked row links to in the chain: for the tenant's chain the first row's
  // predecessor (first_sequence - 1 and its prev_hash); for a review's or action's trail the first
  // v2 row's review_prev_* / action_prev_* (0 and empty: the trail's first entry).
  [[nodiscard]] int64_t first_prev_sequence() const { return first_prev_sequence_; }
  [[nodiscard]] const std::string& first_prev_hash() const { return first_prev_hash_; }
  [[nodiscard]] int64_t last_sequence() const { return last_sequence_; }
  [[nodiscard]] const std::string& last_hash() const { return last_hash_; }
  // v1 rows of a review's or action's trail: stored before entries were linked, so the trail is
  // provably complete only from its first v2 row on.
  [[nodiscard]] int64_t unlinked_rows() const { return unlinked_rows_; }

 private:
  void Add(int version, int64_t sequence, std::string_view prev_hash, std::string_view hash,
           int64_t review_prev_sequence, std::string_view review_prev_hash,
           int64_t action_prev_sequence, std::string_view action_prev_hash);

  ExportChain chain_;
  int64_t rows_ = 0;
  int64_t first_sequence_ = 0;
  bool linked_ = false;  // a row that sets first_prev_* was seen
  int64_t first_prev_sequence_ = 0;
  std::string first_prev_hash_;
  int64_t last_sequence_ = 0;
  std::string last_hash_;
  int64_t unlinked_rows_ = 0;
};

}  // namespace reviewtrail::audit
