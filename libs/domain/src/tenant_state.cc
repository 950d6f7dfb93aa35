#include "reviewtrail/domain/tenant_state.h"

#include "reviewtrail/domain/evolve.h"
#include "reviewtrail/domain/tenant_clock.h"

namespace reviewtrail::domain {
namespace {

template <typename Map>
const typename Map::mapped_type* Find(const Map& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void TenantState::Apply(const v1::EventEnvelope& event) {
  switch (event.aggregate_type()) {
    case v1::AGGREGATE_TYPE_PERSON:
      Evolve(persons_[event.aggregate_id()], event);
      break;
    case v1::AGGREGATE_TYPE_REVIEW:
      Evolve(reviews_[event.aggregate_id()], event);
      if (event.has_decision_recorded()) {
        review_of_decision_[event.decision_recorded().decision_id()] = event.aggregate_id();
      }
      break;
    case v1::AGGREGATE_TYPE_ACTION:
      Evolve(actions_[event.aggregate_id()], event);
      break;
    case v1::AGGREGATE_TYPE_TENANT:
      Evolve(clock_, event);
      break;
    default:
      break;  // an aggregate type this build does not know
  }
}

const PersonState* TenantState::FindPerson(const std::string& id) const {
  return Find(persons_, id);
}

const ReviewState* TenantState::FindReview(const std::string& id) const {
  return Find(reviews_, id);
}

const ReviewState* TenantState::FindReviewOfDecision(const std::string& decision_id) const {
  const std::string* review_id = Find(review_of_decision_, decision_id);
  return review_id == nullptr ? nullptr : FindReview(*review_id);
}

const ActionState* TenantState::FindAction(const std::string& id) const {
  return Find(actions_, id);
}

const TenantClockState* TenantState::FindTenantClock() const {
  return clock_.version == 0 ? nullptr : &clock_;
}

}  // namespace reviewtrail::domain
