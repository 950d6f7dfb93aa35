// The real reviewtrail-server binary with --log-format json: every metric the Grafana dashboard and
// the Prometheus rules query is exported on /metrics (the Kafka clients' over the development
// broker), every log line is one JSON object without
// personal data, and a command's trace id appears in the access log and in the log line of every
// projection that applied its event (query, audit, notifier).
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "child_process.h"
#include "reviewtrail/v1/audit_service.grpc.pb.h"
#include "reviewtrail/v1/command_service.grpc.pb.h"
#include "reviewtrail/v1/query_service.grpc.pb.h"

namespace reviewtrail::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kDisplayName[] = "Zoë Quartermain";
constexpr char kEmail[] = "zoe.quartermain@acme.example";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string HttpGet(const std::string& url) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  EXPECT_EQ(code, CURLE_OK) << curl_easy_strerror(code);
  return body;
}

// Metric names in PromQL expressions: identifiers followed by `{`, `[`, `)` or a space that are
// not functions, keywords or label names (labels only appear inside braces and by (...)).
std::set<std::string> MetricNames(const std::string& expr) {
  static const std::set<std::string> kNotMetrics = {"sum",
                                                    "min",
                                                    "max",
                                                    "avg",
                                                    "count",
                                                    "rate",
                                                    "increase",
                                                    "by",
                                                    "without",
                                                    "and",
                                                    "or",
                                                    "unless",
                                                    "on",
                                                    "ignoring",
                                                    "group_left",
                                                    "group_right",
                                                    "histogram_quantile",
                                                    "time",
                                                    "absent",
                                                    "changes",
                                                    "group",
                                                    "last_over_time",
                                                    "max_over_time",
                                                    "label_values",
                                                    "le",
                                                    "offset",
                                                    "bool",
                                                    "abs",
                                                    "clamp_min",
                                                    "topk",
                                                    "bottomk",
                                                    "humanize"};
  // Remove string literals, label matchers and by/without/on lists.
  std::string cleaned = std::regex_replace(expr, std::regex(R"("([^"\\]|\\.)*")"), "\"\"");
  cleaned = std::regex_replace(cleaned, std::regex(R"(\{[^}]*\})"), " ");
  cleaned = std::regex_replace(
      cleaned, std::regex(R"(\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))"), " ");
  cleaned = std::regex_replace(cleaned, std::regex(R"(\[[^\]]*\])"), " ");
  std::set<std::string> names;
  const std::regex identifier(R"([a-zA-Z_:][a-zA-Z0-9_:]*)");
  for (auto it = std::sregex_iterator(cleaned.begin(), cleaned.end(), identifier);
       it != std::sregex_iterator(); ++it) {
    const std::string name = it->str();
    if (kNotMetrics.contains(name) || name.starts_with("__")) continue;
    // Numbers like 1e3 and durations are not identifiers that start with a letter followed by _.
    if (name.find('_') == std::string::npos && name != "up") continue;
    names.insert(name);
  }
  return names;
}

// Every `expr` of the dashboard (panels, rows' panels) and its query variables.
std::set<std::string> DashboardMetrics(const nlohmann::json& dashboard) {
  std::set<std::string> names;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if ((key == "expr" || key == "definition") && value.is_string()) {
          for (const std::string& name : MetricNames(value.get<std::string>())) names.insert(name);
        } else {
          walk(value);
        }
      }
    } else if (node.is_array()) {
      for (const auto& item : node) walk(item);
    }
  };
  walk(dashboard);
  return names;
}

// Every `expr:` of the rules file, with its indented continuation lines (`expr: |`).
std::set<std::string> RulesMetrics(const std::string& rules) {
  std::set<std::string> names;
  std::istringstream in(rules);
  std::string line;
  std::string expr;
  size_t indent = std::string::npos;
  bool in_block = false;
  const auto flush = [&] {
    for (const std::string& name : MetricNames(expr)) names.insert(name);
    expr.clear();
  };
  while (std::getline(in, line)) {
    const size_t first = line.find_first_not_of(' ');
    if (in_block) {
      if (first != std::string::npos && first <= indent) {
        in_block = false;
        flush();
      } else {
        expr += line + "\n";
        continue;
      }
    }
    if (first == std::string::npos || line.compare(first, 5, "expr:") != 0) continue;
    const std::string rest = line.substr(first + 5);
    if (rest.find('|') != std::string::npos || rest.find_first_not_of(' ') == std::string::npos) {
      in_block = true;
      indent = first;
    } else {
      expr = rest;
      flush();
    }
  }
  flush();
  return names;
}

