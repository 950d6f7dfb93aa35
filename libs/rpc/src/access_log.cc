#include "reviewtrail/rpc/access_log.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <unordered_map>

#include "absl/status/status.h"
#include "reviewtrail/runtime/structured_log.h"

namespace reviewtrail::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string RandomHex(size_t digits) {
  thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < digits) {
    uint64_t bits = random();
    for (int i = 0; i < 16 && out.size() < digits; ++i, bits >>= 4) out.push_back(kHex[bits & 0xf]);
  }
  // All-zero ids are invalid (W3C); 64 random bits make it practically impossible, still checked.
  if (out.find_first_not_of('0') == std::string::npos) out[0] = '1';
  return out;
}

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The call state the interceptor and the handler share, by server context.
struct CallRecord {
  std::string tenant;
  std::string subject;
};
std::mutex calls_mutex;
std::unordered_map<const grpc::ServerContextBase*, CallRecord*> calls;

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info),
        started_(std::chrono::steady_clock::now()),
        quiet_(std::string_view(info->method()).starts_with("/grpc.")),
        is_command_(
            std::string_view(info->method()).starts_with("/reviewtrail.v1.CommandService/")) {
    std::lock_guard lock(calls_mutex);
    calls[info_->server_context()] = &record_;
  }
  ~AccessLogInterceptor() override {
    std::lock_guard lock(calls_mutex);
    calls.erase(info_->server_context());
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ContinueCallersTrace(*methods->GetRecvInitialMetadata());
    }
    // Only commands carry a command id. Other services may receive raw byte buffers rather than
    // protobuf messages (the query service's raw methods, gRPC's health service): not read.
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        is_command_ && command_id_.empty()) {
      ReadCommandId(methods->GetRecvMessage());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      LogCall(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void ContinueCallersTrace(std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    std::string_view incoming;
    auto it = metadata.find("traceparent");
    if (it != metadata.end()) incoming = std::string_view(it->second.data(), it->second.size());
    traceparent_ = ContinueTrace(incoming);
    if (it != metadata.end()) metadata.erase(it);
    // The handler sees this call's own span; the strings live as long as the call.
    metadata.emplace(grpc::string_ref(kTraceParentKey), grpc::string_ref(traceparent_));
  }

  void ReadCommandId(void* message) {
    if (message == nullptr) return;
    // The command service's methods are generated protobuf methods: the message is a Message.
    const auto* request = static_cast<const google::protobuf::Message*>(message);
    const google::protobuf::FieldDescriptor* field =
        request->GetDescriptor()->FindFieldByName("command_id");
    if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
        field->is_repeated()) {
      return;
    }
    command_id_ = request->GetReflection()->GetString(*request, field);
  }

  void LogCall(const grpc::Status& status) {
    CallRecord record;
    {
      std::lock_guard lock(calls_mutex);
      record = record_;
    }
    const double millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
            .count();
    char duration[32];
    std::snprintf(duration, sizeof(duration), "%.3f", millis);
    const std::string code =
        absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
    // One line per call is for log collectors (--log-format json); a person reading text logs
    // sees them with debug logging only.
    const bool info = !quiet_ && runtime::CurrentLogFormat() == runtime::LogFormat::kJson;
    runtime::Log(info ? spdlog::level::info : spdlog::level::debug, "rpc",
                 {{"rpc", info_->method()},
                  {"grpc_code", code},
                  {"duration_ms", duration},
                  {"tenant", record.tenant},
                  {"subject", record.subject},
                  {"command_id", command_id_},
                  {"trace_id", runtime::TraceIdOf(traceparent_)}});
  }

  static constexpr char kTraceParentKey[] = "traceparent";
  grpc::experimental::ServerRpcInfo* info_;
  const std::chrono::steady_clock::time_point started_;
  const bool quiet_;
  const bool is_command_;  // a method of the (protobuf, never raw) CommandService
  std::string traceparent_;
  std::string command_id_;
  CallRecord record_;  // guarded by calls_mutex (written by the handler's thread)
};

}  // namespace

grpc::experimental::Interceptor* AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info);
}

std::string TraceParentOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("traceparent");
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

void NoteCallPrincipal(const grpc::ServerContextBase& context, const std::string& tenant,
                       const std::string& subject) {
  std::lock_guard lock(calls_mutex);
  auto it = calls.find(&context);
  if (it == calls.end()) return;
  it->second->tenant = tenant;
  it->second->subject = subject;
}

std::string ContinueTrace(std::string_view incoming) {
  // 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>; trace and parent ids not all zero.
  const bool valid = incoming.size() == 55 && incoming.substr(0, 3) == "00-" &&
                     incoming[35] == '-' && incoming[52] == '-' &&
                     IsLowerHex(incoming.substr(3, 32)) && IsLowerHex(incoming.substr(36, 16)) &&
                     IsLowerHex(incoming.substr(53, 2)) &&
                     incoming.substr(3, 32) != std::string(32, '0') &&
                     incoming.substr(36, 16) != std::string(16, '0');
  if (!valid) return "00-" + RandomHex(32) + "-" + RandomHex(16) + "-01";
  return "00-" + std::string(incoming.substr(3, 32)) + "-" + RandomHex(16) + "-" +
         std::string(incoming.substr(53, 2));
}

}  // namespace reviewtrail::rpc
