#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <string>

namespace reviewtrail::rpc {

// The server interceptor of every ReviewTrail gRPC server (StartGrpcServer installs it):
//  - trace context: reads the caller's W3C `traceparent` metadata and continues its trace with a
//    span of its own, or starts a trace when there is none or it is malformed; the handler reads
//    the result as the `traceparent` metadata (TraceParentOf), so the events of a command carry it;
//  - access log: with --log-format json, one line per call when it ends: rpc, grpc_code,
//    duration_ms, tenant, subject (the authenticated principal, see Authenticate), command_id
//    (from a CommandService request), trace_id. Health checks and reflection log at debug level.
class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// The call's traceparent (after the interceptor: always set, the caller's trace continued).
[[nodiscard]] std::string TraceParentOf(const grpc::ServerContextBase& context);

// Records the call's authenticated principal for its access log line. Authenticate() calls it.
void NoteCallPrincipal(const grpc::ServerContextBase& context, const std::string& tenant,
                       const std::string& subject);

// A new W3C traceparent continuing `incoming` (same trace id and flags, a new span id), or a new
// trace (random ids, sampled flag) when `incoming` is empty or malformed.
[[nodiscard]] std::string ContinueTrace(std::string_view incoming);

}  // namespace reviewtrail::rpc
