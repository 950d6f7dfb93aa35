// reviewtrail-devkafka: a development Kafka broker. Starts librdkafka's mock cluster (N brokers on
// loopback, in this process), creates the event topic, prints the bootstrap servers and runs until
// SIGTERM or SIGINT. For development and tests only: it keeps nothing.
//
//   reviewtrail-devkafka [--brokers 3] [--partitions 16] [--topic reviewtrail.events.v1]
//
// Standard output carries one machine-readable line for scripts and tests,
//   REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:port,...
// then "ready"; everything else goes to standard error.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <iostream>

#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"

namespace {

constexpr char kWarning[] =
    "reviewtrail-devkafka is librdkafka's mock cluster, for development and tests only. It keeps\n"
    "nothing: every record lives in this process's memory and is gone when it stops, and each\n"
    "partition keeps only about 5 MiB or 100,000 message sets (older records are dropped\n"
    "silently). No TLS, no SASL, no topic creation through the Admin API, no read_committed.\n"
    "Never point a deployment at it.\n";

}  // namespace

int main(int argc, char** argv) {
  // Every thread the mock cluster starts inherits this mask, so the signals wait for sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  CLI::App app{
      "ReviewTrail development broker: librdkafka's mock Kafka cluster on loopback "
      "(keeps nothing; development and tests only)"};
  int brokers = 3;
  int partitions = 16;
  std::string topic = reviewtrail::eventlog::kDefaultEventTopic;
  app.add_option("--brokers", brokers, "Brokers of the cluster, each on a random loopback port")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  app.add_option("--partitions", partitions,
                 "Partitions of the event topic (give the services the same --partitions)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--topic", topic, "The event topic")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::cerr << kWarning;
  auto cluster = reviewtrail::eventlog::MockKafkaCluster::Start(brokers);
  if (!cluster.ok()) {
    std::cerr << "reviewtrail-devkafka: " << cluster.status() << "\n";
    return 1;
  }
  const int replication_factor = std::min(3, brokers);
  if (absl::Status created = (*cluster)->CreateTopic(topic, partitions, replication_factor);
      !created.ok()) {
    std::cerr << "reviewtrail-devkafka: " << created << "\n";
    return 1;
  }
  std::cerr << "reviewtrail-devkafka: " << brokers << " broker(s), topic " << topic << " with "
            << partitions << " partitions, replication factor " << replication_factor
            << "; stop with Ctrl-C or SIGTERM\n";
  std::cout << "REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=" << (*cluster)->bootstrap_servers() << "\n"
            << "ready" << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "reviewtrail-devkafka: " << (received == SIGTERM ? "SIGTERM" : "SIGINT")
            << " received; stopping (its records are gone)\n";
  return 0;
}
