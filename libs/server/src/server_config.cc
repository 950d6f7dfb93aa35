#include "reviewtrail/server/server_config.h"

#include <unistd.h>

#include <array>

namespace reviewtrail::server {

void AddServerOptions(CLI::App& app, ServerConfig& config) {
  app.set_config("--config", "", "Read options from this TOML/INI file")
      ->envname("REVIEWTRAIL_CONFIG");
  app.add_option("--data-dir", config.data_dir, "Directory for all local state")
      ->envname("REVIEWTRAIL_DATA_DIR")
      ->capture_default_str();
  app.add_option("--listen", config.listen, "gRPC listen address")
      ->envname("REVIEWTRAIL_LISTEN")
      ->capture_default_str();
  app.add_option("--metrics-listen", config.metrics_listen,
                 "Prometheus /metrics listen address (empty: off)")
      ->envname("REVIEWTRAIL_METRICS_LISTEN")
      ->capture_default_str();
  app.add_option("--log", config.log, "Event log: embedded or kafka")
      ->envname("REVIEWTRAIL_LOG")
      ->check(CLI::IsMember({"embedded", "kafka"}))
      ->capture_default_str();
  app.add_option("--partitions", config.partitions,
                 "Partitions of a new embedded log / expected of the Kafka topic")
      ->envname("REVIEWTRAIL_PARTITIONS")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--kafka-bootstrap-servers", config.kafka.bootstrap_servers,
                 "Kafka brokers, host:port[,host:port]")
      ->envname("REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS");
  app.add_option("--kafka-topic", config.kafka.topic, "Kafka topic of the events")
      ->envname("REVIEWTRAIL_KAFKA_TOPIC")
      ->capture_default_str();
  app.add_option("--kafka-security-protocol", config.kafka.security_protocol,
                 "plaintext, ssl, sasl_plaintext or sasl_ssl")
      ->envname("REVIEWTRAIL_KAFKA_SECURITY_PROTOCOL");
  app.add_option("--kafka-sasl-mechanism", config.kafka.sasl_mechanism,
                 "e.g. SCRAM-SHA-512 or PLAIN")
      ->envname("REVIEWTRAIL_KAFKA_SASL_MECHANISM");
  app.add_option("--kafka-sasl-username", config.kafka.sasl_username)
      ->envname("REVIEWTRAIL_KAFKA_SASL_USERNAME");
  app.add_option("--kafka-sasl-password", config.kafka.sasl_password)
      ->envname("REVIEWTRAIL_KAFKA_SASL_PASSWORD");
  app.add_option("--kafka-ssl-ca", config.kafka.ssl_ca_location, "CA bundle for the brokers")
      ->envname("REVIEWTRAIL_KAFKA_SSL_CA");
  app.add_option("--kafka-ssl-certificate", config.kafka.ssl_certificate_location,
                 "PEM client certificate for the brokers (mTLS)")
      ->envname("REVIEWTRAIL_KAFKA_SSL_CERTIFICATE");
  app.add_option("--kafka-ssl-key", config.kafka.ssl_key_location,
                 "PEM private key of --kafka-ssl-certificate")
      ->envname("REVIEWTRAIL_KAFKA_SSL_KEY");
  app.add_option("--kafka-create-topic", config.kafka_create_topic,
                 "Create a missing topic: auto (the command service does; the others wait for "
                 "it), yes or no")
      ->envname("REVIEWTRAIL_KAFKA_CREATE_TOPIC")
      ->check(CLI::IsMember({"auto", "yes", "no"}))
      ->capture_default_str();
  app.add_option("--kafka-topic-wait-s", config.kafka_topic_wait_s,
                 "How long a service that does not create the topic waits for it at start")
      ->envname("REVIEWTRAIL_KAFKA_TOPIC_WAIT_S")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  app.add_option("--kafka-replication-factor", config.kafka.replication_factor,
                 "Replication factor of a topic this service creates (0: min(3, brokers))")
      ->envname("REVIEWTRAIL_KAFKA_REPLICATION_FACTOR")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
  app.add_option("--kafka-min-insync-replicas", config.kafka.min_insync_replicas,
                 "min.insync.replicas of a topic this service creates (0: 2 with 3 or more "
                 "replicas, else 1)")
      ->envname("REVIEWTRAIL_KAFKA_MIN_INSYNC_REPLICAS")
      ->check(CLI::Range(0, 32))
      ->capture_default_str();
  app.add_option("--kafka-client-id", config.kafka_client_id,
                 "client.id of the Kafka clients (default: <service>.<hostname>)")
      ->envname("REVIEWTRAIL_KAFKA_CLIENT_ID");
  app.add_option("--command-deadline-ms", config.command_deadline_ms,
                 "The longest a command may wait for its writer and for the log to acknowledge "
                 "its events (also the Kafka producer's delivery.timeout.ms)")
      ->envname("REVIEWTRAIL_COMMAND_DEADLINE_MS")
      ->check(CLI::Range(int64_t{100}, int64_t{300000}))
      ->capture_default_str();
  app.add_option("--kafka-statistics-interval-ms", config.kafka_statistics_interval_ms,
                 "How often the Kafka clients' statistics (broker round trips, producer queue, "
                 "consumer lag) are refreshed for /metrics; 0: never")
      ->envname("REVIEWTRAIL_KAFKA_STATISTICS_INTERVAL_MS")
      ->check(CLI::Range(int64_t{0}, int64_t{3600000}))
      ->capture_default_str();
  app.add_option("--kafka-property", config.kafka_properties,
                 "Extra librdkafka property key=value (repeatable)")
      ->envname("REVIEWTRAIL_KAFKA_PROPERTIES")
      ->delimiter(',');
  app.add_option("--tls-cert", config.tls_cert, "PEM certificate chain of the gRPC listener")
      ->envname("REVIEWTRAIL_TLS_CERT");
  app.add_option("--tls-key", config.tls_key, "PEM private key of the gRPC listener")
      ->envname("REVIEWTRAIL_TLS_KEY");
  app.add_option("--tls-client-ca", config.tls_client_ca,
                 "PEM CA of client certificates: requires and verifies them (mTLS)")
      ->envname("REVIEWTRAIL_TLS_CLIENT_CA");
  app.add_option("--jwks-file", config.jwks_files,
                 "JWKS document of an OIDC provider whose tokens are accepted (repeatable)")
      ->envname("REVIEWTRAIL_JWKS_FILES")
      ->delimiter(',');
  app.add_option(
         "--public-key-file", config.public_key_files,
         "RS256:PATH or ES256:PATH of a PEM public key whose tokens are accepted (repeatable)")
      ->envname("REVIEWTRAIL_PUBLIC_KEY_FILES")
      ->delimiter(',');
  app.add_option("--token-issuer", config.token_issuer,
                 "Required iss claim (also the iss of tokens minted with the local key)")
      ->envname("REVIEWTRAIL_TOKEN_ISSUER");
  app.add_option("--token-audience", config.token_audience,
                 "Required aud claim (also the aud of tokens minted with the local key)")
      ->envname("REVIEWTRAIL_TOKEN_AUDIENCE");
  app.add_option("--hs256-secret-file", config.hs256_secret_file,
                 "Local use only: accept HS256 tokens signed with this secret (>= 32 bytes)")
      ->envname("REVIEWTRAIL_HS256_SECRET_FILE");
  app.add_option("--tenant", config.tenant, "Tenant of the admin token made on first start")
      ->envname("REVIEWTRAIL_TENANT")
      ->capture_default_str();
  app.add_option("--tenant-time-zone,--tenant-utc-offset", config.tenant_time_zones,
                 "A tenant's time zone: an IANA name with daylight saving (acme=Europe/Amsterdam) "
                 "or a fixed offset (acme=-08:00); repeatable or comma-separated; default UTC. Its "
                 "today for due dates, overdue and dashboards, and its local time for reminders")
      ->envname("REVIEWTRAIL_TENANT_TIME_ZONE")
      ->delimiter(',');
  app.add_option("--sandbox-tenant", config.sandbox_tenants,
                 "A tenant run as a sandbox: an isms_manager may advance its test clock "
                 "(AdminService.AdvanceTestClock) to try overdue actions and escalations "
                 "(repeatable or comma-separated; never a production tenant)")
      ->envname("REVIEWTRAIL_SANDBOX_TENANT")
      ->delimiter(',');
  app.add_option("--metrics-tenant-labels", config.metrics_tenant_labels,
                 "Per-tenant metric series for at most this many tenants (the rest as "
                 "tenant=\"other\"); 0: aggregate, no tenant ids on /metrics")
      ->envname("REVIEWTRAIL_METRICS_TENANT_LABELS")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--log-format", config.log_format,
                 "text, or json: one JSON object per line with an access-log line per RPC")
      ->envname("REVIEWTRAIL_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--memory-budget",
         [&config](const std::string& text) {
           absl::StatusOr<uint64_t> bytes = eventlog::ParseMemoryBudget(text);
           if (!bytes.ok()) {
             throw CLI::ValidationError("--memory-budget", std::string(bytes.status().message()));
           }
           config.memory_budget_bytes = *bytes;
         },
         "Memory shared by every RocksDB store of the process: one block cache (data, index and "
         "filter blocks) with the memtables charged to it, a quarter of it at most; 256MiB, 1GiB "
         "or bytes, at least 32MiB")
      ->envname("REVIEWTRAIL_MEMORY_BUDGET")
      ->default_str("192MiB");
}

