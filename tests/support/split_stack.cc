#include "split_stack.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

namespace reviewtrail::testing {

using grpc::health::v1::HealthCheckResponse;

SplitStack::SplitStack(Options options) : options_(std::move(options)) {
  static std::atomic<int> stacks = 0;
  base_ = std::filesystem::temp_directory_path() /
          ("split-stack-" + std::to_string(::getpid()) + "-" + std::to_string(stacks++));
  std::filesystem::remove_all(base_);
  std::filesystem::create_directories(base_);
}

SplitStack::~SplitStack() {
  // Services first, the broker last.
  services_.clear();
  devkafka_.reset();
  std::filesystem::remove_all(base_);
}

void SplitStack::StartBroker() {
  devkafka_ = std::make_unique<ChildProcess>(
      REVIEWTRAIL_DEVKAFKA_BINARY,
      std::vector<std::string>{"--brokers", std::to_string(options_.brokers), "--partitions",
                               std::to_string(options_.partitions), "--topic", kTopic});
  const std::string line =
      devkafka_->WaitForLine("REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=", kStartTimeout);
  ASSERT_FALSE(line.empty()) << devkafka_->output();
  bootstrap_ = line.substr(line.find('=') + 1);
  ASSERT_FALSE(devkafka_->WaitForLine("ready", kStartTimeout).empty()) << devkafka_->output();
}

std::string SplitStack::BrokerControl(const std::string& command) {
  devkafka_->WriteLine(command);
  // Answers are the only lines starting with "ok ", "error " or "leader " (the broker's log lines
  // start with "reviewtrail-devkafka:").
  while (true) {
    const std::string line = devkafka_->WaitForLine(" ", std::chrono::seconds(30));
    if (line.empty()) return "error no answer from reviewtrail-devkafka";
    if (line.starts_with("ok ") || line.starts_with("error ") || line.starts_with("leader ")) {
      return line;
    }
  }
}

std::vector<std::string> SplitStack::CommonArguments(const std::string& name) const {
  std::vector<std::string> arguments = {"--data-dir",
                                        (base_ / name).string(),
                                        "--listen",
                                        "127.0.0.1:0",
                                        "--metrics-listen",
                                        "",
                                        "--log",
                                        "kafka",
                                        "--kafka-bootstrap-servers",
                                        bootstrap_,
                                        "--kafka-topic",
                                        kTopic,
                                        "--partitions",
                                        std::to_string(options_.partitions),
                                        "--tenant",
                                        kTenant,
                                        "--tenant-time-zone",
                                        std::string(kTenant) + "=+01:00",
                                        "--token-issuer",
                                        kIssuer,
                                        "--token-audience",
                                        kAudience,
                                        "--kafka-client-id",
                                        name};
  arguments.insert(arguments.end(), options_.service_arguments.begin(),
                   options_.service_arguments.end());
  return arguments;
}

// Every service trusts the command service's signing key (as the chart's shared Secret does).
void SplitStack::ShareKeys(const std::string& name) {
  const std::filesystem::path keys = base_ / name / "keys";
  std::filesystem::create_directories(keys);
  std::filesystem::permissions(keys, std::filesystem::perms::owner_all);
  std::filesystem::copy_file(base_ / "command" / "keys" / "signing-key.pem",
                             keys / "signing-key.pem",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(keys / "signing-key.pem", std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write);
}

SplitStack::Service& SplitStack::Spawn(const std::string& binary, const std::string& name,
                                       std::vector<std::string> arguments) {
  auto service = std::make_unique<Service>();
  service->name = name;
  service->process = std::make_unique<ChildProcess>(binary, arguments);
  // The port from its "  gRPC     127.0.0.1:PORT (plaintext)" line.
  const std::string line = service->process->WaitForLine("gRPC ", kStartTimeout);
  EXPECT_FALSE(line.empty()) << name << " did not start:\n" << service->process->output();
  if (!line.empty()) {
    const size_t colon = line.rfind(':');
    service->address = "127.0.0.1:" + line.substr(colon + 1, line.find(' ', colon) - colon - 1);
  }
  services_.push_back(std::move(service));
  return *services_.back();
}

SplitStack::Service& SplitStack::StartCommand(const std::vector<std::string>& extra) {
  std::vector<std::string> arguments = CommonArguments("command");
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return Spawn(REVIEWTRAIL_COMMAND_BINARY, "command", std::move(arguments));
}

SplitStack::Service& SplitStack::StartQuery(const std::string& name,
                                            const std::vector<std::string>& extra) {
  ShareKeys(name);
  std::vector<std::string> arguments = CommonArguments(name);
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return Spawn(REVIEWTRAIL_QUERY_BINARY, name, std::move(arguments));
}

SplitStack::Service& SplitStack::StartAudit(const std::vector<std::string>& extra) {
  ShareKeys("audit");
  std::vector<std::string> arguments = CommonArguments("audit");
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return Spawn(REVIEWTRAIL_AUDIT_BINARY, "audit", std::move(arguments));
}

SplitStack::Service& SplitStack::StartNotifier(const std::filesystem::path& notifier_config,
                                               const std::vector<std::string>& extra) {
  std::string command_address;
  for (const auto& service : services_) {
    if (service->name == "command") command_address = service->address;
  }
  EXPECT_FALSE(command_address.empty()) << "start the command service before the notifier";
  ShareKeys("notifier");
  std::vector<std::string> arguments = CommonArguments("notifier");
  for (const std::string& argument : {std::string("--command-service"), command_address,
                                      std::string("--notifier-config"), notifier_config.string()}) {
    arguments.push_back(argument);
  }
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return Spawn(REVIEWTRAIL_NOTIFIER_BINARY, "notifier", std::move(arguments));
}

int SplitStack::Kill(Service& service) {
  const int status = service.process->Signal(SIGKILL);
  std::erase_if(services_, [&](const auto& each) { return each.get() == &service; });
  return status;
}

ChildProcess* SplitStack::Find(const std::string& name) {
  for (const auto& service : services_) {
    if (service->name == name) return service->process.get();
  }
  return nullptr;
}

HealthCheckResponse::ServingStatus SplitStack::Health(const std::string& address,
                                                      const std::string& service) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  if (!stub->Check(&context, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
  return response.status();
}

HealthCheckResponse::ServingStatus SplitStack::AwaitHealth(
    const std::string& address, const std::string& service,
    HealthCheckResponse::ServingStatus expected) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  HealthCheckResponse::ServingStatus last = HealthCheckResponse::UNKNOWN;
  while (std::chrono::steady_clock::now() < deadline) {
    last = Health(address, service);
    if (last == expected) break;
    Drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

std::string SplitStack::AdminToken() const {
  std::string admin;
  std::getline(std::ifstream(base_ / "command" / "admin.token"), admin);
  EXPECT_FALSE(admin.empty()) << "no admin token in " << (base_ / "command").string();
  return admin;
}

std::string SplitStack::Mint(const std::string& subject, const std::string& role,
                             const std::string& tenant) const {
  const std::vector<std::string> arguments = {"--data-dir",
                                              (base_ / "command").string(),
                                              "--tenant",
                                              tenant,
                                              "--token-issuer",
                                              kIssuer,
                                              "--token-audience",
                                              kAudience,
                                              "token",
                                              "--subject",
                                              subject,
                                              "--role",
                                              role};
  ChildProcess minting(REVIEWTRAIL_SERVER_BINARY, arguments);
  std::string token = minting.WaitForLine("eyJ", std::chrono::seconds(30));
  EXPECT_FALSE(token.empty()) << minting.output();
  return token;
}

void SplitStack::Drain() {
  for (auto& service : services_) service->process->Drain();
  if (devkafka_ != nullptr) devkafka_->Drain();
}

}  // namespace reviewtrail::testing
