#!/usr/bin/env bash
# The split stack on one machine: the development broker (reviewtrail-devkafka, librdkafka's mock
# cluster) and every service as its own process, wired as in production: one signing key, one
# token issuer, the notifier recording through the command service, one set of tenant offsets.
# Prints where everything listens; Ctrl-C (or SIGTERM) stops them all.
#
#   scripts/run-split.sh                       build (release) if needed, then start
#   REVIEWTRAIL_TENANT_TIME_ZONE=default=Europe/Amsterdam scripts/run-split.sh
#
# Environment: REVIEWTRAIL_SPLIT_DIR (default ./data-split: logs and each service's data, wiped at
# each start, since the development broker keeps nothing), REVIEWTRAIL_PARTITIONS (16),
# REVIEWTRAIL_DEVKAFKA_BROKERS (3), REVIEWTRAIL_TENANT (default), REVIEWTRAIL_TENANT_TIME_ZONE,
# REVIEWTRAIL_TOKEN_ISSUER, REVIEWTRAIL_TOKEN_AUDIENCE, REVIEWTRAIL_BUILD_DIR (to use binaries
# built elsewhere, e.g. build/dev; then nothing is built), REVIEWTRAIL_SPLIT_PORT (7443: command
# on it, query, audit and notifier on the next three; metrics on 9464..9467).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${REVIEWTRAIL_SPLIT_DIR:-./data-split}
PARTITIONS=${REVIEWTRAIL_PARTITIONS:-16}
BROKERS=${REVIEWTRAIL_DEVKAFKA_BROKERS:-3}
TENANT=${REVIEWTRAIL_TENANT:-default}
TIME_ZONES=${REVIEWTRAIL_TENANT_TIME_ZONE:-}
ISSUER=${REVIEWTRAIL_TOKEN_ISSUER:-}
AUDIENCE=${REVIEWTRAIL_TOKEN_AUDIENCE:-}
PORT=${REVIEWTRAIL_SPLIT_PORT:-7443}

if [ -n "${REVIEWTRAIL_BUILD_DIR:-}" ]; then
  BUILD=$REVIEWTRAIL_BUILD_DIR
else
  BUILD=build/release
  bash scripts/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target reviewtrail-devkafka reviewtrail-health \
    reviewtrail-command reviewtrail-query reviewtrail-audit reviewtrail-notifier \
    reviewtrail-server reviewtrail
fi
bin() { echo "$BUILD/$1"; }
DEVKAFKA=$(bin tools/devkafka/reviewtrail-devkafka)
HEALTH=$(bin tools/healthcheck/reviewtrail-health)

