// reviewtrail-health: one grpc.health.v1.Health/Check call.
//
//   reviewtrail-health [--address 127.0.0.1:7443] [--service reviewtrail.v1.QueryService]
//                      [--tls-ca ca.pem [--tls-cert c.pem --tls-key k.pem]]
//                      [--tls-server-name name] [--timeout-ms 3000]
//
// Prints the status and exits 0 when SERVING, 1 when NOT_SERVING (or the service is unknown), 3
// when the process cannot be reached, 2 on bad usage.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "grpc/health/v1/health.grpc.pb.h"

namespace {

bool ReadFile(const std::string& path, std::string& content) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  content = text.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Asks a ReviewTrail service whether it serves (grpc.health.v1)"};
  std::string address = "127.0.0.1:7443";
  std::string service;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  int timeout_ms = 3000;
  app.add_option("--address", address, "host:port of the gRPC listener")
      ->envname("REVIEWTRAIL_ADDRESS")
      ->capture_default_str();
  app.add_option("--service", service,
                 "Service name, e.g. reviewtrail.v1.QueryService (default: the whole process)");
  app.add_option("--tls-ca", ca_file, "PEM CA of the listener's certificate (default: plaintext)");
  app.add_option("--tls-cert", cert_file, "PEM client certificate (mTLS)");
  app.add_option("--tls-key", key_file, "PEM private key of --tls-cert");
  app.add_option("--tls-server-name", server_name,
                 "Name to check the certificate against (default: the host of --address)");
  app.add_option("--timeout-ms", timeout_ms, "Deadline of the call")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!ReadFile(ca_file, ssl.pem_root_certs) ||
        (!cert_file.empty() && !ReadFile(cert_file, ssl.pem_cert_chain)) ||
        (!key_file.empty() && !ReadFile(key_file, ssl.pem_private_key))) {
      std::cerr << "reviewtrail-health: cannot read a --tls-* file\n";
      return 2;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  if (!server_name.empty()) arguments.SetSslTargetNameOverride(server_name);
  auto stub =
      grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(address, credentials, arguments));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  const std::string what = service.empty() ? address : address + " " + service;
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    std::cout << what << ": unknown service\n";
    return 1;
  }
  if (!status.ok()) {
    std::cerr << what << ": " << status.error_message() << "\n";
    return 3;
  }
  std::cout << what << ": "
            << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}
