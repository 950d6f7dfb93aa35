// reviewtrail-devkafka: a development Kafka broker. Starts librdkafka's mock cluster (N brokers on
// loopback, in this process), creates the event topic, prints the bootstrap servers and runs until
// SIGTERM or SIGINT. For development and tests only: it keeps nothing.
//
//   reviewtrail-devkafka [--brokers 3] [--partitions 16] [--topic reviewtrail.events.v1]
//
// Standard output carries one machine-readable line for scripts and tests,
//   REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:port,...
// then "ready"; everything else goes to standard error.
//
// Broker controls, one command a line on standard input, each answered by one line on standard
// output ("ok ..." or "error ..."); brokers are numbered 1..N:
//   down <broker>                 disconnect the broker and refuse its connections
//   up <broker>                   let it accept connections again
//   leader <partition>            -> "leader <partition> <broker>"
//   leader <partition> <broker>   make the broker the partition's leader
// The mock elects no new leader when one goes down: a partition whose leader is down takes no
// writes until the broker is up again or another is made its leader. End of input only ends the
// controls; the broker runs until SIGTERM or SIGINT.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "reviewtrail/eventlog/kafka_log.h"
#include "reviewtrail/eventlog/kafka_mock_cluster.h"

namespace {

constexpr char kWarning[] =
    "reviewtrail-devkafka is librdkafka's mock cluster, for development and tests only. It keeps\n"
    "nothing: every record lives in this process's memory and is gone when it stops, and each\n"
    "partition keeps only about 5 MiB or 100,000 message sets (older records are dropped\n"
    "silently). No TLS, no SASL, no topic creation through the Admin API, no read_committed.\n"
    "Never point a deployment at it.\n";

// Runs one control line against the cluster; returns the answer line.
std::string Control(reviewtrail::eventlog::MockKafkaCluster& cluster, const std::string& topic,
                    int brokers, const std::string& line) {
  std::istringstream words(line);
  std::string verb;
  words >> verb;
  std::vector<int> numbers;
  for (int number = 0; words >> number;) numbers.push_back(number);
  if (!words.eof()) return "error arguments must be numbers: " + line;
  const auto broker_ok = [&](int broker) { return broker >= 1 && broker <= brokers; };
  const auto answer = [](const absl::Status& status, const std::string& done) {
    return status.ok() ? "ok " + done : "error " + std::string(status.message());
  };
  if ((verb == "down" || verb == "up") && numbers.size() == 1) {
    if (!broker_ok(numbers[0])) {
      return "error broker must be in [1, " + std::to_string(brokers) + "]: " + line;
    }
    const absl::Status status =
        verb == "down" ? cluster.SetBrokerDown(numbers[0]) : cluster.SetBrokerUp(numbers[0]);
    return answer(status, verb + " " + std::to_string(numbers[0]));
  }
  if (verb == "leader" && numbers.size() == 1) {
    absl::StatusOr<int32_t> leader = cluster.PartitionLeader(topic, numbers[0]);
    if (!leader.ok()) return "error " + std::string(leader.status().message());
    return "leader " + std::to_string(numbers[0]) + " " + std::to_string(*leader);
  }
  if (verb == "leader" && numbers.size() == 2) {
    if (!broker_ok(numbers[1])) {
      return "error broker must be in [1, " + std::to_string(brokers) + "]: " + line;
    }
    return answer(cluster.SetPartitionLeader(topic, numbers[0], numbers[1]),
                  "leader " + std::to_string(numbers[0]) + " " + std::to_string(numbers[1]));
  }
  return "error unknown command (down <broker>, up <broker>, leader <partition> [<broker>]): " +
         line;
}

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

  // The controls run on their own thread; `cluster` outlives them (see the end of main).
  std::mutex controls;
  bool stopping = false;
  std::thread([&] {
    for (std::string line; std::getline(std::cin, line);) {
      if (line.empty()) continue;
      std::lock_guard lock(controls);
      if (stopping) return;
      const std::string reply = Control(**cluster, topic, brokers, line);
      std::cerr << "reviewtrail-devkafka: " << line << ": " << reply << "\n";
      std::cout << reply << std::endl;
    }
  }).detach();

  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "reviewtrail-devkafka: " << (received == SIGTERM ? "SIGTERM" : "SIGINT")
            << " received; stopping (its records are gone)\n";
  {
    std::lock_guard lock(controls);  // no control runs while the cluster goes away
    stopping = true;
    cluster->reset();
  }
  // The control thread may still wait for input; leave without joining it.
  std::cout.flush();
  std::_Exit(0);
}
