// The embedded log's record codec (frames and keys) and the envelope decoding behind it.
//
// Input: the bytes of a stored frame. A frame whose checksum does not match is refused before
// anything else is read, so the harness also seals the input with its own CRC-32C: both forms are
// decoded, and the fuzzer reaches the framing behind the checksum.
// Oracles: every refusal is DATA_LOSS; a decoded frame encodes back to the very same bytes; a
// decode without headers gives the same key and value; a 12-byte prefix decoded as a log key
// encodes back to itself; the value, parsed as an EventEnvelope, gets its CloudEvents headers and
// folds into a tenant's state without crashing.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "google/protobuf/stubs/logging.h"
#include "record_codec.h"
#include "reviewtrail/domain/tenant_state.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/v1/events.pb.h"

namespace {

namespace internal = reviewtrail::eventlog::internal;
using reviewtrail::eventlog::Record;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "oracle violated: %s\n", what);
  std::abort();
}

void CheckFrame(std::string_view frame) {
  Record record;
  const absl::Status status = internal::DecodeFrame(frame, record);
  Record bare;
  const absl::Status bare_status = internal::DecodeFrame(frame, bare, /*with_headers=*/false);
  if (status.ok() != bare_status.ok()) Fail("decoding without headers disagrees");
  if (!status.ok()) {
    if (!absl::IsDataLoss(status) || !absl::IsDataLoss(bare_status)) Fail("refusal not DATA_LOSS");
    return;
  }
  if (!bare.headers.empty() || bare.key != record.key || bare.value != record.value) {
    Fail("decoding without headers gives another record");
  }
  if (internal::EncodeFrame(record.key, record.headers, record.value) != frame) {
    Fail("a decoded frame does not encode back to its bytes");
  }
  reviewtrail::v1::EventEnvelope envelope;
  if (envelope.ParseFromString(record.value)) {
    const reviewtrail::eventlog::Headers headers =
        reviewtrail::eventlog::CloudEventsHeaders(envelope);
    if (headers.empty() || headers.front().first != "ce_specversion") Fail("no ce_specversion");
    reviewtrail::domain::TenantState state;
    state.Apply(envelope);
    state.Apply(envelope);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Refusals are expected here; protobuf's log line for each would only slow the fuzzer down.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckFrame(input);

  // The same bytes with a matching checksum: the framing behind it.
  std::string sealed(input);
  const uint32_t crc = internal::Crc32c(sealed);
  for (int i = 0; i < 4; ++i) sealed.push_back(static_cast<char>(crc >> (8 * i)));
  CheckFrame(sealed);

  if (size >= internal::kLogKeySize) {
    const std::string_view key = input.substr(0, internal::kLogKeySize);
    int32_t partition = -1;
    int64_t offset = -1;
    if (internal::DecodeLogKey(key, partition, offset)) {
      if (partition < 0 || offset < 0) Fail("a decoded log key is negative");
      if (internal::EncodeLogKey(partition, offset) != key) Fail("a log key does not round-trip");
    }
  }
  return 0;
}