rm -rf "$DIR"
mkdir -p "$DIR/logs"
DIR=$(cd "$DIR" && pwd)

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-split: stopping every process"
  # Services first, each finishing its in-flight work while the broker still answers; the broker
  # (PIDS[0]) once they have exited.
  for ((i = ${#PIDS[@]} - 1; i >= 1; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for ((i = ${#PIDS[@]} - 1; i >= 1; i--)); do wait "${PIDS[i]}" 2>/dev/null || true; done
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill -TERM "${PIDS[0]}" 2>/dev/null || true
    wait "${PIDS[0]}" 2>/dev/null || true
  fi
  echo "run-split: stopped (logs in $DIR/logs)"
}
trap stop_all INT TERM EXIT

fail() {
  echo "run-split: $1 (see $DIR/logs/$2.log):" >&2
  tail -n 20 "$DIR/logs/$2.log" >&2 || true
  exit 1
}

# 1. The development broker; its first output line names the bootstrap servers. Its standard input
# is the FIFO $DIR/devkafka.control (held open here, so it never reads end-of-file): broker
# controls written there ("down 2", "up 2", "leader 0") are answered in $DIR/logs/devkafka.out.
mkfifo "$DIR/devkafka.control"
exec 3<>"$DIR/devkafka.control"
"$DEVKAFKA" --brokers "$BROKERS" --partitions "$PARTITIONS" <&3 >"$DIR/logs/devkafka.out" \
  2>"$DIR/logs/devkafka.log" &
PIDS+=($!)
BOOTSTRAP=""
for _ in $(seq 1 300); do
  BOOTSTRAP=$(sed -n 's/^REVIEWTRAIL_KAFKA_BOOTSTRAP_SERVERS=//p' "$DIR/logs/devkafka.out")
  [ -n "$BOOTSTRAP" ] && break
  kill -0 "${PIDS[0]}" 2>/dev/null || fail "the development broker exited" devkafka
  sleep 0.1
done
[ -n "$BOOTSTRAP" ] || fail "the development broker did not start" devkafka

COMMON=(--log kafka --kafka-bootstrap-servers "$BOOTSTRAP" --partitions "$PARTITIONS"
  --tenant "$TENANT")
[ -n "$TIME_ZONES" ] && COMMON+=(--tenant-time-zone "$TIME_ZONES")
[ -n "$ISSUER" ] && COMMON+=(--token-issuer "$ISSUER")
[ -n "$AUDIENCE" ] && COMMON+=(--token-audience "$AUDIENCE")

# start NAME BINARY PORT_OFFSET [extra arguments...]
start() {
  local name=$1 binary=$2 offset=$3
  shift 3
  "$(bin "$binary")" "${COMMON[@]}" --data-dir "$DIR/$name" \
    --listen "127.0.0.1:$((PORT + offset))" --metrics-listen "127.0.0.1:$((9464 + offset))" \
    --kafka-client-id "$name" "$@" >"$DIR/logs/$name.log" 2>&1 &
  PIDS+=($!)
}

# wait_ready NAME PORT_OFFSET [SERVICE]: until grpc.health.v1 says SERVING.
wait_ready() {
  local name=$1 offset=$2 service=${3:-}
  local pid=${PID_BY_NAME[$name]}
  for _ in $(seq 1 600); do
    if "$HEALTH" --address "127.0.0.1:$((PORT + offset))" --service "$service" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail "$name exited" "$name"
    sleep 0.2
  done
  fail "$name did not become ready" "$name"
}
declare -A PID_BY_NAME

# 2. The command service: the single writer, and the maker of the signing key.
start command services/command/reviewtrail-command 0
PID_BY_NAME[command]=${PIDS[-1]}
wait_ready command 0 reviewtrail.v1.CommandService

# 3. Every other service trusts the same key (in production: the chart's shared Secret).
for name in query audit notifier; do
  install -d -m 0700 "$DIR/$name/keys"
  install -m 0600 "$DIR/command/keys/signing-key.pem" "$DIR/$name/keys/signing-key.pem"
done
start query services/query/reviewtrail-query 1
PID_BY_NAME[query]=${PIDS[-1]}
start audit services/audit/reviewtrail-audit 2
PID_BY_NAME[audit]=${PIDS[-1]}
start notifier services/notifier/reviewtrail-notifier 3 \
  --command-service "127.0.0.1:$PORT" --notifier-config deploy/notifier.json
PID_BY_NAME[notifier]=${PIDS[-1]}
wait_ready query 1 reviewtrail.v1.QueryService
wait_ready audit 2 reviewtrail.v1.AuditService
wait_ready notifier 3

cat <<SUMMARY

ReviewTrail split stack is running (every part its own process; stop all with Ctrl-C):
  development broker  $BOOTSTRAP  ($BROKERS brokers, $PARTITIONS partitions; keeps nothing)
  command   gRPC 127.0.0.1:$PORT        metrics http://127.0.0.1:9464/metrics
  query     gRPC 127.0.0.1:$((PORT + 1))        metrics http://127.0.0.1:9465/metrics
  audit     gRPC 127.0.0.1:$((PORT + 2))        metrics http://127.0.0.1:9466/metrics
  notifier  gRPC 127.0.0.1:$((PORT + 3))        metrics http://127.0.0.1:9467/metrics  (records through the command service)
  logs      $DIR/logs/

The CLI (one address per service: commands, queries, audit):
  export PATH=$PWD/$BUILD/tools/cli:\$PATH
  export REVIEWTRAIL_TOKEN=\$(cat $DIR/command/admin.token)
  reviewtrail --address 127.0.0.1:$PORT person register --person dana --display-name Dana --email dana@example.com
  reviewtrail --address 127.0.0.1:$((PORT + 1)) query dashboard
  reviewtrail --address 127.0.0.1:$((PORT + 2)) audit verify
  $HEALTH --address 127.0.0.1:$((PORT + 1)) --service reviewtrail.v1.QueryService
Kafka clients (kcat -b $BOOTSTRAP -t reviewtrail.events.v1 -C) see the events and their CloudEvents headers.
Broker controls (answers in $DIR/logs/devkafka.out): echo "leader 0" >$DIR/devkafka.control
  then "down <broker>" / "up <broker>" (brokers 1..$BROKERS), "leader <partition> <broker>".
SUMMARY

# Runs until Ctrl-C / SIGTERM (the trap stops everything), or until a process exits.
while true; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run-split: process $pid exited; see $DIR/logs" >&2; exit 1; }
  done
  sleep 1
done
