#include <thread>

#include "command_fixture.h"

namespace reviewtrail::command::testing {
namespace {

using Stub = v1::CommandService::Stub;

// The service runs one writer per commit lane of the log (here: per shard of the embedded log),
// each writing several partitions. Whatever the lanes, every tenant's commands land in its own
// partition, in order, once, and are remembered across a restart.
class WriterLanesTest : public CommandServiceTest, public ::testing::WithParamInterface<int32_t> {
 protected:
  static constexpr int kTenants = 12;
  static constexpr int kCommandsPerTenant = 10;

  WriterLanesTest() {
    StopService();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    log_shards_ = GetParam();
    StartService();
  }

  static std::string Tenant(int t) { return "tenant-" + std::to_string(t); }

  static v1::RegisterPersonRequest Registration(int person) {
    v1::RegisterPersonRequest request;
    request.set_command_id("register-" + std::to_string(person));
    request.set_person_id("person-" + std::to_string(person));
    request.set_display_name("Person " + std::to_string(person));
    request.set_email("person" + std::to_string(person) + "@example.com");
    return request;
  }

  // Every tenant's registrations, sent from a thread per tenant at once; the replies by tenant.
  std::vector<std::vector<Answer>> RegisterEveryoneConcurrently() {
    std::vector<std::vector<Answer>> answers(kTenants);
    std::vector<std::thread> callers;
    for (int t = 0; t < kTenants; ++t) {
      callers.emplace_back([&, t] {
        const std::string token = Token("admin", {v1::ROLE_ISMS_MANAGER}, Tenant(t));
        for (int p = 0; p < kCommandsPerTenant; ++p) {
          answers[t].push_back(Send(&Stub::RegisterPerson, Registration(p), token));
        }
      });
    }
    for (auto& caller : callers) caller.join();
    return answers;
  }
};

TEST_P(WriterLanesTest, EveryTenantLandsInItsPartitionInOrderOnceAcrossRestarts) {
  const std::vector<std::vector<Answer>> first = RegisterEveryoneConcurrently();
  for (int t = 0; t < kTenants; ++t) {
    int64_t previous = -1;
    for (const Answer& answer : first[t]) {
      ASSERT_TRUE(answer.status.ok()) << answer.status.error_message();
      EXPECT_EQ(answer.reply.log_position().partition(), log_->PartitionFor(Tenant(t)));
      EXPECT_GT(answer.reply.log_position().offset(), previous);
      previous = answer.reply.log_position().offset();
    }
  }
  EXPECT_EQ(LogSize(), kTenants * kCommandsPerTenant);

  StopService();
  StartService();
  const std::vector<std::vector<Answer>> retried = RegisterEveryoneConcurrently();
  for (int t = 0; t < kTenants; ++t) {
    for (int p = 0; p < kCommandsPerTenant; ++p) {
      EXPECT_EQ(retried[t][p].reply.SerializeAsString(), first[t][p].reply.SerializeAsString());
    }
  }
  EXPECT_EQ(LogSize(), kTenants * kCommandsPerTenant);
}

INSTANTIATE_TEST_SUITE_P(OneLaneAndSeveral, WriterLanesTest, ::testing::Values(1, 3));

}  // namespace
}  // namespace reviewtrail::command::testing
