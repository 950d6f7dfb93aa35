#pragma once

#include <string>

#include "reviewtrail/domain/state.h"

namespace reviewtrail::domain {

// Read access to one tenant's current state, as the deciders need it. Implemented in memory by
// TenantState and by the command service's write model. Returned pointers are valid until the
// view is next modified; nullptr means "no such aggregate".
class StateView {
 public:
  virtual ~StateView() = default;
  [[nodiscard]] virtual const PersonState* FindPerson(const std::string& id) const = 0;
  [[nodiscard]] virtual const ReviewState* FindReview(const std::string& id) const = 0;
  // The review that holds the decision `decision_id`.
  [[nodiscard]] virtual const ReviewState* FindReviewOfDecision(
      const std::string& decision_id) const = 0;
  [[nodiscard]] virtual const ActionState* FindAction(const std::string& id) const = 0;
  // The tenant's test clock; nullptr when it was never advanced (a view over no clock answers so).
  [[nodiscard]] virtual const TenantClockState* FindTenantClock() const { return nullptr; }
};

}  // namespace reviewtrail::domain
