#include "reviewtrail/cli/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <sstream>

#include "reviewtrail/cli/result.h"

namespace reviewtrail::cli {
namespace {

Result<std::string> ReadPem(const std::string& path, std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Failure{std::string(flag) + ": cannot read '" + path + "'"};
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

bool IsLocalAddress(std::string_view address) {
  return address.starts_with("127.") || address.starts_with("localhost") ||
         address.starts_with("[::1]") || address.starts_with("unix:") ||
         address.starts_with("ipv4:127.") || address.starts_with("dns:localhost");
}

Result<std::shared_ptr<grpc::Channel>> OpenChannel(const ConnectionSettings& settings) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (settings.tls) {
    grpc::SslCredentialsOptions ssl;
    if (!settings.ca_cert_file.empty()) {
      Result<std::string> ca = ReadPem(settings.ca_cert_file, "--ca-cert");
      if (!ca.ok()) return ca.failure();
      ssl.pem_root_certs = *std::move(ca);
    }
    if (!settings.client_cert_file.empty()) {
      Result<std::string> cert = ReadPem(settings.client_cert_file, "--client-cert");
      if (!cert.ok()) return cert.failure();
      Result<std::string> key = ReadPem(settings.client_key_file, "--client-key");
      if (!key.ok()) return key.failure();
      ssl.pem_cert_chain = *std::move(cert);
      ssl.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateChannel(settings.address, credentials);
}

Result<std::unique_ptr<CommandStub>> ConnectOverGrpc(const ConnectionSettings& settings) {
  Result<std::shared_ptr<grpc::Channel>> channel = OpenChannel(settings);
  if (!channel.ok()) return channel.failure();
  return std::unique_ptr<CommandStub>(v1::CommandService::NewStub(*channel));
}

}  // namespace reviewtrail::cli
