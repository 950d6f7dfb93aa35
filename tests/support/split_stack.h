#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace reviewtrail::testing {

// The split stack as it is deployed, each part its own process: reviewtrail-devkafka and the
// command, query, audit and notifier services, wired as in production (the command service's
// signing key given to every service, one token issuer and audience, one set of tenant offsets,
// a client id per process). Each service gets `<base>/<name>` as its data directory and listens
// on 127.0.0.1:0; its address is read from the "gRPC" line it prints.
//
// Owned by one test thread. The destructor SIGKILLs the services, then the broker, and removes
// the base directory. The Start* methods fail the test (gtest fatal failure) when a process does
// not come up: call them under ASSERT_NO_FATAL_FAILURE.
class SplitStack {
 public:
  static constexpr auto kStartTimeout = std::chrono::seconds(90);
  static constexpr char kTenant[] = "acme";
  static constexpr char kIssuer[] = "https://idp.example.test/";
  static constexpr char kAudience[] = "reviewtrail";
  static constexpr char kTopic[] = "reviewtrail.events.v1";

  struct Options {
    int brokers = 3;
    int partitions = 4;
    // Given to every service after the common arguments (e.g. {"--log-format", "json"}).
    std::vector<std::string> service_arguments;
  };

  // One service process and where it listens.
  struct Service {
    std::string name;
    std::unique_ptr<ChildProcess> process;
    std::string address;  // 127.0.0.1:port
  };

  explicit SplitStack(Options options);
  SplitStack() : SplitStack(Options{}) {}
  ~SplitStack();
  SplitStack(const SplitStack&) = delete;
  SplitStack& operator=(const SplitStack&) = delete;

  // Starts reviewtrail-devkafka (its topic with `partitions` partitions, replication min(3, N)).
  void StartBroker();
  // Sends one control line to the broker ("down 2", "leader 0", ...) and returns its answer line.
  std::string BrokerControl(const std::string& command);

  // The command service starts first: it makes the signing key every other service is given.
  // `extra` goes after the options' service arguments.
  Service& StartCommand(const std::vector<std::string>& extra = {});
  Service& StartQuery(const std::string& name, const std::vector<std::string>& extra = {});
  Service& StartAudit(const std::vector<std::string>& extra = {});
  // The notifier records through the command service (which must run) with `notifier_config`.
  Service& StartNotifier(const std::filesystem::path& notifier_config,
                         const std::vector<std::string>& extra = {});

  // SIGKILLs a service (its data directory stays) and forgets it (references to it dangle after);
  // returns the wait status.
  int Kill(Service& service);
  // The running service started as `name`, or nullptr.
  [[nodiscard]] ChildProcess* Find(const std::string& name);

  // Waits (bounded by kStartTimeout) until `address` reports `expected` for `service` ("" is the
  // whole server); returns the last status seen. Drains every child's output meanwhile.
  grpc::health::v1::HealthCheckResponse::ServingStatus AwaitHealth(
      const std::string& address, const std::string& service,
      grpc::health::v1::HealthCheckResponse::ServingStatus expected);
  // One health check, now (UNKNOWN when the call fails).
  static grpc::health::v1::HealthCheckResponse::ServingStatus Health(const std::string& address,
                                                                     const std::string& service);

  // The admin token the command service wrote (isms_manager + auditor of kTenant).
  [[nodiscard]] std::string AdminToken() const;
  // A token minted with the stack's key, issuer and audience (reviewtrail-server token).
  [[nodiscard]] std::string Mint(const std::string& subject, const std::string& role,
                                 const std::string& tenant = kTenant) const;

  // Reads every child's output so far (keeps their pipes from filling up).
  void Drain();

  [[nodiscard]] const std::filesystem::path& base() const { return base_; }
  [[nodiscard]] const std::string& bootstrap() const { return bootstrap_; }
  [[nodiscard]] ChildProcess& broker() { return *devkafka_; }
  [[nodiscard]] const Options& options() const { return options_; }

 private:
  std::vector<std::string> CommonArguments(const std::string& name) const;
  void ShareKeys(const std::string& name);
  Service& Spawn(const std::string& binary, const std::string& name,
                 std::vector<std::string> arguments);

  Options options_;
  std::filesystem::path base_;
  std::string bootstrap_;
  std::unique_ptr<ChildProcess> devkafka_;
  std::vector<std::unique_ptr<Service>> services_;
};

}  // namespace reviewtrail::testing
