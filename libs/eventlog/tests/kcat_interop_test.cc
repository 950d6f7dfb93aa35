// An independent client reads what the Kafka log wrote: Debian's kcat consumes the topic from the
// mock cluster (listening on loopback) and we check the CloudEvents headers and decode each value.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "reviewtrail/eventlog/cloudevents_headers.h"
#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"
#include "test_support.h"

namespace reviewtrail::eventlog {
namespace {

constexpr char kKcat[] = "/usr/bin/kcat";
constexpr int32_t kPartitions = 4;

// Runs `command` through the shell and returns its standard output, byte for byte.
std::string RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen " << command;
    return output;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return output;
}

TEST(KcatInteropTest, KcatSeesCloudEventsHeadersAndDecodableEnvelopes) {
  if (access(kKcat, X_OK) != 0) GTEST_SKIP() << kKcat << " not installed";
  absl::StatusOr<std::unique_ptr<MockKafkaCluster>> cluster = MockKafkaCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_TRUE((*cluster)->CreateTopic(kDefaultEventTopic, kPartitions, 3).ok());
  KafkaLogConfig config;
  config.bootstrap_servers = (*cluster)->bootstrap_servers();
  config.partition_count = kPartitions;
  absl::StatusOr<std::unique_ptr<KafkaLog>> log = KafkaLog::Open(config);
  ASSERT_TRUE(log.ok()) << log.status();

  std::map<Position, v1::EventEnvelope> appended;
  for (const std::string tenant : {"acme", "globex", "initech"}) {
    std::vector<v1::EventEnvelope> events;
    for (int v = 1; v <= 4; ++v) events.push_back(testing::MakeEvent(tenant, "act-7", v));
    events[3].clear_payload();
    events[3].mutable_closure_approved()->set_action_id("act-7");
    absl::StatusOr<std::vector<Position>> at = (*log)->Append(tenant, events);
    ASSERT_TRUE(at.ok()) << at.status();
    for (size_t i = 0; i < events.size(); ++i) appended[(*at)[i]] = events[i];
  }

  const std::string kcat = absl::StrCat(kKcat, " -C -q -e -b ", (*cluster)->bootstrap_servers(),
                                        " -t ", kDefaultEventTopic);
  // Headers: one line per record, "partition offset key name=value,name=value,...".
  std::map<Position, std::string> seen;
  std::istringstream lines(RunCommand(kcat + " -f '%p %o %k %h\\n'"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    Position at;
    std::string key;
    std::string headers_text;
    fields >> at.partition >> at.offset >> key >> headers_text;
    const auto event = appended.find(at);
    ASSERT_NE(event, appended.end()) << line;
    EXPECT_EQ(key, event->second.tenant_id());
    Headers headers;
    for (const absl::string_view header : absl::StrSplit(headers_text, ',')) {
      const std::vector<std::string> name_value = absl::StrSplit(header, absl::MaxSplits('=', 1));
      ASSERT_EQ(name_value.size(), 2u) << header;
      headers.emplace_back(name_value[0], name_value[1]);
    }
    EXPECT_EQ(headers, CloudEventsHeaders(event->second)) << line;
    EXPECT_EQ(headers[2].second, event->second.has_closure_approved()
                                     ? "reviewtrail.v1.ClosureApproved"
                                     : "reviewtrail.v1.ActionAssigned");
    seen[at] = key;
  }
  EXPECT_EQ(seen.size(), appended.size());

  // Values: per partition, in offset order, each as a 32-bit big-endian length and the bytes.
  size_t decoded = 0;
  for (int32_t p = 0; p < kPartitions; ++p) {
    const std::string raw = RunCommand(absl::StrCat(kcat, " -p ", p, " -o beginning -f '%R%s'"));
    int64_t offset = 0;
    for (size_t i = 0; i + 4 <= raw.size(); ++offset) {
      const uint32_t size = (static_cast<uint32_t>(static_cast<uint8_t>(raw[i])) << 24) |
                            (static_cast<uint32_t>(static_cast<uint8_t>(raw[i + 1])) << 16) |
                            (static_cast<uint32_t>(static_cast<uint8_t>(raw[i + 2])) << 8) |
                            static_cast<uint32_t>(static_cast<uint8_t>(raw[i + 3]));
      ASSERT_LE(i + 4 + size, raw.size());
      v1::EventEnvelope envelope;
      ASSERT_TRUE(envelope.ParseFromString(raw.substr(i + 4, size)));
      const auto event = appended.find(Position{p, offset});
      ASSERT_NE(event, appended.end());
      EXPECT_EQ(envelope.SerializeAsString(), event->second.SerializeAsString());
      ++decoded;
      i += 4 + size;
    }
  }
  EXPECT_EQ(decoded, appended.size());
}

}  // namespace
}  // namespace reviewtrail::eventlog
