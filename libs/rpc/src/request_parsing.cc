#include "reviewtrail/rpc/request_parsing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/support/log.h>

#include <cstdlib>
#include <map>

#include "reviewtrail/domain/error.h"
#include "reviewtrail/linked_descriptors.h"
#include "reviewtrail/rpc/status_mapping.h"

namespace reviewtrail::rpc {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

constexpr int kMaxDepth = 100;  // protobuf's default recursion limit

domain::FieldViolation NotAnEncoding(const std::string& field, const Descriptor& type) {
  return {.field = field.empty() ? "request" : field,
          .description = "is not a valid protobuf encoding of " + type.full_name()};
}

// "links[0]." -> "links[0]"; "" -> "".
std::string Parent(const std::string& prefix) {
  return prefix.empty() ? prefix : prefix.substr(0, prefix.size() - 1);
}

// Scans the fields of one message up to the stream's limit.
std::optional<domain::FieldViolation> Scan(const Descriptor& type, CodedInputStream& in,
                                           const std::string& prefix, int depth) {
  std::map<int, int> occurrences;  // per repeated field: the index of its next element
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) {
      // The end of the message, or a malformed tag (the caller checks the end of the request).
      if (depth > 0 && in.BytesUntilLimit() != 0) return NotAnEncoding(Parent(prefix), type);
      return std::nullopt;
    }
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    std::string name;
    if (field != nullptr) {
      name = prefix + field->name();
      if (field->is_repeated()) name += "[" + std::to_string(occurrences[number]++) + "]";
    }
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    if (field != nullptr && delimited && field->type() == FieldDescriptor::TYPE_STRING) {
      uint32_t length = 0;
      std::string value;
      if (!in.ReadVarint32(&length) || !in.ReadString(&value, static_cast<int>(length))) {
        return NotAnEncoding(name, type);
      }
      if (field->file()->syntax() == FileDescriptor::SYNTAX_PROTO3 &&
          !google::protobuf::internal::IsStructurallyValidUTF8(value.data(),
                                                               static_cast<int>(value.size()))) {
        return domain::FieldViolation{.field = name, .description = "must be valid UTF-8"};
      }
      continue;
    }
    if (field != nullptr && delimited && field->type() == FieldDescriptor::TYPE_MESSAGE) {
      uint32_t length = 0;
      if (depth >= kMaxDepth || !in.ReadVarint32(&length)) return NotAnEncoding(name, type);
      const CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
      if (auto inner = Scan(*field->message_type(), in, name + ".", depth + 1)) return inner;
      in.PopLimit(limit);
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) {
      return NotAnEncoding(name.empty() ? Parent(prefix) : name, type);
    }
  }
}

}  // namespace

std::optional<domain::FieldViolation> FindUnparsableField(const Descriptor& type,
                                                          std::string_view bytes) {
  CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  if (auto violation = Scan(type, in, "", 0)) return violation;
  if (in.CurrentPosition() != static_cast<int>(bytes.size())) return NotAnEncoding("", type);
  return std::nullopt;
}

std::string RequestBytes(grpc_byte_buffer* request) {
  grpc_byte_buffer_reader reader;
  if (grpc_byte_buffer_reader_init(&reader, request) == 0) return {};
  grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
  std::string bytes(reinterpret_cast<const char*>(GRPC_SLICE_START_PTR(all)),
                    GRPC_SLICE_LENGTH(all));
  grpc_slice_unref(all);
  grpc_byte_buffer_reader_destroy(&reader);
  return bytes;
}

std::string RequestBytes(const grpc::ByteBuffer& request) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!request.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

grpc::Status UnparsableRequest(const Descriptor& type, domain::FieldViolation violation) {
  domain::DomainError error;
  error.code = domain::ErrorCode::kInvalidArgument;
  error.rule = "INVALID_ARGUMENT";
  error.message = "invalid " + type.name() + ": " + violation.field + " " + violation.description;
  error.violations.push_back(std::move(violation));
  return ToGrpcStatus(error);
}

int MethodIndex(std::string_view service, std::string_view method, const Descriptor& request) {
  proto::LinkAllDescriptors();
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  if (descriptor != nullptr) {
    for (int i = 0; i < descriptor->method_count(); ++i) {
      if (descriptor->method(i)->name() == method &&
          descriptor->method(i)->input_type() == &request) {
        return i;
      }
    }
  }
  gpr_log(GPR_ERROR, "%s.%s(%s) is not a method of the generated service",
          std::string(service).c_str(), std::string(method).c_str(), request.full_name().c_str());
  std::abort();
}

}  // namespace reviewtrail::rpc
