// The real reviewtrail-server (all-in-one, embedded log) with its data directory on a small tmpfs
// the test mounts (so it runs only as root): once concurrent commands have filled the volume, they
// are refused with RESOURCE_EXHAUSTED / UNAVAILABLE naming the cause, health reports NOT_SERVING
// and reviewtrail_event_log_writer_up 0, and every acknowledged command stays; once space is freed
// the same process serves again, without a restart. A volume mounted read-only (Linux refuses to
// remount a volume read-only while a process has files open for writing on it, so the server is
// stopped first) keeps the server from starting, naming the cause; writable again, it starts with
// everything acknowledged.
#include <curl/curl.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "child_process.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using Stub = v1::CommandService::Stub;
constexpr auto kStartTimeout = std::chrono::seconds(60);
// How long the server may take to notice a change of its volume (its readiness runs every 200 ms
// and probes a failed volume every second); generous for a loaded sanitizer build.
constexpr auto kNoticeTimeout = std::chrono::seconds(60);
// The most commands each client sends to fill the volume: far more than the few MiB left free.
constexpr int kMaxCommandsPerClient = 20'000;
// Concurrent clients filling the volume (the log's group commit, the partition writers and the
// projectors all see the full volume at once).
constexpr int kClients = 4;
// What the filler leaves free before the server starts: room for its start (keys, RocksDB's
// MANIFEST and OPTIONS files, the log's first WAL block) and a few thousand commands. The filler
// is made before the start because RocksDB preallocates every new WAL file (1.1 x the 64 MiB
// memtable): a volume filled after the start would take the next 64 MiB of every store into
// those blocks, a few hundred thousand commands, before a write failed. With the volume this
// full at the start, the preallocations fail (RocksDB ignores that) and the commands fill it.
constexpr uint64_t kLeftFree = uint64_t{16} << 20;

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string HttpGet(const std::string& url) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  EXPECT_EQ(code, CURLE_OK) << curl_easy_strerror(code);
  return body;
}

// The value of an unlabelled gauge in a /metrics text, or "" when absent.
std::string GaugeValue(const std::string& metrics, const std::string& name) {
  const std::string prefix = "\n" + name + " ";
  const size_t at = metrics.find(prefix);
  if (at == std::string::npos) return "";
  const size_t start = at + prefix.size();
  return metrics.substr(start, metrics.find('\n', start) - start);
}

