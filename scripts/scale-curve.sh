#!/usr/bin/env bash
# How cost grows with the history: for each point N of --points, writes the synthetic history of N
# events (tools/query_bench/synthetic_history.h, through history_fill) into an embedded log, starts
# the all-in-one reviewtrail-server on it and measures
#   - rebuild: seconds from the server's start until its health says SERVING (every read model,
#     the audit log, the notifier and the write model caught up on the N events from position 0);
#   - disk bytes per event of each store at rest: log, write model, query read model, audit;
#   - the server's RSS at rest, and its highest RSS under mixed load: command_load (16 callers)
#     and query_load (16 callers) against it at once;
#   - command p50/p99 at 16 callers, GetDashboard and ListActions (owner) p99 at 16 callers, under
#     that mixed load;
#   - audit export rows/s (one tenant's trail, `reviewtrail audit export`);
# and writes one markdown table (stdout and --out). Then, once, the bytes each command type writes
# to the log, the write model, the query read model and the audit log (command_load
# --bytes-per-command).
#
#   scripts/scale-curve.sh                                  # 100k, 1M, 10M on build/release
#   scripts/scale-curve.sh --points 100000,1000000 --seconds 20 --out scale.md
#
# Options: --points N,N,..  --build-dir DIR (build/release)  --dir DIR (scratch, wiped per point;
# default /var/tmp/reviewtrail-scale)  --seconds S (per load phase, 10)  --tenants T (64; the
# history fills tenants 1,000 events at a time in turn: give every point at least 1,000 x T events)
# --owners O (50)  --partitions P (16)  --memory-budget SIZE (the server's default)
# --bytes-actions N (commands of each type for the bytes table, 200; 0: no bytes table)
# --out FILE  --check (exit 1 unless every cell of the table is a positive number; for the e2e
# test at a small N).
# Needs: the targets reviewtrail-server, reviewtrail-health, reviewtrail_cli_main, history_fill,
# command_load and query_load built in --build-dir; python3 (free ports), curl is not needed.
set -euo pipefail

points=100000,1000000,10000000
build_dir=build/release
dir=/var/tmp/reviewtrail-scale
seconds=10
tenants=64
owners=50
partitions=16
memory_budget=
bytes_actions=200
out=
check=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --points) points=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --tenants) tenants=$2; shift 2 ;;
    --owners) owners=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --memory-budget) memory_budget=$2; shift 2 ;;
    --bytes-actions) bytes_actions=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "scale-curve.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

