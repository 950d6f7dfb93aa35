#pragma once

#include <chrono>
#include <string>

#include "child_process.h"

namespace reviewtrail::testing {

// The loopback address ("127.0.0.1:<port>") a started server process (reviewtrail-server, a
// service binary) serves gRPC on, read from its "gRPC ... :<port>" log line; empty, with a test
// failure showing the process's output, when no such line comes within `timeout`. Start it with
// "--listen 127.0.0.1:0" so the kernel chooses the port.
std::string GrpcAddressOf(ChildProcess& server, std::chrono::milliseconds timeout);

// A token of `subject` with `role` in `tenant`, minted by the server binary's `token` subcommand
// with the signing key of `data_dir` (empty, with a test failure, when it prints none).
std::string MintWithServer(const std::string& binary, const std::string& data_dir,
                           const std::string& tenant, const std::string& subject,
                           const std::string& role);

}  // namespace reviewtrail::testing