// Writes a file of zeros at `path` until its volume has only `left_free` bytes free (or refuses
// another byte, for 0).
void Fill(const std::filesystem::path& path, uint64_t left_free) {
  struct statvfs volume {};
  ASSERT_EQ(::statvfs(path.parent_path().c_str(), &volume), 0) << std::strerror(errno);
  const uint64_t free_bytes = uint64_t{volume.f_bavail} * volume.f_frsize;
  ASSERT_GT(free_bytes, left_free);
  uint64_t to_write = free_bytes - left_free;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const std::vector<char> zeros(1 << 20, 0);
  while (to_write > 0) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(to_write, zeros.size()));
    const ssize_t written = ::write(fd, zeros.data(), chunk);
    if (written <= 0) break;
    to_write -= static_cast<uint64_t>(written);
  }
  EXPECT_EQ(to_write, 0u) << std::strerror(errno);
  ::close(fd);
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) {
      GTEST_SKIP() << "mounts a tmpfs for the server's data directory: runs only as root";
    }
    char dir[] = "/tmp/full-disk-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr) << std::strerror(errno);
    volume_ = dir;
    if (::mount("tmpfs", volume_.c_str(), "tmpfs", 0, "size=256m,mode=0700") != 0) {
      const int error = errno;
      std::filesystem::remove(volume_);
      volume_.clear();
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(error)
                   << "): a container without CAP_SYS_ADMIN";
    }
    data_ = volume_ / "data";
  }

  void TearDown() override {
    server_.reset();
    if (!volume_.empty()) {
      ::umount2(volume_.c_str(), MNT_DETACH);
      std::filesystem::remove_all(volume_);
    }
  }

  // Starts the server and waits for its banner; empty output means it did not start.
  bool Start() {
    server_ = std::make_unique<ChildProcess>(
        REVIEWTRAIL_SERVER_BINARY,
        std::vector<std::string>{"--data-dir", data_.string(), "--listen", "127.0.0.1:0",
                                 "--metrics-listen", "127.0.0.1:0", "--tenant", "acme"});
    const std::string line = server_->WaitForLine("gRPC ", kStartTimeout);
    if (line.empty()) return false;
    const size_t colon = line.rfind(':');
    const std::string address =
        "127.0.0.1:" + line.substr(colon + 1, line.find(' ', colon) - colon - 1);
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    commands_ = v1::CommandService::NewStub(channel);
    queries_ = v1::QueryService::NewStub(channel);
    health_ = grpc::health::v1::Health::NewStub(channel);
    const std::string metrics = server_->WaitForLine("metrics  http://", kStartTimeout);
    metrics_url_ = metrics.substr(metrics.find("http://"));
    server_->WaitForLine("export REVIEWTRAIL_TOKEN=", kStartTimeout);
    std::getline(std::ifstream(data_ / "admin.token"), token_);
    return !token_.empty();
  }

  // Waits (bounded) until health reports `expected` for the command service; the last status.
  HealthCheckResponse::ServingStatus AwaitHealth(HealthCheckResponse::ServingStatus expected) {
    const auto deadline = std::chrono::steady_clock::now() + kNoticeTimeout;
    HealthCheckResponse::ServingStatus last = HealthCheckResponse::UNKNOWN;
    while (std::chrono::steady_clock::now() < deadline) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(v1::CommandService::service_full_name());
      HealthCheckResponse response;
      if (health_->Check(&context, request, &response).ok()) last = response.status();
      if (last == expected) break;
      server_->Drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
  }

  static v1::RegisterPersonRequest Person(int i) {
    v1::RegisterPersonRequest request;
    request.set_command_id("person-" + std::to_string(i));
    request.set_person_id("p-" + std::to_string(i));
    // Long enough that the log grows quickly.
    request.set_display_name(std::string(150, 'a' + static_cast<char>(i % 26)) + std::to_string(i));
    request.set_email("p" + std::to_string(i) + "@acme.example");
    return request;
  }

  grpc::Status Register(const v1::RegisterPersonRequest& request, v1::CommandReply* reply) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return commands_->RegisterPerson(&context, request, reply);
  }

  // Every acknowledged command: a retry answers the same reply (the write model holds it), and
  // the read model shows its person once it has applied the reply's position.
  void ExpectAcknowledgedKept() {
    for (const auto& [request, reply] : acknowledged_) {
      v1::CommandReply again;
      const grpc::Status retried = Register(request, &again);
      ASSERT_TRUE(retried.ok()) << request.command_id() << ": " << retried.error_message();
      EXPECT_EQ(again.SerializeAsString(), reply.SerializeAsString()) << request.command_id();
    }
    for (const auto& [request, reply] : acknowledged_) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token_);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      v1::GetPersonRequest get;
      get.set_person_id(request.person_id());
      *get.mutable_min_position() = reply.log_position();
      v1::PersonView person;
      const grpc::Status got = queries_->GetPerson(&context, get, &person);
      ASSERT_TRUE(got.ok()) << request.person_id() << ": " << got.error_message();
      EXPECT_EQ(person.display_name(), request.display_name());
    }
  }

  std::filesystem::path volume_;
  std::filesystem::path data_;
  std::unique_ptr<ChildProcess> server_;
  std::unique_ptr<Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::string metrics_url_;
  std::string token_;
  std::vector<std::pair<v1::RegisterPersonRequest, v1::CommandReply>> acknowledged_;
};

