// Kafka mode: the golden scenario produced to a Kafka topic on librdkafka's in-process mock
// cluster (the real Kafka protocol on loopback), projected and queried over gRPC.
#include "query_fixture.h"

namespace reviewtrail::query::testing {
namespace {

using Stub = v1::QueryService::Stub;

class KafkaQueryServiceTest : public QueryServiceTest {
 protected:
  KafkaQueryServiceTest() : QueryServiceTest(LogKind::kKafka) {}
};

TEST_F(KafkaQueryServiceTest, AnswersTheGoldenNumbersFromAKafkaLog) {
  ASSERT_NE(log_, nullptr);
  LoadGolden();
  const std::string auditor = Token("aude", {v1::ROLE_AUDITOR});
  readmodel::testing::ExpectGoldenDashboards(
      scenario_, [&](const std::string& review, const std::string& owner) {
        v1::GetDashboardRequest request;
        request.set_review_id(review);
        request.set_owner_id(owner);
        *request.mutable_min_position() = ToProto(last_.at("acme"));
        v1::Dashboard dashboard;
        const grpc::Status status = Query(&Stub::GetDashboard, request, &dashboard, auditor);
        EXPECT_TRUE(status.ok()) << status.error_message();
        return dashboard;
      });
  v1::AuditReadinessReport report;
  ASSERT_TRUE(
      Query(&Stub::CheckAuditReadiness, v1::CheckAuditReadinessRequest(), &report, auditor).ok());
  readmodel::testing::ExpectGoldenFindings(scenario_, report);
  v1::GetReviewInputPackRequest pack_request;
  *pack_request.mutable_held_before() = domain::CivilDate{2026, 2, 27}.ToProto();
  v1::ReviewInputPack pack;
  ASSERT_TRUE(Query(&Stub::GetReviewInputPack, pack_request, &pack, auditor).ok());
  readmodel::testing::ExpectGoldenInputPack(scenario_, pack);
  v1::ListActionsRequest overdue_request;
  overdue_request.set_overdue_only(true);
  v1::ListActionsResponse overdue;
  ASSERT_TRUE(Query(&Stub::ListActions, overdue_request, &overdue, auditor).ok());
  readmodel::testing::ExpectGoldenOverdue(scenario_, overdue);
}

}  // namespace
}  // namespace reviewtrail::query::testing
