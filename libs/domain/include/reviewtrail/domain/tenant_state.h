#pragma once

#include <map>
#include <string>

#include "reviewtrail/domain/state_view.h"
#include "reviewtrail/v1/events.pb.h"

namespace reviewtrail::domain {

// One tenant's whole state, folded from its events in log order. Owned and used by one thread.
class TenantState final : public StateView {
 public:
  // Folds one event into the aggregate it names. Unknown payloads are ignored.
  void Apply(const v1::EventEnvelope& event);

  [[nodiscard]] const PersonState* FindPerson(const std::string& id) const override;
  [[nodiscard]] const ReviewState* FindReview(const std::string& id) const override;
  [[nodiscard]] const ReviewState* FindReviewOfDecision(
      const std::string& decision_id) const override;
  [[nodiscard]] const ActionState* FindAction(const std::string& id) const override;
  [[nodiscard]] const TenantClockState* FindTenantClock() const override;

  [[nodiscard]] const std::map<std::string, PersonState>& persons() const { return persons_; }
  [[nodiscard]] const std::map<std::string, ReviewState>& reviews() const { return reviews_; }
  [[nodiscard]] const std::map<std::string, ActionState>& actions() const { return actions_; }

  friend bool operator==(const TenantState& a, const TenantState& b) {
    return a.persons_ == b.persons_ && a.reviews_ == b.reviews_ && a.actions_ == b.actions_ &&
           a.review_of_decision_ == b.review_of_decision_ && a.clock_ == b.clock_;
  }

 private:
  std::map<std::string, PersonState> persons_;
  std::map<std::string, ReviewState> reviews_;
  std::map<std::string, ActionState> actions_;
  std::map<std::string, std::string> review_of_decision_;
  TenantClockState clock_;
};

}  // namespace reviewtrail::domain
