#include "aggregate_cache.h"

#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/tenant_clock.h"

namespace reviewtrail::command {

template <typename State>
const State* AggregateCache::Find(std::map<Key, State>& map, const std::string& tenant,
                                  v1::AggregateType type, const std::string& id) {
  Key key{tenant, id};
  if (auto it = map.find(key); it != map.end()) return &it->second;
  absl::StatusOr<std::vector<v1::EventEnvelope>> events = model_.LoadAggregate(tenant, type, id);
  if (!events.ok()) {
    if (error_.ok()) error_ = events.status();
    return nullptr;
  }
  if (events->empty()) return nullptr;
  State& state = map[key];
  for (const auto& event : *events) domain::Evolve(state, event);
  return &state;
}

void AggregateCache::Apply(const v1::EventEnvelope& event) {
  const std::string& tenant = event.tenant_id();
  const std::string& id = event.aggregate_id();
  switch (event.aggregate_type()) {
    case v1::AGGREGATE_TYPE_PERSON:
      Find(persons_, tenant, event.aggregate_type(), id);
      domain::Evolve(persons_[{tenant, id}], event);
      break;
    case v1::AGGREGATE_TYPE_REVIEW:
      Find(reviews_, tenant, event.aggregate_type(), id);
      domain::Evolve(reviews_[{tenant, id}], event);
      if (event.has_decision_recorded()) {
        review_of_decision_[{tenant, event.decision_recorded().decision_id()}] = id;
      }
      break;
    case v1::AGGREGATE_TYPE_ACTION:
      Find(actions_, tenant, event.aggregate_type(), id);
      domain::Evolve(actions_[{tenant, id}], event);
      break;
    case v1::AGGREGATE_TYPE_TENANT:
      static_cast<void>(TenantView(*this, tenant).FindTenantClock());  // loaded before it changes
      domain::Evolve(clocks_[tenant], event);
      break;
    default:
      break;
  }
}

void AggregateCache::Clear() {
  persons_.clear();
  reviews_.clear();
  actions_.clear();
  review_of_decision_.clear();
  clocks_.clear();
}

absl::Status AggregateCache::TakeError() { return std::exchange(error_, absl::OkStatus()); }

void AggregateCache::TrimIfFull() {
  if (persons_.size() + reviews_.size() + actions_.size() < max_entries_) return;
  Clear();
}

const domain::PersonState* AggregateCache::TenantView::FindPerson(const std::string& id) const {
  return cache_.Find(cache_.persons_, tenant_id_, v1::AGGREGATE_TYPE_PERSON, id);
}

const domain::ReviewState* AggregateCache::TenantView::FindReview(const std::string& id) const {
  return cache_.Find(cache_.reviews_, tenant_id_, v1::AGGREGATE_TYPE_REVIEW, id);
}

const domain::ReviewState* AggregateCache::TenantView::FindReviewOfDecision(
    const std::string& decision_id) const {
  if (auto it = cache_.review_of_decision_.find({tenant_id_, decision_id});
      it != cache_.review_of_decision_.end()) {
    return FindReview(it->second);
  }
  absl::StatusOr<std::optional<std::string>> review =
      cache_.model_.FindReviewOfDecision(tenant_id_, decision_id);
  if (!review.ok()) {
    if (cache_.error_.ok()) cache_.error_ = review.status();
    return nullptr;
  }
  if (!review->has_value()) return nullptr;
  return FindReview(**review);
}

const domain::ActionState* AggregateCache::TenantView::FindAction(const std::string& id) const {
  return cache_.Find(cache_.actions_, tenant_id_, v1::AGGREGATE_TYPE_ACTION, id);
}

}  // namespace reviewtrail::command

namespace reviewtrail::command {

const domain::TenantClockState* AggregateCache::TenantView::FindTenantClock() const {
  auto it = cache_.clocks_.find(tenant_id_);
  if (it == cache_.clocks_.end()) {
    absl::StatusOr<std::vector<v1::EventEnvelope>> events =
        cache_.model_.LoadAggregate(tenant_id_, v1::AGGREGATE_TYPE_TENANT, tenant_id_);
    if (!events.ok()) {
      if (cache_.error_.ok()) cache_.error_ = events.status();
      return nullptr;
    }
    it = cache_.clocks_.emplace(tenant_id_, domain::TenantClockState()).first;
    for (const auto& event : *events) domain::Evolve(it->second, event);
  }
  return it->second.version == 0 ? nullptr : &it->second;
}

}  // namespace reviewtrail::command
