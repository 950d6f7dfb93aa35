#include "reviewtrail/command/command_service.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "partition_writer.h"
#include "reviewtrail/digest/sha256.h"
#include "reviewtrail/domain/tenant_clock.h"
#include "reviewtrail/rpc/authenticate.h"
#include "reviewtrail/rpc/request_parsing.h"
#include "reviewtrail/rpc/status_mapping.h"
#include "write_model.h"

namespace reviewtrail::command {
namespace {

using Clock = std::chrono::steady_clock;

std::string ResultLabel(const CommandOutcome& outcome) {
  if (std::holds_alternative<v1::CommandReply>(outcome)) return "ok";
  if (const auto* error = std::get_if<domain::DomainError>(&outcome)) return error->rule;
  return absl::StatusCodeToString(std::get<absl::Status>(outcome).code());
}

std::string MetadataValue(const grpc::CallbackServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  return it == context.client_metadata().end() ? std::string()
                                               : std::string(it->second.data(), it->second.size());
}

// EventEnvelope.command_fingerprint of a request: SHA-256 over its full type name, a newline and
// its deterministic serialization. The same request always yields the same fingerprint, on any
// replica and after any restart.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    request.SerializePartialToCodedStream(&coded);
  }
  return digest::Sha256Of(request.GetDescriptor()->full_name() + "\n", bytes).str();
}

}  // namespace

