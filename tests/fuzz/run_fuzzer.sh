#!/usr/bin/env bash
# Runs one fuzz target as a test: replays its checked-in seeds, then fuzzes from them for SECONDS.
# New inputs go to WORK_CORPUS (in the build tree); the seeds are never written. A crash, leak,
# timeout (10 s on one input) or oracle violation fails the test and leaves the input in WORK_CORPUS.
# Usage: run_fuzzer.sh FUZZER SEED_DIR WORK_CORPUS SECONDS (0: replay the seeds only)
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work"
cd "$work"
# libFuzzer reads -max_total_time=0 as "no limit": 0 seconds means the seeds only.
if [ "$seconds" -eq 0 ]; then limit=(-runs=0); else limit=(-max_total_time="$seconds"); fi
exec "$fuzzer" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 "$work" "$seeds"
