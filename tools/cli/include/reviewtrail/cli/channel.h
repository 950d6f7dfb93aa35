#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string_view>

#include "reviewtrail/cli/command_registry.h"
#include "reviewtrail/cli/config.h"
#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {

// A gRPC channel to settings.address: plaintext, TLS (the CA from ca_cert_file or the system's
// trust store) or mutual TLS (client_cert_file + client_key_file). Fails only when a certificate or
// key file cannot be read; connecting happens on the first call.
Result<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionSettings& settings);

// A CommandService stub over a gRPC channel to settings.address: plaintext, TLS (the CA from
// ca_cert_file or the system's trust store) or mutual TLS (client_cert_file + client_key_file).
// Fails only when a certificate or key file cannot be read; connecting happens on the first call.
Result<std::unique_ptr<CommandStub>> ConnectOverGrpc(const ConnectionSettings& settings);

// True when the address is this machine (loopback or a unix socket), where plaintext is harmless.
bool IsLocalAddress(std::string_view address);

}  // namespace reviewtrail::cli
