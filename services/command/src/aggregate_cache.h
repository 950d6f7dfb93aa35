#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "reviewtrail/domain/state_view.h"
#include "reviewtrail/v1/events.pb.h"
#include "write_model.h"

namespace reviewtrail::command {

// Folded aggregates of one writer's tenants, loaded from the WriteModel on first use and kept
// current by applying each decided event. Also the overlay of a batch in flight: events are applied
// here before they are durable, so a failed append must Clear() the cache.
//
// Owned and used by one PartitionWriter thread. Bounded: TrimIfFull(), called between batches
// (when no pointer from a view is held and everything applied is durable), starts afresh once
// `max_entries` aggregates are cached.
class AggregateCache {
 public:
  AggregateCache(const WriteModel& model, size_t max_entries)
      : model_(model), max_entries_(max_entries) {}

  // A StateView of one tenant over this cache. Load errors are remembered and reported by
  // TakeError(); the view then answers "not found" for what could not be loaded.
  class TenantView final : public domain::StateView {
   public:
    TenantView(AggregateCache& cache, std::string tenant_id)
        : cache_(cache), tenant_id_(std::move(tenant_id)) {}
    [[nodiscard]] const domain::PersonState* FindPerson(const std::string& id) const override;
    [[nodiscard]] const domain::ReviewState* FindReview(const std::string& id) const override;
    [[nodiscard]] const domain::ReviewState* FindReviewOfDecision(
        const std::string& decision_id) const override;
    [[nodiscard]] const domain::ActionState* FindAction(const std::string& id) const override;
    [[nodiscard]] const domain::TenantClockState* FindTenantClock() const override;

   private:
    AggregateCache& cache_;
    std::string tenant_id_;
  };

  // Folds a decided event into its aggregate.
  void Apply(const v1::EventEnvelope& event);
  void Clear();
  void TrimIfFull();
  // The first load error since the last call, if any.
  [[nodiscard]] absl::Status TakeError();

 private:
  using Key = std::pair<std::string, std::string>;  // tenant, aggregate id

  template <typename State>
  const State* Find(std::map<Key, State>& map, const std::string& tenant, v1::AggregateType type,
                    const std::string& id);

  const WriteModel& model_;
  size_t max_entries_;
  std::map<Key, domain::PersonState> persons_;
  std::map<Key, domain::ReviewState> reviews_;
  std::map<Key, domain::ActionState> actions_;
  std::map<Key, std::string> review_of_decision_;
  // Per tenant asked for; version 0: never advanced (kept, so the question is asked once).
  std::map<std::string, domain::TenantClockState> clocks_;
  absl::Status error_;
};

}  // namespace reviewtrail::command