server=$build_dir/services/server/reviewtrail-server
health=$build_dir/tools/healthcheck/reviewtrail-health
cli=$build_dir/tools/cli/reviewtrail
fill=$build_dir/tools/query_bench/history_fill
command_load=$build_dir/tools/command_load/command_load
query_load=$build_dir/tools/query_load/query_load
for binary in "$server" "$health" "$cli" "$fill" "$command_load" "$query_load"; do
  if [[ ! -x $binary ]]; then
    echo "scale-curve.sh: $binary is missing: cmake --build --preset release --target" \
      "reviewtrail-server reviewtrail-health reviewtrail_cli_main history_fill command_load" \
      "query_load" >&2
    exit 2
  fi
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
# Kibibytes of resident memory of process $1 (0 once it is gone).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# Bytes of the directory $1 (0 when missing).
bytes_of() { if [[ -d $1 ]]; then du -sb "$1" | cut -f1; else echo 0; fi; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

header='| events | rebuild s | log B/event | write model B/event | read model B/event | audit B/event | derived ÷ log | RSS at rest MiB | RSS under load MiB | commands/s (16) | command p50 µs | command p99 µs | dashboard p99 µs | list p99 µs | export rows/s |'
rows=()
IFS=',' read -r -a ns <<< "$points"
for n in "${ns[@]}"; do
  data=$dir/n$n
  rm -rf "$data"
  mkdir -p "$data"
  echo "== $n events: filling the log" >&2
  "$fill" --embedded-log "$data/log" --partitions "$partitions" --events "$n" \
    --tenants "$tenants" --owners "$owners" >&2

  grpc_port=$(free_port)
  metrics_port=$(free_port)
  address=127.0.0.1:$grpc_port
  budget_args=()
  [[ -n $memory_budget ]] && budget_args=(--memory-budget "$memory_budget")
  echo "== $n events: starting the server (it catches up from position 0)" >&2
  started=$(now)
  "$server" --data-dir "$data" --listen "$address" --metrics-listen "127.0.0.1:$metrics_port" \
    --partitions "$partitions" --audit-verify-interval 0 "${budget_args[@]}" \
    > "$data/server.out" 2> "$data/server.err" &
  server_pid=$!
  until "$health" --address "$address" > /dev/null 2>&1; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "scale-curve.sh: the server exited; its log:" >&2
      tail -20 "$data/server.err" >&2
      exit 1
    fi
    sleep 0.2
  done
  rebuild=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')

  sleep 2
  rest_kib=$(rss_kib "$server_pid")
  log_bytes=$(bytes_of "$data/log")
  write_bytes=$(bytes_of "$data/command")
  query_bytes=$(bytes_of "$data/query")
  audit_bytes=$(bytes_of "$data/audit")

  echo "== $n events: mixed load (commands and queries at 16 callers each)" >&2
  peak_file=$data/rss-peak
  echo "$rest_kib" > "$peak_file"
  (
    peak=$rest_kib
    while kill -0 "$server_pid" 2>/dev/null; do
      current=$(rss_kib "$server_pid")
      current=${current:-0}
      if (( current > peak )); then peak=$current; echo "$peak" > "$peak_file"; fi
      sleep 0.2
    done
  ) &
  sampler=$!
  key=$data/keys/signing-key.pem
  # query_load measures echo and four queries one after another: the commands run as long.
  "$command_load" --target "$address" --signing-key "$key" --token-issuer reviewtrail-local \
    --tenant-prefix load- --callers 16 --tenants 8 \
    --seconds "$(awk -v s="$seconds" 'BEGIN { print s * 5 }')" > "$data/command_load.out" &
  commands=$!
  "$query_load" --target "$address" --signing-key "$key" --callers 16 --seconds "$seconds" \
    --repeat 1 --tenants "$tenants" --owners "$owners" > "$data/query_load.out" || true
  wait "$commands" || true
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  load_kib=$(cat "$peak_file")
  # command_load: "| 16 | commands/s | p50 | p99 | ..."
  read -r command_rate command_p50 command_p99 < <(awk -F'|' '$2 ~ /^ *16 *$/ {
    gsub(/ /, "", $3); gsub(/ /, "", $4); gsub(/ /, "", $5); print $3, $4, $5; exit }' \
    "$data/command_load.out") || true
  # query_load: "<query> <callers> <QPS> <spread> <p50> <p99> <x echo>"
  dashboard_p99=$(awk '$1 == "GetDashboard" && $2 == 16 { print $6; exit }' "$data/query_load.out")
  list_p99=$(awk '$1 == "ListActions" && $2 == "owner" && $3 == 16 { print $7; exit }' \
    "$data/query_load.out")

  echo "== $n events: audit export" >&2
  token=$("$server" token --data-dir "$data" --tenant tenant-0 --subject aude --role auditor \
    2> /dev/null | tail -1)
  export_started=$(now)
  "$cli" --address "$address" --token "$token" audit export --out "$data/export.csv" \
    --no-progress --force > /dev/null
  export_seconds=$(awk -v a="$export_started" -v b="$(now)" 'BEGIN { print b - a }')
  export_rows=$(($(wc -l < "$data/export.csv") - 1))
  export_rate=$(awk -v r="$export_rows" -v s="$export_seconds" 'BEGIN { printf "%.0f", r / s }')

  cleanup
  server_pid=

  derived=$(awk -v w="$write_bytes" -v q="$query_bytes" -v a="$audit_bytes" -v l="$log_bytes" \
    'BEGIN { printf "%.2f", (l > 0 ? (w + q + a) / l : 0) }')
  rows+=("| $n | $rebuild | $(per "$log_bytes" "$n") | $(per "$write_bytes" "$n") | $(per "$query_bytes" "$n") | $(per "$audit_bytes" "$n") | $derived | $(per "$rest_kib" 1024) | $(per "$load_kib" 1024) | ${command_rate:-} | ${command_p50:-} | ${command_p99:-} | ${dashboard_p99:-} | ${list_p99:-} | $export_rate |")
done

{
  echo "$header"
  echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  printf '%s\n' "${rows[@]}"
} > "$dir/scale.md"

if (( bytes_actions > 0 )); then
  echo "== bytes written per command type" >&2
  {
    echo
    "$command_load" --bytes-per-command --actions "$bytes_actions" --dir "$dir/bytes"
  } >> "$dir/scale.md"
fi
cat "$dir/scale.md"
[[ -n $out ]] && cp "$dir/scale.md" "$out"

if (( check )); then
  # Every data row of the scale table: 15 cells, each a positive number.
  columns=$(awk -F'|' 'NR == 1 { print NF - 2 }' "$dir/scale.md")
  bad=$(awk -F'|' -v columns="$columns" 'NR > 2 && /^\| [0-9]/ && NF - 2 == columns {
      for (i = 2; i < NF; ++i) { v = $i; gsub(/ /, "", v); if (v !~ /^[0-9.]+$/ || v + 0 <= 0) { print NR ": " $i; } } }
    NR > 2 && /^\| [0-9]/ && NF - 2 != columns { print NR ": " NF - 2 " cells" }' "$dir/scale.md")
  data_rows=$(awk 'NR > 2 && /^\| [0-9]/' "$dir/scale.md" | wc -l)
  if [[ $columns -ne 15 || $data_rows -ne ${#ns[@]} || -n $bad ]]; then
    echo "scale-curve.sh: --check failed (columns $columns, rows $data_rows): $bad" >&2
    exit 1
  fi
  if (( bytes_actions > 0 )) && ! grep -q '^| ApproveClosure |' "$dir/scale.md"; then
    echo "scale-curve.sh: --check failed: no bytes-per-command table" >&2
    exit 1
  fi
fi
