#include "server_process.h"

#include <gtest/gtest.h>

namespace reviewtrail::testing {

std::string GrpcAddressOf(ChildProcess& server, std::chrono::milliseconds timeout) {
  const std::string line = server.WaitForLine("gRPC ", timeout);
  if (line.empty()) {
    ADD_FAILURE() << "the server did not report its gRPC port:\n" << server.output();
    return "";
  }
  const size_t colon = line.rfind(':');
  return "127.0.0.1:" + line.substr(colon + 1, line.find(' ', colon) - colon - 1);
}

std::string MintWithServer(const std::string& binary, const std::string& data_dir,
                           const std::string& tenant, const std::string& subject,
                           const std::string& role) {
  ChildProcess minting(binary, {"--data-dir", data_dir, "--tenant", tenant, "token", "--subject",
                                subject, "--role", role});
  std::string token = minting.WaitForLine("eyJ", std::chrono::seconds(30));
  EXPECT_FALSE(token.empty()) << minting.output();
  return token;
}

}  // namespace reviewtrail::testing