TEST_F(FullDiskTest, FullVolumeRefusesCommandsLosesNothingAndRecoversWithoutRestart) {
  const std::filesystem::path filler = volume_ / "filler";
  Fill(filler, kLeftFree);
  ASSERT_TRUE(Start()) << server_->output();
  ASSERT_EQ(AwaitHealth(HealthCheckResponse::SERVING), HealthCheckResponse::SERVING)
      << server_->output();
  EXPECT_EQ(GaugeValue(HttpGet(metrics_url_), "reviewtrail_event_log_writer_up"), "1");

  // Concurrent clients send commands until each has one refused.
  std::mutex mutex;
  std::vector<grpc::Status> refusals;
  std::atomic<int> running = kClients;
  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      for (int n = 0; n < kMaxCommandsPerClient; ++n) {
        v1::RegisterPersonRequest request = Person(client * kMaxCommandsPerClient + n);
        v1::CommandReply reply;
        const grpc::Status status = Register(request, &reply);
        const std::lock_guard<std::mutex> lock(mutex);
        if (!status.ok()) {
          refusals.push_back(status);
          break;
        }
        acknowledged_.emplace_back(std::move(request), std::move(reply));
      }
      --running;
    });
  }
  // The server's output is read meanwhile, so its pipe never fills up.
  while (running > 0) {
    server_->Drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (std::thread& client : clients) client.join();
  server_->Drain();
  ASSERT_EQ(refusals.size(), static_cast<size_t>(kClients))
      << "the full volume took " << acknowledged_.size() << " commands";
  for (const grpc::Status& refused : refusals) {
    EXPECT_TRUE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                refused.error_code() == grpc::StatusCode::UNAVAILABLE)
        << refused.error_code() << ": " << refused.error_message();
    EXPECT_NE(refused.error_message().find("no space left"), std::string::npos)
        << refused.error_message() << "\n"
        << server_->output();
  }

  EXPECT_EQ(AwaitHealth(HealthCheckResponse::NOT_SERVING), HealthCheckResponse::NOT_SERVING)
      << server_->output();
  EXPECT_EQ(GaugeValue(HttpGet(metrics_url_), "reviewtrail_event_log_writer_up"), "0");
  // Still refused, naming the cause, while nothing is freed.
  const int next = kClients * kMaxCommandsPerClient;
  v1::CommandReply reply;
  const grpc::Status again = Register(Person(next), &reply);
  EXPECT_TRUE(again.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              again.error_code() == grpc::StatusCode::UNAVAILABLE)
      << again.error_code() << ": " << again.error_message();
  EXPECT_NE(again.error_message().find("no space left"), std::string::npos)
      << again.error_message();

  // Space freed: the same process serves again.
  std::filesystem::remove(filler);
  ASSERT_EQ(AwaitHealth(HealthCheckResponse::SERVING), HealthCheckResponse::SERVING)
      << server_->output();
  EXPECT_EQ(GaugeValue(HttpGet(metrics_url_), "reviewtrail_event_log_writer_up"), "1");
  for (int i = next; i < next + 3; ++i) {
    v1::RegisterPersonRequest request = Person(i);
    const grpc::Status accepted = Register(request, &reply);
    ASSERT_TRUE(accepted.ok()) << accepted.error_message() << "\n" << server_->output();
    acknowledged_.emplace_back(std::move(request), reply);
  }
  ExpectAcknowledgedKept();

  // And all of it after a clean restart.
  const int status = server_->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << server_->output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << server_->output();
  ASSERT_TRUE(Start()) << server_->output();
  ExpectAcknowledgedKept();
}

TEST_F(FullDiskTest, ReadOnlyVolumeKeepsTheServerFromStartingAndLosesNothing) {
  ASSERT_TRUE(Start()) << server_->output();
  for (int i = 0; i < 20; ++i) {
    v1::RegisterPersonRequest request = Person(i);
    v1::CommandReply reply;
    ASSERT_TRUE(Register(request, &reply).ok());
    acknowledged_.emplace_back(std::move(request), std::move(reply));
  }
  int status = server_->Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << server_->output();

  ASSERT_EQ(::mount(nullptr, volume_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, "size=256m"), 0)
      << std::strerror(errno);
  server_ = std::make_unique<ChildProcess>(
      REVIEWTRAIL_SERVER_BINARY,
      std::vector<std::string>{"--data-dir", data_.string(), "--listen", "127.0.0.1:0",
                               "--metrics-listen", "", "--tenant", "acme"});
  EXPECT_EQ(server_->WaitForLine("gRPC ", kStartTimeout), "");
  status = server_->Signal(SIGTERM);  // already exited: its status
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << server_->output();
  EXPECT_NE(server_->output().find("Read-only file system"), std::string::npos)
      << server_->output();

  ASSERT_EQ(::mount(nullptr, volume_.c_str(), nullptr, MS_REMOUNT, "size=256m"), 0)
      << std::strerror(errno);
  ASSERT_TRUE(Start()) << server_->output();
  ASSERT_EQ(AwaitHealth(HealthCheckResponse::SERVING), HealthCheckResponse::SERVING);
  ExpectAcknowledgedKept();
}

}  // namespace
}  // namespace reviewtrail::testing
