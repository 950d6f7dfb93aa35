#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

namespace reviewtrail::testing {

// A real gRPC server on 127.0.0.1, on a port the kernel chooses, serving `services` (owned by the
// caller, who keeps them alive until Shutdown), and an insecure channel to it. Shut down at
// destruction at the latest.
class LoopbackServer {
 public:
  explicit LoopbackServer(const std::vector<grpc::Service*>& services);
  ~LoopbackServer() { Shutdown(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  [[nodiscard]] int port() const { return port_; }  // 0 when it did not start
  [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  void Shutdown();

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace reviewtrail::testing
