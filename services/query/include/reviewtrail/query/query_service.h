#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/projection/projection_store.h"
#include "reviewtrail/projection/projector.h"
#include "reviewtrail/readmodel/query_projection.h"
#include "reviewtrail/rpc/read_your_writes.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::query {

class QueryMetrics;

struct QueryServiceOptions {
  std::string store_path;               // the read model's RocksDB directory, owned by this service
  runtime::TenantTimeZones time_zones;  // "today" per tenant; default UTC
  // How long a query carrying min_position waits for the projector before UNAVAILABLE.
  std::chrono::milliseconds read_your_writes_timeout = rpc::kMaxPositionWait;
  size_t max_batch = 1000;  // events per committed projector batch
  // Threads folding a rebuild from the log (0: the hardware threads); see server::CatchUpWorkers.
  size_t rebuild_workers = 0;
  // Where start-up notices go: the automatic rebuild of a store of another schema version.
  std::ostream* notices = &std::cerr;
};

// The read API (reviewtrail.v1.QueryService) over the read model it keeps: a Projector applies the
// log to the store (positions committed with the changes), and each call authenticates, checks
// access and input, waits for its min_position if it has one, and answers from one consistent
// snapshot of the store.
//
// Access: isms_manager and auditor see all of their tenant; an action_owner sees their own
// actions and dashboard, and reviews and persons; review input pack and audit readiness need
// isms_manager or auditor. Another tenant's records are never found.
//
// Metrics (the projector's): reviewtrail_projection_events_total{projection="query",type},
// reviewtrail_projection_skipped_total, reviewtrail_projection_lag_events{partition},
// reviewtrail_projection_lag_seconds{partition}; (the service's) QueryMetrics.
//
// Thread-safety: handlers run on gRPC's threads (a min_position wait blocks its thread, bounded by
// read_your_writes_timeout); Stop() once, after the server stopped accepting calls.
class QueryService final : public v1::QueryService::WithRawCallbackMethod_ListActions<
                               v1::QueryService::CallbackService> {
 public:
  // Opens (or creates) the store (OpenReadModel: a store of another schema version is rebuilt from
  // the log first) and starts projecting from its committed positions.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<QueryService>> Start(
      eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
      prometheus::Registry& registry, QueryServiceOptions options);
  ~QueryService() override;
  QueryService(const QueryService&) = delete;
  QueryService& operator=(const QueryService&) = delete;

  // Stops the projector; queries still answer from what was applied.
  void Stop();

  // The RocksDB figures of the read model (store "query"), for metrics. Thread-safe.
  [[nodiscard]] std::vector<eventlog::StoreStatistics> StorageStatistics() const {
    return {store_->Statistics("query")};
  }

  // The projector, for tools and tests that wait for a position or read its progress.
  [[nodiscard]] projection::Projector& projector() { return *projector_; }

  grpc::ServerUnaryReactor* GetAction(grpc::CallbackServerContext* context,
                                      const v1::GetActionRequest* request,
                                      v1::ActionDetail* response) override;
  // Raw: the request is parsed here, the response is the read model's serialized page
  // (Queries::ListActionsSerialized: the stored action views are sent without a parse).
  grpc::ServerUnaryReactor* ListActions(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request,
                                        grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetReview(grpc::CallbackServerContext* context,
                                      const v1::GetReviewRequest* request,
                                      v1::ReviewView* response) override;
  grpc::ServerUnaryReactor* ListReviews(grpc::CallbackServerContext* context,
                                        const v1::ListReviewsRequest* request,
                                        v1::ListReviewsResponse* response) override;
  grpc::ServerUnaryReactor* ListPersons(grpc::CallbackServerContext* context,
                                        const v1::ListPersonsRequest* request,
                                        v1::ListPersonsResponse* response) override;
  grpc::ServerUnaryReactor* GetDashboard(grpc::CallbackServerContext* context,
                                         const v1::GetDashboardRequest* request,
                                         v1::Dashboard* response) override;
  grpc::ServerUnaryReactor* GetReviewInputPack(grpc::CallbackServerContext* context,
                                               const v1::GetReviewInputPackRequest* request,
                                               v1::ReviewInputPack* response) override;
  grpc::ServerUnaryReactor* CheckAuditReadiness(grpc::CallbackServerContext* context,
                                                const v1::CheckAuditReadinessRequest* request,
                                                v1::AuditReadinessReport* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const v1::GetPersonRequest* request,
                                      v1::PersonView* response) override;

 private:
  QueryService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
               const runtime::Clock& clock, prometheus::Registry& registry,
               QueryServiceOptions options);

  // Authenticates, waits for min_position, runs `answer` over a snapshot and finishes the call.
  template <typename Request, typename Answer>
  grpc::ServerUnaryReactor* Handle(const char* rpc, grpc::CallbackServerContext* context,
                                   const Request& request, Answer answer);
  [[nodiscard]] grpc::Status AwaitPosition(const v1::LogPosition& position);

  eventlog::EventLog& log_;
  const auth::TokenVerifier& verifier_;
  const runtime::Clock& clock_;
  QueryServiceOptions options_;
  std::unique_ptr<QueryMetrics> metrics_;
  std::unique_ptr<projection::ProjectionStore> store_;
  std::unique_ptr<readmodel::QueryProjection> projection_;
  std::unique_ptr<projection::Projector> projector_;
};

}  // namespace reviewtrail::query
