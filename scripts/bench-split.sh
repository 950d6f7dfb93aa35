#!/usr/bin/env bash
# The split stack's figures for docs/PERFORMANCE.md ("Split stack"), each beside the all-in-one's
# in the same run, on the release build:
#   1. commands/s at 16 callers (tools/command_load --target) against the all-in-one
#      reviewtrail-server (embedded log) and against the split stack (reviewtrail-devkafka with 3
#      brokers, reviewtrail-command, -query, -audit and -notifier, each its own process);
#   2. how long a brand-new reviewtrail-query takes from its start to SERVING over a topic of 1M
#      events (tools/query_bench's history_fill), against the all-in-one's read-model rebuild rate
#      (query_bench, the same synthetic history in an embedded log).
# Each measurement runs ROUNDS times (default 2), alternating the two sides. Prints `uptime` before
# and after. Needs the release build (cmake --preset release) of the targets below.
#
#   scripts/bench-split.sh                 # ROUNDS=2 EVENTS=1000000 SECONDS_PER_RUN=5
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${REVIEWTRAIL_BUILD_DIR:-build/release}
ROUNDS=${ROUNDS:-2}
EVENTS=${EVENTS:-1000000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
# The development broker keeps ~5 MiB per partition: 1M events need a few hundred partitions.
CATCHUP_PARTITIONS=${CATCHUP_PARTITIONS:-512}
CATCHUP_TENANTS=${CATCHUP_TENANTS:-1024}
WORK=${BENCH_DIR:-/var/tmp/bench-split}
ISSUER=https://bench.example/
AUDIENCE=reviewtrail

for binary in tools/devkafka/reviewtrail-devkafka tools/healthcheck/reviewtrail-health \
  services/command/reviewtrail-command services/query/reviewtrail-query \
  services/audit/reviewtrail-audit services/notifier/reviewtrail-notifier \
  services/server/reviewtrail-server tools/command_load/command_load \
  tools/query_bench/query_bench tools/query_bench/history_fill; do
  [ -x "$BUILD/$binary" ] || {
    echo "bench-split: $BUILD/$binary is missing; build it with the release preset" >&2
    exit 1
  }
done
HEALTH=$BUILD/tools/healthcheck/reviewtrail-health

PIDS=()
stop_all() {
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT

# wait_serving ADDRESS [SERVICE]: polls grpc.health.v1 until SERVING (at most 10 minutes).
wait_serving() {
  for _ in $(seq 1 6000); do
    "$HEALTH" --address "$1" --service "${2:-}" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench-split: $1 never became SERVING" >&2
  exit 1
}

# start_broker PARTITIONS: sets BOOTSTRAP.
start_broker() {
  mkdir -p "$WORK/logs"
  "$BUILD/tools/devkafka/reviewtrail-devkafka" --brokers 3 --partitions "$1" \
    >"$WORK/logs/devkafka.out" 2>"$WORK/logs/devkafka.log" </dev/null &
  PIDS+=($!)
  BOOTSTRAP=""
  for _ in $(seq 1 300); do
    BOOTSTRAP=$(sed -n 's/^REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=//p' "$WORK/logs/devkafka.out")
    [ -n "$BOOTSTRAP" ] && return 0
    sleep 0.1
  done
  echo "bench-split: the development broker did not start" >&2
  exit 1
}

# service NAME BINARY PORT PARTITIONS [extra...]: a split service on 127.0.0.1:PORT.
service() {
  local name=$1 binary=$2 port=$3 partitions=$4
  shift 4
  "$BUILD/$binary" --data-dir "$WORK/$name" --listen "127.0.0.1:$port" --metrics-listen "" \
    --log kafka --kafka-bootstrap-servers "$BOOTSTRAP" --partitions "$partitions" \
    --token-issuer "$ISSUER" --token-audience "$AUDIENCE" --kafka-client-id "$name" "$@" \
    >"$WORK/logs/$name.log" 2>&1 &
  PIDS+=($!)
}

share_key() {
  install -d -m 0700 "$WORK/$1/keys"
  install -m 0600 "$WORK/command/keys/signing-key.pem" "$WORK/$1/keys/signing-key.pem"
}

load() { # ADDRESS KEY
  "$BUILD/tools/command_load/command_load" --callers 16 --seconds "$SECONDS_PER_RUN" \
    --tenants 8 --target "$1" --signing-key "$2" --token-issuer "$ISSUER" \
    --token-audience "$AUDIENCE" --dir "$WORK/load" | grep -E '^\| (callers|16) '
}

echo "bench-split: $(date -u '+%F %T') UTC, $(git rev-parse --short HEAD), $(nproc) CPUs"
echo "uptime before: $(uptime)"

echo
echo "## 1. Commands/s at 16 callers (command_load --target, ${SECONDS_PER_RUN} s per run)"
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK" && mkdir -p "$WORK/logs"
  "$BUILD/services/server/reviewtrail-server" --data-dir "$WORK/all-in-one" \
    --listen 127.0.0.1:17443 --metrics-listen "" --token-issuer "$ISSUER" \
    --token-audience "$AUDIENCE" >"$WORK/logs/all-in-one.log" 2>&1 &
  PIDS+=($!)
  wait_serving 127.0.0.1:17443 reviewtrail.v1.CommandService
  echo "round $round, all-in-one (reviewtrail-server, embedded log):"
  load 127.0.0.1:17443 "$WORK/all-in-one/keys/signing-key.pem"
  stop_all

  rm -rf "$WORK" && mkdir -p "$WORK/logs"
  start_broker 16
  service command services/command/reviewtrail-command 17443 16
  wait_serving 127.0.0.1:17443 reviewtrail.v1.CommandService
  for name in query audit notifier; do share_key "$name"; done
  service query services/query/reviewtrail-query 17444 16
  service audit services/audit/reviewtrail-audit 17445 16
  service notifier services/notifier/reviewtrail-notifier 17446 16 \
    --command-service 127.0.0.1:17443 --notifier-config deploy/notifier.json
  wait_serving 127.0.0.1:17444
  wait_serving 127.0.0.1:17445
  wait_serving 127.0.0.1:17446
  echo "round $round, split (devkafka 3 brokers, 16 partitions; command, query, audit, notifier):"
  load 127.0.0.1:17443 "$WORK/command/keys/signing-key.pem"
  stop_all
done

echo
echo "## 2. A new query replica over ${EVENTS} events against the all-in-one's rebuild"
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$WORK" && mkdir -p "$WORK/logs"
  echo "round $round, all-in-one rebuild (query_bench, embedded log, 16 partitions):"
  "$BUILD/tools/query_bench/query_bench" --events "$EVENTS" --tenants "$CATCHUP_TENANTS" \
    --queries 100 --ack-samples 10 --dir "$WORK/query-bench" | grep -E '^(history|rebuild|raw)' || true
  rm -rf "$WORK/query-bench"

  start_broker "$CATCHUP_PARTITIONS"
  "$BUILD/tools/query_bench/history_fill" --kafka-bootstrap-servers "$BOOTSTRAP" \
    --partitions "$CATCHUP_PARTITIONS" --events "$EVENTS" --tenants "$CATCHUP_TENANTS"
  started=$(date +%s.%N)
  service fresh services/query/reviewtrail-query 17444 "$CATCHUP_PARTITIONS"
  wait_serving 127.0.0.1:17444 reviewtrail.v1.QueryService
  finished=$(date +%s.%N)
  awk -v s="$started" -v f="$finished" -v n="$EVENTS" -v p="$CATCHUP_PARTITIONS" 'BEGIN {
    printf "round split catch-up: a new reviewtrail-query over %d events (%d partitions) SERVING after %.2f s from its start: %.0f events/s\n", n, p, f - s, n / (f - s) }'
  stop_all
done

echo
echo "uptime after: $(uptime)"
rm -rf "$WORK"
