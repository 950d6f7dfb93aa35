#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <optional>
#include <string>
#include <string_view>

#include "reviewtrail/domain/error.h"

namespace reviewtrail::rpc {

// Why `bytes` would not parse as a `type` message: the first string field (by its path in the
// request, e.g. "links[1].ref") that is not valid UTF-8 (proto3 requires it; protobuf's parser
// refuses the whole message), or bytes that are no protobuf encoding. Nothing when they parse.
[[nodiscard]] std::optional<domain::FieldViolation> FindUnparsableField(
    const google::protobuf::Descriptor& type, std::string_view bytes);

// The bytes of a received request, left to the caller (not consumed).
[[nodiscard]] std::string RequestBytes(grpc_byte_buffer* request);
[[nodiscard]] std::string RequestBytes(const grpc::ByteBuffer& request);

// INVALID_ARGUMENT + BadRequest naming the field, for a request that does not parse.
[[nodiscard]] grpc::Status UnparsableRequest(const google::protobuf::Descriptor& type,
                                             domain::FieldViolation violation);

// A unary callback method whose request is checked before it is parsed: a request that would not
// parse (invalid UTF-8 in a string field) is answered INVALID_ARGUMENT naming the field, where
// gRPC's own handler would answer UNIMPLEMENTED with no details. Every other call goes to
// `method`, exactly as with the generated handler.
//
// Thread-safe (gRPC calls it on its threads); owned by the service method it is installed on.
template <typename Request, typename Response>
class CheckedUnaryHandler final : public grpc::internal::MethodHandler {
 public:
  using Method = std::function<grpc::ServerUnaryReactor*(grpc::CallbackServerContext*,
                                                         const Request*, Response*)>;

  explicit CheckedUnaryHandler(Method method)
      : typed_(std::move(method)),
        refused_([](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                    grpc::ByteBuffer* /*response*/) {
          grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
          reactor->Finish(Refusal(*request));
          return reactor;
        }) {}

  void* Deserialize(grpc_call* call, grpc_byte_buffer* request, grpc::Status* status,
                    void** handler_data) override {
    // Which handler the call goes to, kept in the call's arena until RunHandler.
    auto* route = new (grpc::g_core_codegen_interface->grpc_call_arena_alloc(call, sizeof(Route)))
        Route{.refused = Unparsable(request), .data = nullptr};
    *handler_data = route;
    return route->refused ? refused_.Deserialize(call, request, status, &route->data)
                          : typed_.Deserialize(call, request, status, &route->data);
  }

  void RunHandler(const HandlerParameter& param) override {
    const auto* route = static_cast<const Route*>(param.internal_data);
    const HandlerParameter inner(param.call, param.server_context, param.request, param.status,
                                 route == nullptr ? nullptr : route->data, param.call_requester);
    if (route != nullptr && route->refused) {
      refused_.RunHandler(inner);
    } else {
      typed_.RunHandler(inner);
    }
  }

 private:
  struct Route {
    bool refused;
    void* data;
  };

  static bool Unparsable(grpc_byte_buffer* request) {
    return request != nullptr &&
           FindUnparsableField(*Request::descriptor(), RequestBytes(request)).has_value();
  }

  static grpc::Status Refusal(const grpc::ByteBuffer& request) {
    std::optional<domain::FieldViolation> violation =
        FindUnparsableField(*Request::descriptor(), RequestBytes(request));
    return UnparsableRequest(*Request::descriptor(),
                             violation.value_or(domain::FieldViolation{
                                 .field = "request", .description = "does not parse"}));
  }

  grpc::internal::CallbackUnaryHandler<Request, Response> typed_;
  grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer> refused_;
};

// The index gRPC's generated code gives `method` of `service` (its place in the .proto), checked
// against the request type the caller expects. Aborts on a mismatch: a programming error.
[[nodiscard]] int MethodIndex(std::string_view service, std::string_view method,
                              const google::protobuf::Descriptor& request);

// The checked handler of `method` of `service`, to install with MarkMethodCallback(index, …) in
// place of the generated one, e.g. in the service's constructor:
//   MarkMethodCallback(rpc::MethodIndex(kName, "GetReview", *v1::GetReviewRequest::descriptor()),
//                      rpc::CheckedUnary(this, &QueryService::GetReview));
template <typename Service, typename Request, typename Response>
grpc::internal::MethodHandler* CheckedUnary(
    Service* service, grpc::ServerUnaryReactor* (Service::*method)(grpc::CallbackServerContext*,
                                                                   const Request*, Response*)) {
  return new CheckedUnaryHandler<Request, Response>(
      [service, method](grpc::CallbackServerContext* context, const Request* request,
                        Response* response) {
        return (service->*method)(context, request, response);
      });
}

}  // namespace reviewtrail::rpc