// The families /metrics exports (# TYPE lines), with the _bucket/_sum/_count of histograms.
std::set<std::string> ExportedMetrics(const std::string& text) {
  std::set<std::string> names;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string hash, kind, name, type;
    words >> hash >> kind >> name >> type;
    if (hash != "#" || kind != "TYPE") continue;
    names.insert(name);
    if (type == "histogram" || type == "summary") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) names.insert(name + suffix);
    }
  }
  return names;
}

// The metrics the dashboard and the rules use (Prometheus' own `up` left out).
struct UsedMetrics {
  std::set<std::string> dashboard;
  std::set<std::string> rules;
};

UsedMetrics MetricsOfTheDashboardAndTheRules() {
  UsedMetrics used;
  used.dashboard = DashboardMetrics(nlohmann::json::parse(
      ReadFile(REVIEWTRAIL_SOURCE_DIR "/helm/reviewtrail/files/reviewtrail.json")));
  used.rules = RulesMetrics(ReadFile(REVIEWTRAIL_SOURCE_DIR "/helm/reviewtrail/files/rules.yml"));
  used.dashboard.erase("up");  // Prometheus' own
  used.rules.erase("up");
  return used;
}

bool IsKafkaMetric(const std::string& name) { return name.starts_with("reviewtrail_kafka_"); }

