#include "reviewtrail/server/reflection.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "reviewtrail/linked_descriptors.h"

namespace reviewtrail::server {
namespace {

namespace reflection = grpc::reflection::v1;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// grpc.reflection.v1.ServerReflection over the generated descriptor pool. The service list is
// the server's, set once the server is built (before it serves a call).
class ReflectionV1Service final : public reflection::ServerReflection::Service {
 public:
  void SetServiceList(const std::vector<std::string>* services) { services_ = services; }

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* /*context*/,
      grpc::ServerReaderWriter<reflection::ServerReflectionResponse,
                               reflection::ServerReflectionRequest>* stream) override {
    // Files already sent on this stream are not sent again, as the protocol allows.
    std::set<std::string> sent;
    reflection::ServerReflectionRequest request;
    while (stream->Read(&request)) {
      reflection::ServerReflectionResponse response;
      response.set_valid_host(request.host());
      *response.mutable_original_request() = request;
      Answer(request, sent, response);
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

 private:
  void Answer(const reflection::ServerReflectionRequest& request, std::set<std::string>& sent,
              reflection::ServerReflectionResponse& response) const {
    const DescriptorPool& pool = *DescriptorPool::generated_pool();
    using Request = reflection::ServerReflectionRequest;
    switch (request.message_request_case()) {
      case Request::kListServices:
        if (services_ != nullptr) {
          for (const std::string& name : *services_) {
            response.mutable_list_services_response()->add_service()->set_name(name);
          }
        }
        return;
      case Request::kFileByFilename:
        return SendFile(pool.FindFileByName(request.file_by_filename()), "file",
                        request.file_by_filename(), sent, response);
      case Request::kFileContainingSymbol:
        return SendFile(pool.FindFileContainingSymbol(request.file_containing_symbol()), "symbol",
                        request.file_containing_symbol(), sent, response);
      case Request::kFileContainingExtension: {
        const auto& wanted = request.file_containing_extension();
        const auto* type = pool.FindMessageTypeByName(wanted.containing_type());
        const auto* extension =
            type == nullptr ? nullptr : pool.FindExtensionByNumber(type, wanted.extension_number());
        return SendFile(
            extension == nullptr ? nullptr : extension->file(), "extension",
            wanted.containing_type() + "(" + std::to_string(wanted.extension_number()) + ")", sent,
            response);
      }
      case Request::kAllExtensionNumbersOfType: {
        const auto* type = pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
        if (type == nullptr) {
          return Error(grpc::StatusCode::NOT_FOUND,
                       "Type not found: " + request.all_extension_numbers_of_type(), response);
        }
        std::vector<const google::protobuf::FieldDescriptor*> extensions;
        pool.FindAllExtensions(type, &extensions);
        auto* numbers = response.mutable_all_extension_numbers_response();
        numbers->set_base_type_name(type->full_name());
        for (const auto* extension : extensions) numbers->add_extension_number(extension->number());
        return;
      }
      case Request::MESSAGE_REQUEST_NOT_SET:
        break;
    }
    Error(grpc::StatusCode::UNIMPLEMENTED, "request type not implemented", response);
  }

  // The file and its transitive dependencies not yet sent on this stream, the file first.
  static void SendFile(const FileDescriptor* file, const char* what, const std::string& name,
                       std::set<std::string>& sent,
                       reflection::ServerReflectionResponse& response) {
    if (file == nullptr) {
      std::string capitalised = what;
      capitalised[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capitalised[0])));
      return Error(grpc::StatusCode::NOT_FOUND, capitalised + " not found: " + name, response);
    }
    auto* files = response.mutable_file_descriptor_response();
    std::vector<const FileDescriptor*> pending{file};
    while (!pending.empty()) {
      const FileDescriptor* next = pending.back();
      pending.pop_back();
      if (!sent.insert(next->name()).second) continue;
      google::protobuf::FileDescriptorProto proto;
      next->CopyTo(&proto);
      files->add_file_descriptor_proto(proto.SerializeAsString());
      for (int i = 0; i < next->dependency_count(); ++i) pending.push_back(next->dependency(i));
    }
  }

  static void Error(grpc::StatusCode code, const std::string& message,
                    reflection::ServerReflectionResponse& response) {
    response.mutable_error_response()->set_error_code(static_cast<int32_t>(code));
    response.mutable_error_response()->set_error_message(message);
  }

  const std::vector<std::string>* services_ = nullptr;
};

// Adds the v1 service to every server a ServerBuilder builds, as gRPC's plugin does for v1alpha.
class ReflectionV1Plugin final : public grpc::ServerBuilderPlugin {
 public:
  std::string name() override { return "reviewtrail_reflection_v1"; }
  void InitServer(grpc::ServerInitializer* initializer) override {
    initializer->RegisterService(service_);
  }
  void Finish(grpc::ServerInitializer* initializer) override {
    service_->SetServiceList(initializer->GetServiceList());
  }
  void ChangeArguments(const std::string& /*name*/, void* /*value*/) override {}
  bool has_sync_methods() const override { return true; }

 private:
  std::shared_ptr<ReflectionV1Service> service_ = std::make_shared<ReflectionV1Service>();
};

std::unique_ptr<grpc::ServerBuilderPlugin> CreateReflectionV1Plugin() {
  return std::make_unique<ReflectionV1Plugin>();
}

}  // namespace

void EnableServerReflection() {
  static std::once_flag once;
  std::call_once(once, [] {
    proto::LinkAllDescriptors();
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder::InternalAddPluginFactory(&CreateReflectionV1Plugin);
  });
}

}  // namespace reviewtrail::server
