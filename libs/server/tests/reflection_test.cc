// A reflection client against a real server on port 0, as grpcurl uses it: over both versions of
// the protocol, every listed service resolves by symbol into a usable descriptor, with its methods
// and their request and response types.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/descriptor_database.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_callback.h>
#include <grpcpp/impl/codegen/sync_stream.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.pb.h"
#include "reviewtrail/server/runtime_setup.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::server {
namespace {

using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;
using ::testing::IsSupersetOf;

// The services as the binaries register them; reflection needs nothing but their names.
class ReflectionTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.listen = "127.0.0.1:0";
    int port = 0;
    auto server = StartGrpcServer(config, {&commands_, &queries_, &audit_}, &port);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // One request on a fresh ServerReflectionInfo stream of the version under test. The v1 and
  // v1alpha messages are the same on the wire, so the v1 classes serve both.
  ServerReflectionResponse Ask(const ServerReflectionRequest& request) {
    const std::string path =
        std::string("/grpc.reflection.") + GetParam() + ".ServerReflection/ServerReflectionInfo";
    const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::BIDI_STREAMING);
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>>
        stream(grpc::internal::ClientReaderWriterFactory<
               ServerReflectionRequest, ServerReflectionResponse>::Create(channel_.get(), method,
                                                                          &context));
    EXPECT_TRUE(stream->Write(request));
    stream->WritesDone();
    ServerReflectionResponse response;
    EXPECT_TRUE(stream->Read(&response));
    const grpc::Status finished = stream->Finish();
    EXPECT_TRUE(finished.ok()) << finished.error_message();
    return response;
  }

  std::vector<std::string> ListServices() {
    ServerReflectionRequest request;
    request.set_list_services("");
    std::vector<std::string> names;
    const ServerReflectionResponse response = Ask(request);
    for (const auto& service : response.list_services_response().service()) {
      names.push_back(service.name());
    }
    return names;
  }

  v1::CommandService::CallbackService commands_;
  v1::QueryService::CallbackService queries_;
  v1::AuditService::CallbackService audit_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_P(ReflectionTest, EveryListedServiceResolvesWithItsMethodsAndMessageTypes) {
  const std::vector<std::string> services = ListServices();
  EXPECT_THAT(services,
              IsSupersetOf({"reviewtrail.v1.CommandService", "reviewtrail.v1.QueryService",
                            "reviewtrail.v1.AuditService", "grpc.health.v1.Health",
                            "grpc.reflection.v1.ServerReflection",
                            "grpc.reflection.v1alpha.ServerReflection"}));
  for (const std::string& name : services) {
    SCOPED_TRACE(name);
    ServerReflectionRequest request;
    request.set_file_containing_symbol(name);
    const ServerReflectionResponse response = Ask(request);
    ASSERT_FALSE(response.has_error_response()) << response.error_response().error_message();
    // The file and its dependencies make a pool that describes the service completely.
    google::protobuf::SimpleDescriptorDatabase files;
    for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
      google::protobuf::FileDescriptorProto file;
      ASSERT_TRUE(file.ParseFromString(bytes));
      ASSERT_TRUE(files.Add(file));
    }
    google::protobuf::DescriptorPool pool(&files);
    const google::protobuf::ServiceDescriptor* service = pool.FindServiceByName(name);
    ASSERT_NE(service, nullptr);
    ASSERT_GT(service->method_count(), 0);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      ASSERT_NE(method->input_type(), nullptr) << method->full_name();
      ASSERT_NE(method->output_type(), nullptr) << method->full_name();
      // Each method and each of its message types resolves by symbol too.
      for (const std::string& symbol : {method->full_name(), method->input_type()->full_name(),
                                        method->output_type()->full_name()}) {
        ServerReflectionRequest by_symbol;
        by_symbol.set_file_containing_symbol(symbol);
        EXPECT_FALSE(Ask(by_symbol).has_error_response()) << symbol;
      }
    }
  }
}

TEST_P(ReflectionTest, AnUnknownSymbolIsNotFound) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol("reviewtrail.v1.NoSuchService");
  const ServerReflectionResponse response = Ask(request);
  ASSERT_TRUE(response.has_error_response());
  EXPECT_EQ(response.error_response().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ReflectionTest, FilesAreFoundByName) {
  ServerReflectionRequest request;
  request.set_file_by_filename("reviewtrail/v1/commands.proto");
  const ServerReflectionResponse response = Ask(request);
  ASSERT_FALSE(response.has_error_response()) << response.error_response().error_message();
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(file.ParseFromString(response.file_descriptor_response().file_descriptor_proto(0)));
  EXPECT_EQ(file.name(), "reviewtrail/v1/commands.proto");
}

INSTANTIATE_TEST_SUITE_P(BothVersions, ReflectionTest, ::testing::Values("v1", "v1alpha"));

}  // namespace
}  // namespace reviewtrail::server
