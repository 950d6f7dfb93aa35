#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/store_memory.h"

namespace reviewtrail::server {

// Everything a ReviewTrail process is configured with. Each field is a flag, an environment
// variable (REVIEWTRAIL_<FLAG>) and a key of the --config file (TOML or INI); flags win over the
// environment, which wins over the file.
struct ServerConfig {
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:7443";
  std::string metrics_listen = "127.0.0.1:9464";

  // The event log: "embedded" (one machine, in data_dir/log) or "kafka".
  std::string log = "embedded";
  int32_t partitions = 16;  // of a new embedded log, or expected of the Kafka topic
  eventlog::KafkaLogConfig kafka;
  std::vector<std::string> kafka_properties;  // "key=value", passed to librdkafka
  // Who creates a missing topic: "auto" (the command service and the all-in-one server create it;
  // every other service waits up to kafka_topic_wait_s for it), "yes" or "no".
  std::string kafka_create_topic = "auto";
  int kafka_topic_wait_s = 300;
  // client.id of this process's Kafka clients; empty: "<service>.<hostname>" (in Kubernetes the
  // hostname is the pod's name, so each replica has its own).
  std::string kafka_client_id;
  // The longest a command may take: waiting for its partition's writer, and the Kafka producer's
  // delivery of its events (delivery.timeout.ms), so that an append never outlives its command.
  int64_t command_deadline_ms = 10000;
  // How often librdkafka reports its statistics (statistics.interval.ms), which /metrics exports
  // as reviewtrail_kafka_*; 0: not at all.
  int64_t kafka_statistics_interval_ms = 15000;

  // TLS on the gRPC listener; with tls_client_ca, clients must present a certificate (mTLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;

  // Token verification: the local signing key in data_dir/keys is always trusted; add an OIDC
  // provider's keys with a JWKS document and/or PEM public keys.
  std::vector<std::string> jwks_files;
  std::vector<std::string> public_key_files;  // "RS256:PATH" or "ES256:PATH" of a PEM key
  std::string token_issuer;                   // required `iss`, when set
  std::string token_audience;                 // required `aud`, when set
  std::string hs256_secret_file;              // local use only: enables HS256 with this secret

  // The tenant of the admin token created on first start.
  std::string tenant = "default";

  // "tenant=ZONE" (an IANA name such as Europe/Amsterdam, or a fixed offset +HH:MM / -HH:MM): a
  // tenant's time zone, which decides its "today" (the earliest due date a command accepts,
  // overdue and due-soon) and its local send time. Tenants not listed use UTC.
  std::vector<std::string> tenant_time_zones;

  // Tenants run as sandboxes: their test clock may be advanced (AdminService.AdvanceTestClock).
  // Give every service the same list, like the offsets.
  std::vector<std::string> sandbox_tenants;
  // Per-tenant metric series (a `tenant` label) for at most this many tenants, the rest under
  // tenant="other"; 0 (the default): metrics aggregate over tenants and /metrics names none.
  size_t metrics_tenant_labels = 0;
  // "text" (the default) or "json": one JSON object per line (time, level, service, message, and
  // per RPC the access-log fields), for log collectors.
  std::string log_format = "text";
  // Bytes of memory shared by every RocksDB store of the process (event-log shards, write model,
  // read models): one block cache, the stores' memtables charged to it (eventlog::StoreMemory).
  // Written "256MiB", "1GiB" or in bytes.
  uint64_t memory_budget_bytes = eventlog::kDefaultMemoryBudgetBytes;
};

// Registers the options on `app` (including --config). Call before app.parse().
void AddServerOptions(CLI::App& app, ServerConfig& config);

// Applies kafka_properties and the settings derived from the options to config.kafka for the
// binary `service` (e.g. "reviewtrail-query": its client.id, whether it creates the topic);
// reports a malformed entry.
[[nodiscard]] std::string FinishKafkaConfig(ServerConfig& config, const std::string& service);

// The issuer of the tokens this process mints with its local key (admin token, `token`
// command, the notifier's service tokens): --token-issuer when set, so that the verifier that
// requires it accepts them too; else "reviewtrail-local".
[[nodiscard]] std::string LocalTokenIssuer(const ServerConfig& config);

}  // namespace reviewtrail::server
