#!/usr/bin/env bash
# The long fuzzing runs (before a parser change is called done): each named target, one after the
# other, for SECONDS (default 600) at the lowest CPU priority, from its seeds into a corpus kept in
# build/dev/fuzz-long/<target>. Prints each target's final line (executions, coverage, corpus) and
# stops at the first finding (the input is left in build/dev/fuzz-long/<target>-artifacts/). A unit
# counts as hung after 60 s (not 10 s as in CI): at nice 19 on a busy machine a fuzzer can be
# starved for seconds.
# Usage: tests/fuzz/long_run.sh [SECONDS] [TARGET...]   (after `cmake --build --preset dev --target fuzzers`)
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_jwt fuzz_eventlog_record fuzz_action_wire fuzz_audit_export fuzz_audit_stored_view
           fuzz_positions fuzz_notifier_config fuzz_cli_config)
fi
for target in "${targets[@]}"; do
  corpus=build/dev/fuzz-long/$target
  artifacts=build/dev/fuzz-long/$target-artifacts
  mkdir -p "$corpus" "$artifacts"
  log=build/dev/fuzz-long/$target.log
  nice -n 19 build/dev/tests/fuzz/$target -max_total_time="$seconds" -timeout=60 \
    -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1
  status=$?
  echo "== $target (exit $status)"
  grep -E "^#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log"
  if [ $status -ne 0 ]; then
    grep -E "oracle violated|ERROR:|SUMMARY|Test unit written" "$log" | head -5
    exit $status
  fi
done
