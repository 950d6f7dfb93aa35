#include "loopback_server.h"

#include <gtest/gtest.h>

namespace reviewtrail::testing {

LoopbackServer::LoopbackServer(const std::vector<grpc::Service*>& services) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
  for (grpc::Service* service : services) builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) ADD_FAILURE() << "the loopback gRPC server did not start";
  channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

void LoopbackServer::Shutdown() {
  if (server_) server_->Shutdown();
  server_.reset();
}

}  // namespace reviewtrail::testing
