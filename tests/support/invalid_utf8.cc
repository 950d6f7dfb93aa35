#include "invalid_utf8.h"

#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <gtest/gtest.h>

#include <memory>

#include "google/protobuf/message.h"

namespace reviewtrail::testing {

int CallWithInvalidUtf8InEachStringField(
    grpc::Channel& channel, const std::string& service_name, const std::string& token,
    const std::function<void(const google::protobuf::FieldDescriptor& field,
                             const grpc::Status& status)>& check) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
  if (service == nullptr) {
    ADD_FAILURE() << "no service " << service_name;
    return 0;
  }
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  int calls = 0;
  for (int m = 0; m < service->method_count(); ++m) {
    const google::protobuf::MethodDescriptor* method = service->method(m);
    if (method->client_streaming() || method->server_streaming()) continue;
    const google::protobuf::Descriptor* type = method->input_type();
    for (int f = 0; f < type->field_count(); ++f) {
      const google::protobuf::FieldDescriptor* field = type->field(f);
      if (field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
      SCOPED_TRACE(method->full_name() + " " + field->name());
      std::unique_ptr<google::protobuf::Message> request(factory->GetPrototype(type)->New());
      request->GetReflection()->SetString(request.get(), field, "ok\xC3\x28");
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token);
      const std::string path = "/" + service->full_name() + "/" + method->name();
      const grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
      std::unique_ptr<google::protobuf::Message> response(
          factory->GetPrototype(method->output_type())->New());
      const grpc::Status status =
          grpc::internal::BlockingUnaryCall<google::protobuf::Message, google::protobuf::Message>(
              &channel, rpc, &context, *request, response.get());
      check(*field, status);
      ++calls;
    }
  }
  return calls;
}

}  // namespace reviewtrail::testing
