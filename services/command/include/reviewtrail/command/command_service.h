#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_metrics.h"
#include "reviewtrail/command/pending_command.h"
#include "reviewtrail/eventlog/event_log.h"
#include "reviewtrail/runtime/clock.h"
#include "reviewtrail/runtime/time_zones.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"

namespace reviewtrail::command {

class PartitionWriter;
class WriteModel;

struct CommandServiceOptions {
  std::string write_model_path;          // a RocksDB directory owned by this service
  size_t max_queue_per_writer = 10'000;  // commands waiting; beyond it, RESOURCE_EXHAUSTED
  // The longest a command may wait for its writer, even when its caller set no deadline.
  std::chrono::milliseconds max_queue_wait = std::chrono::seconds(10);
  // Each tenant's "today" (due dates may not be before it); default UTC.
  runtime::TenantTimeZones time_zones;
  // A handler that finds its partition's writer idle writes its command itself, on gRPC's thread
  // (no hand-off to the writer thread). Off for a log whose appends wait on the network (Kafka),
  // so that gRPC's threads are not held for them.
  bool handlers_write_when_idle = true;
};

// The write path: authenticate, authorise, load state, decide, append, reply. Owns the write model
// and one PartitionWriter per commit lane of the log (the single writer of that lane's partitions,
// so a batch of commands needs one group commit and no other writer's). The gRPC
// callback handlers authenticate and queue; the writers do the rest and finish the calls, except
// that a handler finding its writer idle writes its command itself (handlers_write_when_idle).
//
// Thread-safety: handlers are called on gRPC's threads; Stop() once, after the server stopped
// accepting calls.
class CommandService final : public v1::CommandService::CallbackService {
 public:
  // Opens the write model, indexes what the log holds beyond its checkpoint and starts the writers.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<CommandService>> Start(
      eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
      prometheus::Registry& registry, CommandServiceOptions options);
  ~CommandService() override;

  // Finishes every queued command, then stops the writers.
  void Stop();

  // The RocksDB figures of the write model (store "write_model"), for metrics. Thread-safe.
  [[nodiscard]] std::vector<eventlog::StoreStatistics> StorageStatistics() const;

  // Queues a command for its tenant's partition writer (used by the handlers, and in-process by
  // tests and tools).
  [[nodiscard]] absl::Status Submit(PendingCommand command);
  // Like Submit(), but when the partition's writer is idle and nothing waits for it, writes the
  // command on the calling thread and completes it before returning (the handlers' path: an idle
  // writer thread need not be woken). Otherwise queues it.
  [[nodiscard]] absl::Status SubmitOrRun(PendingCommand command);

  grpc::ServerUnaryReactor* RegisterPerson(grpc::CallbackServerContext* context,
                                           const v1::RegisterPersonRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* DeactivatePerson(grpc::CallbackServerContext* context,
                                             const v1::DeactivatePersonRequest* request,
                                             v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RecordReview(grpc::CallbackServerContext* context,
                                         const v1::RecordReviewRequest* request,
                                         v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RecordDecision(grpc::CallbackServerContext* context,
                                           const v1::RecordDecisionRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* AssignAction(grpc::CallbackServerContext* context,
                                         const v1::AssignActionRequest* request,
                                         v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* ReassignAction(grpc::CallbackServerContext* context,
                                           const v1::ReassignActionRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RescheduleAction(grpc::CallbackServerContext* context,
                                             const v1::RescheduleActionRequest* request,
                                             v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* ReportProgress(grpc::CallbackServerContext* context,
                                           const v1::ReportProgressRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* AttachEvidence(grpc::CallbackServerContext* context,
                                           const v1::AttachEvidenceRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RequestClosure(grpc::CallbackServerContext* context,
                                           const v1::RequestClosureRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* ApproveClosure(grpc::CallbackServerContext* context,
                                           const v1::ApproveClosureRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RejectClosure(grpc::CallbackServerContext* context,
                                          const v1::RejectClosureRequest* request,
                                          v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* CancelAction(grpc::CallbackServerContext* context,
                                         const v1::CancelActionRequest* request,
                                         v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RecordReminder(grpc::CallbackServerContext* context,
                                           const v1::RecordReminderRequest* request,
                                           v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* RecordEscalation(grpc::CallbackServerContext* context,
                                             const v1::RecordEscalationRequest* request,
                                             v1::CommandReply* reply) override;

  // The command RPCs of other services (AdminService.AdvanceTestClock): authenticated, queued,
  // decided and answered exactly like the ones above. Instantiated in command_service.cc.
  template <typename Request>
  grpc::ServerUnaryReactor* Handle(const char* name, grpc::CallbackServerContext* context,
                                   const Request* request, v1::CommandReply* reply);

  // A tenant's test clock as the write model holds it, once it has indexed everything the log held
  // when asked (waits at most `wait` for that); version 0 when never advanced.
  [[nodiscard]] absl::StatusOr<domain::TenantClockState> TenantClock(
      const std::string& tenant_id, std::chrono::milliseconds wait);
  [[nodiscard]] const runtime::TenantTimeZones& time_zones() const { return time_zones_; }
  [[nodiscard]] const auth::TokenVerifier& verifier() const { return verifier_; }
  [[nodiscard]] const runtime::Clock& clock() const { return clock_; }

 private:
  CommandService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
                 const runtime::Clock& clock, prometheus::Registry& registry);

  eventlog::EventLog& log_;
  const auth::TokenVerifier& verifier_;
  const runtime::Clock& clock_;
  CommandMetrics metrics_;
  std::chrono::milliseconds max_queue_wait_{0};
  bool handlers_write_when_idle_ = true;
  runtime::TenantTimeZones time_zones_;
  std::unique_ptr<WriteModel> model_;
  std::vector<std::unique_ptr<PartitionWriter>> writers_;  // writer i: partitions p, p % size == i
};

}  // namespace reviewtrail::command