CommandService::CommandService(eventlog::EventLog& log, const auth::TokenVerifier& verifier,
                               const runtime::Clock& clock, prometheus::Registry& registry)
    : log_(log), verifier_(verifier), clock_(clock), metrics_(registry) {
  // Every request is checked before it is parsed, so that one that does not parse (invalid UTF-8
  // in a string field) is answered INVALID_ARGUMENT naming the field.
#define REVIEWTRAIL_CHECKED_RPC(Method)                                                 \
  MarkMethodCallback(rpc::MethodIndex(v1::CommandService::service_full_name(), #Method, \
                                      *v1::Method##Request::descriptor()),              \
                     rpc::CheckedUnary(this, &CommandService::Method));
  REVIEWTRAIL_CHECKED_RPC(RegisterPerson)
  REVIEWTRAIL_CHECKED_RPC(DeactivatePerson)
  REVIEWTRAIL_CHECKED_RPC(RecordReview)
  REVIEWTRAIL_CHECKED_RPC(RecordDecision)
  REVIEWTRAIL_CHECKED_RPC(AssignAction)
  REVIEWTRAIL_CHECKED_RPC(ReassignAction)
  REVIEWTRAIL_CHECKED_RPC(RescheduleAction)
  REVIEWTRAIL_CHECKED_RPC(ReportProgress)
  REVIEWTRAIL_CHECKED_RPC(AttachEvidence)
  REVIEWTRAIL_CHECKED_RPC(RequestClosure)
  REVIEWTRAIL_CHECKED_RPC(ApproveClosure)
  REVIEWTRAIL_CHECKED_RPC(RejectClosure)
  REVIEWTRAIL_CHECKED_RPC(CancelAction)
  REVIEWTRAIL_CHECKED_RPC(RecordReminder)
  REVIEWTRAIL_CHECKED_RPC(RecordEscalation)
#undef REVIEWTRAIL_CHECKED_RPC
}

CommandService::~CommandService() { Stop(); }

absl::StatusOr<std::unique_ptr<CommandService>> CommandService::Start(
    eventlog::EventLog& log, const auth::TokenVerifier& verifier, const runtime::Clock& clock,
    prometheus::Registry& registry, CommandServiceOptions options) {
  std::unique_ptr<CommandService> service(new CommandService(log, verifier, clock, registry));
  absl::StatusOr<std::unique_ptr<WriteModel>> model = WriteModel::Open(options.write_model_path);
  if (!model.ok()) return model.status();
  service->model_ = *std::move(model);
  service->max_queue_wait_ = options.max_queue_wait;
  service->handlers_write_when_idle_ = options.handlers_write_when_idle;
  service->time_zones_ = std::move(options.time_zones);
  // A writer per commit lane of the log, writing the partitions of that lane.
  const int32_t lanes = std::max(1, std::min(log.CommitLanes(), log.PartitionCount()));
  std::vector<std::vector<int32_t>> partitions_of(static_cast<size_t>(lanes));
  for (int32_t partition = 0; partition < log.PartitionCount(); ++partition) {
    partitions_of[static_cast<size_t>(partition % lanes)].push_back(partition);
  }
  for (std::vector<int32_t>& partitions : partitions_of) {
    auto writer =
        std::make_unique<PartitionWriter>(std::move(partitions), log, *service->model_,
                                          service->metrics_, options.max_queue_per_writer);
    if (absl::Status started = writer->Start(); !started.ok()) return started;
    service->writers_.push_back(std::move(writer));
  }
  return service;
}

std::vector<eventlog::StoreStatistics> CommandService::StorageStatistics() const {
  return {model_->Statistics()};
}

void CommandService::Stop() {
  for (auto& writer : writers_) writer->Stop();
}

absl::Status CommandService::Submit(PendingCommand command) {
  const int32_t partition = log_.PartitionFor(command.context.tenant_id);
  // The lane of a partition, as EventLog::CommitLanes defines it.
  return writers_.at(static_cast<size_t>(partition) % writers_.size())->Submit(std::move(command));
}

absl::Status CommandService::SubmitOrRun(PendingCommand command) {
  const int32_t partition = log_.PartitionFor(command.context.tenant_id);
  return writers_.at(static_cast<size_t>(partition) % writers_.size())
      ->SubmitOrRun(std::move(command));
}

absl::StatusOr<domain::TenantClockState> CommandService::TenantClock(
    const std::string& tenant_id, std::chrono::milliseconds wait) {
  // What the log holds now: every advance acknowledged before this call is below it.
  const int32_t partition = log_.PartitionFor(tenant_id);
  absl::StatusOr<int64_t> end = log_.EndOffset(partition);
  if (!end.ok()) return end.status();
  const auto give_up = Clock::now() + wait;
  while (true) {
    absl::StatusOr<int64_t> indexed = model_->Checkpoint(partition);
    if (!indexed.ok()) return indexed.status();
    if (*indexed >= *end || Clock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  absl::StatusOr<std::vector<v1::EventEnvelope>> events =
      model_->LoadAggregate(tenant_id, v1::AGGREGATE_TYPE_TENANT, tenant_id);
  if (!events.ok()) return events.status();
  domain::TenantClockState clock;
  for (const v1::EventEnvelope& event : *events) domain::Evolve(clock, event);
  return clock;
}

template <typename Request>
grpc::ServerUnaryReactor* CommandService::Handle(const char* name,
                                                 grpc::CallbackServerContext* context,
                                                 const Request* request, v1::CommandReply* reply) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const auto received = Clock::now();
  const auto now = clock_.Now();
  absl::StatusOr<auth::Principal> principal = rpc::Authenticate(*context, verifier_, now);
  if (!principal.ok()) {
    metrics_.CountCommand(name, "UNAUTHENTICATED");
    reactor->Finish(rpc::ToGrpcStatus(principal.status()));
    return reactor;
  }
  PendingCommand command;
  command.command_id = request->command_id();
  command.context = domain::CommandContext{
      .tenant_id = principal->tenant_id,
      .actor_id = principal->person_id,
      .roles = principal->roles,
      .now = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count(),
      .today = time_zones_.DayOf(principal->tenant_id, now),  // a sandbox's: its test clock's
      .time_zone = time_zones_.ZoneOf(principal->tenant_id),
      .sandbox = time_zones_.IsSandbox(principal->tenant_id),
      .correlation_id = MetadataValue(*context, "x-correlation-id"),
      .causation_id = MetadataValue(*context, "x-causation-id"),
      .command_fingerprint = Fingerprint(*request),
      .traceparent = MetadataValue(*context, "traceparent")};
  command.deadline =
      std::min(context->deadline(), std::chrono::system_clock::now() + max_queue_wait_);
  command.decide = DecideWith(*request);
  command.done = [this, name, reactor, reply, received](CommandOutcome outcome) {
    metrics_.CountCommand(name, ResultLabel(outcome));
    metrics_.ObserveLatency(name, std::chrono::duration<double>(Clock::now() - received).count());
    if (auto* answer = std::get_if<v1::CommandReply>(&outcome)) {
      *reply = std::move(*answer);
      reactor->Finish(grpc::Status::OK);
    } else if (const auto* error = std::get_if<domain::DomainError>(&outcome)) {
      reactor->Finish(rpc::ToGrpcStatus(*error));
    } else {
      reactor->Finish(rpc::ToGrpcStatus(std::get<absl::Status>(outcome)));
    }
  };
  if (absl::Status queued =
          handlers_write_when_idle_ ? SubmitOrRun(std::move(command)) : Submit(std::move(command));
      !queued.ok()) {
    metrics_.CountCommand(name, absl::StatusCodeToString(queued.code()));
    reactor->Finish(rpc::ToGrpcStatus(queued));
  }
  return reactor;
}

#define REVIEWTRAIL_COMMAND_RPC(Method)                                                  \
  grpc::ServerUnaryReactor* CommandService::Method(grpc::CallbackServerContext* context, \
                                                   const v1::Method##Request* request,   \
                                                   v1::CommandReply* reply) {            \
    return Handle(#Method, context, request, reply);                                     \
  }

REVIEWTRAIL_COMMAND_RPC(RegisterPerson)
REVIEWTRAIL_COMMAND_RPC(DeactivatePerson)
REVIEWTRAIL_COMMAND_RPC(RecordReview)
REVIEWTRAIL_COMMAND_RPC(RecordDecision)
REVIEWTRAIL_COMMAND_RPC(AssignAction)
REVIEWTRAIL_COMMAND_RPC(ReassignAction)
REVIEWTRAIL_COMMAND_RPC(RescheduleAction)
REVIEWTRAIL_COMMAND_RPC(ReportProgress)
REVIEWTRAIL_COMMAND_RPC(AttachEvidence)
REVIEWTRAIL_COMMAND_RPC(RequestClosure)
REVIEWTRAIL_COMMAND_RPC(ApproveClosure)
REVIEWTRAIL_COMMAND_RPC(RejectClosure)
REVIEWTRAIL_COMMAND_RPC(CancelAction)
REVIEWTRAIL_COMMAND_RPC(RecordReminder)
REVIEWTRAIL_COMMAND_RPC(RecordEscalation)

#undef REVIEWTRAIL_COMMAND_RPC

// AdminService's command (admin_service.cc), handled like every other.
template grpc::ServerUnaryReactor* CommandService::Handle(const char*, grpc::CallbackServerContext*,
                                                          const v1::AdvanceTestClockRequest*,
                                                          v1::CommandReply*);

}  // namespace reviewtrail::command