std::string FinishKafkaConfig(ServerConfig& config, const std::string& service) {
  config.kafka.partition_count = config.partitions;
  config.kafka.create_topic =
      config.kafka_create_topic == "yes" ||
      (config.kafka_create_topic == "auto" &&
       (service == "reviewtrail-command" || service == "reviewtrail-server"));
  config.kafka.topic_wait = std::chrono::seconds(config.kafka_topic_wait_s);
  config.kafka.delivery_timeout = std::chrono::milliseconds(config.command_deadline_ms);
  config.kafka.statistics_interval = std::chrono::milliseconds(config.kafka_statistics_interval_ms);
  config.kafka.client_id = config.kafka_client_id;
  if (config.kafka.client_id.empty()) {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    config.kafka.client_id = service + (host[0] != '\0' ? "." + std::string(host.data()) : "");
  }
  for (const std::string& property : config.kafka_properties) {
    const size_t equals = property.find('=');
    if (equals == std::string::npos || equals == 0) {
      return "--kafka-property '" + property + "' must be key=value";
    }
    config.kafka.properties[property.substr(0, equals)] = property.substr(equals + 1);
  }
  if (config.log == "kafka" && config.kafka.bootstrap_servers.empty()) {
    return "--log kafka needs --kafka-bootstrap-servers";
  }
  return "";
}

std::string LocalTokenIssuer(const ServerConfig& config) {
  return config.token_issuer.empty() ? "reviewtrail-local" : config.token_issuer;
}

}  // namespace reviewtrail::server