// The all-in-one server as a child process; each fixture below starts it over its own log.
class ObservabilityFixture : public ::testing::Test {
 protected:
  ObservabilityFixture() {
    data_ =
        std::filesystem::temp_directory_path() / ("observability-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_);
  }

  void StartServer(const std::vector<std::string>& log_options) {
    std::vector<std::string> arguments = {
        "--data-dir",  data_.string(), "--listen", "127.0.0.1:0",  "--metrics-listen",
        "127.0.0.1:0", "--tenant",     "acme",     "--log-format", "json"};
    arguments.insert(arguments.end(), log_options.begin(), log_options.end());
    server_ = std::make_unique<ChildProcess>(REVIEWTRAIL_SERVER_BINARY, arguments);
    // The ready banner: gRPC, then metrics, then the token.
    const std::string grpc_line = server_->WaitForLine("gRPC ", kStartTimeout);
    EXPECT_FALSE(grpc_line.empty()) << server_->output();
    const size_t colon = grpc_line.rfind(':');
    const std::string port = grpc_line.substr(colon + 1, grpc_line.find(' ', colon) - colon - 1);
    channel_ = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
    const std::string metrics = server_->WaitForLine("metrics  http://", kStartTimeout);
    EXPECT_NE(metrics.find("http://"), std::string::npos) << server_->output();
    metrics_url_ = metrics.substr(metrics.find("http://"));
    server_->WaitForLine("export REVIEWTRAIL_TOKEN=", kStartTimeout);
    std::getline(std::ifstream(data_ / "admin.token"), token_);
  }
  ~ObservabilityFixture() override {
    server_.reset();
    std::filesystem::remove_all(data_);
  }

  void Prepare(grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer " + token_);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }

  // One command (with the caller's trace), one query, one verification and one export.
  void Exercise() {
    {
      v1::RegisterPersonRequest request;
      request.set_command_id("register-zoe");
      request.set_person_id("zoe");
      request.set_display_name(kDisplayName);
      request.set_email(kEmail);
      v1::CommandReply reply;
      grpc::ClientContext context;
      Prepare(context);
      context.AddMetadata("traceparent", std::string("00-") + kTraceId + "-00f067aa0ba902b7-01");
      const grpc::Status status =
          v1::CommandService::NewStub(channel_)->RegisterPerson(&context, request, &reply);
      ASSERT_TRUE(status.ok()) << status.error_message() << server_->output();
      after_ = reply.log_position();
    }
    {
      v1::ListPersonsRequest request;
      *request.mutable_min_position() = after_;
      v1::ListPersonsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      const grpc::Status status =
          v1::QueryService::NewStub(channel_)->ListPersons(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    {
      v1::VerifyAuditLogRequest request;
      *request.mutable_after() = after_;
      v1::VerifyAuditLogResponse response;
      grpc::ClientContext context;
      Prepare(context);
      const grpc::Status status =
          v1::AuditService::NewStub(channel_)->VerifyAuditLog(&context, request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_TRUE(response.intact());
    }
    {
      v1::ExportAuditLogRequest request;
      request.set_format(v1::AUDIT_EXPORT_FORMAT_JSON_LINES);
      *request.mutable_after() = after_;
      grpc::ClientContext context;
      Prepare(context);
      auto reader = v1::AuditService::NewStub(channel_)->ExportAuditLog(&context, request);
      v1::ExportAuditLogResponse chunk;
      while (reader->Read(&chunk)) {
      }
      const grpc::Status status = reader->Finish();
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  std::filesystem::path data_;
  std::unique_ptr<ChildProcess> server_;
  std::string metrics_url_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  v1::LogPosition after_;
};

// Over the embedded log.
class ObservabilityTest : public ObservabilityFixture {
 protected:
  ObservabilityTest() { StartServer({}); }
};

// Over Kafka: the development broker (librdkafka's mock cluster in its own process), and the
// clients' statistics refreshed every 100 ms.
class KafkaObservabilityTest : public ObservabilityFixture {
 protected:
  KafkaObservabilityTest() {
    devkafka_ = std::make_unique<ChildProcess>(
        REVIEWTRAIL_DEVKAFKA_BINARY,
        std::vector<std::string>{"--brokers", "3", "--partitions", "4"});
    const std::string line =
        devkafka_->WaitForLine("REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=", kStartTimeout);
    EXPECT_FALSE(line.empty()) << devkafka_->output();
    EXPECT_FALSE(devkafka_->WaitForLine("ready", kStartTimeout).empty()) << devkafka_->output();
    StartServer({"--log", "kafka", "--kafka-bootstrap-servers", line.substr(line.find('=') + 1),
                 "--partitions", "4", "--kafka-statistics-interval-ms", "100"});
  }
  ~KafkaObservabilityTest() override {
    server_.reset();  // the server before its broker
    devkafka_.reset();
  }

  std::unique_ptr<ChildProcess> devkafka_;
};

TEST_F(ObservabilityTest, EveryMetricOfTheDashboardAndTheRulesIsExported) {
  ASSERT_NO_FATAL_FAILURE(Exercise());
  const std::string text = HttpGet(metrics_url_);
  const std::set<std::string> exported = ExportedMetrics(text);
  ASSERT_FALSE(exported.empty());

  const UsedMetrics used = MetricsOfTheDashboardAndTheRules();
  // The parsing found what the files are about (guards against a silently empty check).
  EXPECT_TRUE(used.dashboard.contains("reviewtrail_audit_chain_intact"));
  EXPECT_TRUE(used.rules.contains("reviewtrail_notifier_next_wakeup_timestamp_seconds"));
  EXPECT_TRUE(used.rules.contains("reviewtrail_command_duration_seconds_bucket"));
  EXPECT_TRUE(used.rules.contains("reviewtrail_rocksdb_write_stopped"));
  EXPECT_TRUE(used.dashboard.contains("reviewtrail_rocksdb_pending_compaction_bytes"));
  EXPECT_GE(used.dashboard.size(), 30u);
  EXPECT_GE(used.rules.size(), 15u);

  for (const auto& [source, names] :
       {std::pair{"dashboard", used.dashboard}, std::pair{"rules", used.rules}}) {
    for (const std::string& name : names) {
      if (IsKafkaMetric(name)) continue;  // KafkaObservabilityTest: the embedded log has none
      EXPECT_TRUE(exported.contains(name))
          << source << " uses " << name << ", which the server does not export";
    }
  }
  // Every RocksDB store of the process is labelled: the embedded log, the write model and the
  // three read models.
  for (const char* store : {"event_log", "write_model", "query", "audit", "notifier"}) {
    EXPECT_NE(text.find(std::string("reviewtrail_rocksdb_live_sst_bytes{store=\"") + store + "\"}"),
              std::string::npos)
        << store << " missing in\n"
        << text;
  }
  // No Kafka, so no Kafka client family at all (not even an empty # TYPE line).
  for (const std::string& name : exported) EXPECT_FALSE(IsKafkaMetric(name)) << name;
}

TEST_F(KafkaObservabilityTest, EveryKafkaMetricOfTheDashboardAndTheRulesIsExported) {
  ASSERT_NO_FATAL_FAILURE(Exercise());
  const UsedMetrics used = MetricsOfTheDashboardAndTheRules();
  std::set<std::string> kafka;
  for (const auto* names : {&used.dashboard, &used.rules}) {
    for (const std::string& name : *names) {
      if (IsKafkaMetric(name)) kafka.insert(name);
    }
  }
  // Guards against a silently empty check: the producer, a broker and a consumer figure.
  EXPECT_TRUE(kafka.contains("reviewtrail_kafka_producer_queue_messages"));
  EXPECT_TRUE(kafka.contains("reviewtrail_kafka_broker_rtt_p99_seconds"));
  EXPECT_TRUE(kafka.contains("reviewtrail_kafka_consumer_lag_messages"));

  // The clients report every 100 ms; the first reports after the command may take a few. The
  // deadline only bounds a failure.
  std::string text;
  std::set<std::string> exported;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const auto covered = [&] {
    return std::all_of(kafka.begin(), kafka.end(),
                       [&](const std::string& name) { return exported.contains(name); }) &&
           text.find("reviewtrail_kafka_consumer_lag_messages{") != std::string::npos;
  };
  while (!covered() && std::chrono::steady_clock::now() < deadline) {
    server_->Drain();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    text = HttpGet(metrics_url_);
    exported = ExportedMetrics(text);
  }
  for (const std::string& name : kafka) {
    EXPECT_TRUE(exported.contains(name))
        << name << " is used by the dashboard or the rules and not exported\n"
        << text;
  }
  // Labelled as documented: the producer's client name, the broker's node id, the topic.
  EXPECT_NE(
      text.find("reviewtrail_kafka_producer_messages_sent_total{client=\"reviewtrail-server."),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("broker=\"1\""), std::string::npos) << text;
  EXPECT_NE(text.find("topic=\"reviewtrail.events.v1\""), std::string::npos) << text;
  // The stores of a Kafka deployment: the write model and read models, no embedded log.
  EXPECT_NE(text.find("reviewtrail_rocksdb_live_sst_bytes{store=\"write_model\"}"),
            std::string::npos);
  EXPECT_EQ(text.find("store=\"event_log\""), std::string::npos);
}

TEST_F(ObservabilityTest, JsonLogsFollowOneCommandThroughEveryProjectionWithoutPersonalData) {
  ASSERT_NO_FATAL_FAILURE(Exercise());
  // The notifier, query and audit projections each log the event they applied with its trace.
  std::set<std::string> projections;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (projections.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    const std::string line = server_->WaitForLine(kTraceId, std::chrono::seconds(5));
    if (line.empty()) continue;
    const size_t open = line.find('{');
    ASSERT_NE(open, std::string::npos) << line;
    const nlohmann::json entry = nlohmann::json::parse(line.substr(open));
    if (entry.value("message", "") == "applied") {
      projections.insert(entry.value("projection", ""));
    }
  }
  EXPECT_EQ(projections, (std::set<std::string>{"audit", "notifier", "query"}))
      << server_->output();

  const std::string output = server_->output();
  // No personal data: not the display name, not the e-mail address.
  EXPECT_EQ(output.find(kDisplayName), std::string::npos);
  EXPECT_EQ(output.find(kEmail), std::string::npos);

  bool access_logged = false;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;  // the ready banner is plain text
    const nlohmann::json entry = nlohmann::json::parse(line);
    for (const char* key : {"time", "level", "service", "message"}) {
      EXPECT_TRUE(entry.contains(key)) << key << " missing in " << line;
    }
    EXPECT_EQ(entry.value("service", ""), "reviewtrail-server") << line;
    if (entry.value("message", "") == "rpc" &&
        entry.value("rpc", "") == "/reviewtrail.v1.CommandService/RegisterPerson") {
      access_logged = true;
      EXPECT_EQ(entry.value("grpc_code", ""), "OK");
      EXPECT_EQ(entry.value("tenant", ""), "acme");
      EXPECT_EQ(entry.value("subject", ""), "admin");
      EXPECT_EQ(entry.value("command_id", ""), "register-zoe");
      EXPECT_EQ(entry.value("trace_id", ""), kTraceId);
      EXPECT_FALSE(entry.value("duration_ms", "").empty());
    }
  }
  EXPECT_TRUE(access_logged) << output;
}

}  // namespace
}  // namespace reviewtrail::testing
