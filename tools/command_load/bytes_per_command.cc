#include "bytes_per_command.h"

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "command_mix.h"
#include "load_support.h"
#include "reviewtrail/audit_service/audit_service.h"
#include "reviewtrail/auth/token_verifier.h"
#include "reviewtrail/command/command_service.h"
#include "reviewtrail/eventlog/embedded_log.h"
#include "reviewtrail/query/query_service.h"
#include "reviewtrail/runtime/clock.h"

namespace reviewtrail::tools {
namespace {

// The stores a command's bytes land in, in the table's column order.
enum Store { kLog, kWriteModel, kQuery, kAudit, kStores };
constexpr std::array<const char*, kStores> kStoreNames = {"log", "write model", "query read model",
                                                          "audit"};

// The order CommandMix sends them in, one step of an action's life each.
constexpr std::array<const char*, 5> kCommands = {
    "AssignAction", "ReportProgress", "AttachEvidence", "RequestClosure", "ApproveClosure"};

struct Written {
  std::array<uint64_t, kStores> wal{};
  uint64_t files = 0;  // flushes and compactions, every store
};

std::optional<Store> StoreOf(const std::string& name) {
  if (name.starts_with("event_log")) return kLog;
  if (name == "write_model") return kWriteModel;
  if (name == "query") return kQuery;
  if (name == "audit") return kAudit;
  return std::nullopt;
}

Written Read(const std::vector<eventlog::StoreStatistics>& stores) {
  Written written;
  for (const eventlog::StoreStatistics& store : stores) {
    const std::optional<Store> kind = StoreOf(store.store);
    if (!kind.has_value()) continue;
    written.wal[*kind] += store.wal_bytes;
    written.files += store.flush_bytes + store.compaction_bytes;
  }
  return written;
}

}  // namespace

int RunBytesPerCommand(int actions, int tenants, int log_shards, const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  absl::StatusOr<InProcessLog> opened = OpenInProcessLog(dir, log_shards);
  if (!opened.ok()) {
    std::cerr << opened.status() << "\n";
    return 1;
  }
  const std::unique_ptr<eventlog::EmbeddedLog>& log = opened->log;
  const auth::SigningKey& key = opened->key;
  const auth::TokenVerifier& verifier = opened->verifier;
  runtime::SystemClock clock;
  prometheus::Registry registry;
  auto commands = command::CommandService::Start(*log, verifier, clock, registry,
                                                 {.write_model_path = (dir / "command").string()});
  auto queries = query::QueryService::Start(*log, verifier, clock, registry,
                                            {.store_path = (dir / "query").string()});
  auto audit = audit_service::AuditService::Start(*log, verifier, clock, registry,
                                                  {.store_path = (dir / "audit").string()});
  if (!commands.ok() || !queries.ok() || !audit.ok()) {
    std::cerr << "cannot start: " << commands.status() << " " << queries.status() << " "
              << audit.status() << "\n";
    return 1;
  }
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(commands->get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const auto stores = [&] {
    std::vector<eventlog::StoreStatistics> all = log->StorageStatistics();
    for (auto& store : (*commands)->StorageStatistics()) all.push_back(std::move(store));
    for (auto& store : (*queries)->StorageStatistics()) all.push_back(std::move(store));
    for (auto& store : (*audit)->StorageStatistics()) all.push_back(std::move(store));
    return Read(all);
  };

  constexpr int kOwners = 16;
  const std::optional<std::vector<std::string>> decisions =
      PrepareTenants(address, key, tenants, kOwners);
  if (!decisions.has_value()) return 1;
  auto stub = v1::CommandService::NewStub(Channel(address, 1));
  std::vector<CommandMix> mixes;
  mixes.reserve(static_cast<size_t>(actions));
  for (int a = 0; a < actions; ++a) {
    const int t = a % tenants;
    const std::string tenant = "tenant-" + std::to_string(t);
    const std::string owner = "owner-" + std::to_string(a % kOwners);
    mixes.emplace_back(*stub, "bytes-a" + std::to_string(a), (*decisions)[static_cast<size_t>(t)],
                       owner, Mint(key, tenant, "mia", v1::ROLE_ISMS_MANAGER),
                       Mint(key, tenant, owner, v1::ROLE_ACTION_OWNER));
  }

  std::printf("| command | ");
  for (const char* name : kStoreNames) std::printf("%s WAL B | ", name);
  std::printf("all stores WAL B | flush + compaction B |\n|---|");
  for (size_t i = 0; i <= kStoreNames.size() + 1; ++i) std::printf("--:|");
  std::printf("\n");
  int failures = 0;
  for (const char* command : kCommands) {
    // Everything before (the preparation, the previous type) applied by both projectors.
    const Written before = stores();
    std::vector<eventlog::Position> last;
    for (CommandMix& mix : mixes) {
      const grpc::Status sent = mix.Next();
      if (!sent.ok()) {
        std::cerr << command << ": " << sent.error_message() << "\n";
        return 1;
      }
      const v1::LogPosition& position = mix.last_reply().log_position();
      last.push_back({position.partition(), position.offset()});
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (const eventlog::Position& position : last) {
      if (!(*queries)->projector().WaitFor(position, deadline) ||
          !(*audit)->WaitFor(position, deadline)) {
        std::cerr << command << ": the projectors did not apply the commands within 60 s\n";
        return 1;
      }
    }
    const Written after = stores();
    const auto per_command = [actions](uint64_t bytes) {
      return static_cast<double>(bytes) / static_cast<double>(actions);
    };
    std::printf("| %s | ", command);
    uint64_t total = 0;
    for (size_t s = 0; s < kStores; ++s) {
      const uint64_t wal = after.wal[s] - before.wal[s];
      total += wal;
      // Every command lands in every store; the write model alone writes without a WAL (it is an
      // index of the log, caught up from its checkpoint after a crash): its bytes reach the disk
      // only with its flushes.
      if (wal == 0 && s != kWriteModel) ++failures;
      std::printf("%.0f | ", per_command(wal));
    }
    std::printf("%.0f | %.0f |\n", per_command(total), per_command(after.files - before.files));
    std::fflush(stdout);
  }
  std::printf(
      "(%d commands of each type, one at a time over %d tenants; WAL bytes per command from the "
      "stores' WAL_FILE_BYTES tickers; the write model writes no WAL, its bytes reach the disk "
      "with its flushes; flush + compaction: files written meanwhile by every store)\n",
      actions, tenants);
  server->Shutdown();
  (*commands)->Stop();
  (*queries)->Stop();
  (*audit)->Stop();
  // Closed before their directories go (a store flushes on close).
  server.reset();
  commands->reset();
  queries->reset();
  audit->reset();
  opened->log.reset();
  std::filesystem::remove_all(dir);
  if (failures > 0) {
    std::cerr << failures << " figures are 0: a store wrote nothing for a command type\n";
    return 1;
  }
  return 0;
}

}  // namespace reviewtrail::tools
