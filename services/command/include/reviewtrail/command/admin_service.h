#pragma once

#include "reviewtrail/command/command_service.h"
#include "reviewtrail/v1/admin_service.grpc.pb.h"

namespace reviewtrail::command {

// reviewtrail.v1.AdminService: a sandbox tenant's test clock. AdvanceTestClock is a command of the
// tenant (decided by libs/domain, recorded as TestClockAdvanced through `commands`' writers, with
// its idempotency and refusals); GetTestClock reads the write model. Served beside the command
// service, which must outlive it.
//
// Thread-safety: handlers run on gRPC's threads.
class AdminService final : public v1::AdminService::CallbackService {
 public:
  explicit AdminService(CommandService& commands) : commands_(commands) {}

  grpc::ServerUnaryReactor* AdvanceTestClock(grpc::CallbackServerContext* context,
                                             const v1::AdvanceTestClockRequest* request,
                                             v1::CommandReply* reply) override;
  grpc::ServerUnaryReactor* GetTestClock(grpc::CallbackServerContext* context,
                                         const v1::GetTestClockRequest* request,
                                         v1::TestClock* response) override;

 private:
  CommandService& commands_;
};

}  // namespace reviewtrail::command
