#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/domain/civil_date.h"
#include "reviewtrail/projection/read_view.h"
#include "reviewtrail/v1/query_service.pb.h"

namespace reviewtrail::readmodel {

// The read API's answers, computed from a projection::ReadView of one tenant's records. `today` is
// the tenant's calendar day, decided by the caller from its clock and the tenant's time zone:
// overdue and due-soon are functions of it, never stored.
//
// Errors: NotFound naming the resource ("actions/<id>"); InvalidFieldError for a page token or
// a filter combination it cannot serve; Internal/DataLoss for an unreadable store. Authorisation is
// the caller's business. A plain object over a borrowed view; one thread.
class Queries {
 public:
  explicit Queries(const projection::ReadView& view) : view_(view) {}

  // The tenant's test clock advance in microseconds (0 when never advanced): the caller's input
  // to the tenant's today (domain::TenantDay) for a sandbox tenant.
  [[nodiscard]] absl::StatusOr<int64_t> TestClockAdvance(const std::string& tenant_id) const;

  [[nodiscard]] absl::StatusOr<v1::ActionView> FindAction(const std::string& tenant_id,
                                                          const std::string& action_id,
                                                          const domain::CivilDate& today) const;
  [[nodiscard]] absl::StatusOr<v1::ActionDetail> GetAction(const std::string& tenant_id,
                                                           const std::string& action_id,
                                                           const domain::CivilDate& today) const;
  [[nodiscard]] absl::StatusOr<v1::ListActionsResponse> ListActions(
      const std::string& tenant_id, const v1::ListActionsRequest& request,
      const domain::CivilDate& today) const;
  // The same page as a serialized ListActionsResponse (what the read API sends), in `page` (left
  // empty on error): each listed action is its stored view as is, with `overdue` appended when
  // set; only the fields the filters need are decoded. ListActions above parses this.
  [[nodiscard]] absl::Status ListActionsSerialized(const std::string& tenant_id,
                                                   const v1::ListActionsRequest& request,
                                                   const domain::CivilDate& today,
                                                   std::string& page) const;
  [[nodiscard]] absl::StatusOr<v1::ReviewView> GetReview(const std::string& tenant_id,
                                                         const std::string& review_id) const;
  [[nodiscard]] absl::StatusOr<v1::ListReviewsResponse> ListReviews(
      const std::string& tenant_id, int32_t page_size, const std::string& page_token) const;
  // Persons in id order, filtered by request.person_id_prefix and display_name_prefix.
  [[nodiscard]] absl::StatusOr<v1::ListPersonsResponse> ListPersons(
      const std::string& tenant_id, const v1::ListPersonsRequest& request) const;
  [[nodiscard]] absl::StatusOr<v1::PersonView> GetPerson(const std::string& tenant_id,
                                                         const std::string& person_id) const;
  // Scope: the review, the owner, or (both empty) the tenant.
  [[nodiscard]] absl::StatusOr<v1::Dashboard> GetDashboard(const std::string& tenant_id,
                                                           const std::string& review_id,
                                                           const std::string& owner_id,
                                                           const domain::CivilDate& today) const;
  // Reviews held before `held_before` (every review when unset), each with all of its actions.
  [[nodiscard]] absl::StatusOr<v1::ReviewInputPack> GetReviewInputPack(
      const std::string& tenant_id, std::optional<domain::CivilDate> held_before,
      const domain::CivilDate& today) const;
  [[nodiscard]] absl::StatusOr<v1::AuditReadinessReport> CheckAuditReadiness(
      const std::string& tenant_id, const domain::CivilDate& today) const;

 private:
  [[nodiscard]] absl::Status ListActionsInto(const std::string& tenant_id,
                                             const v1::ListActionsRequest& request,
                                             const domain::CivilDate& today,
                                             std::string& page) const;

  const projection::ReadView& view_;
};

}  // namespace reviewtrail::readmodel
