#!/usr/bin/env bash
# ThreadSanitizer over the concurrency-heavy tests: the event log's group commit and shards, the
# command service's partition writers, the projector, the query and audit projections, parallel
# audit verification and the notifier's timers and delivery. Run it after changing any of those
# (it is not part of the CI test command: see README.md "Sanitizers and fuzzing" for its cost).
#
# Every ABSL_GUARDED_BY member sits on a reviewtrail::Mutex (libs/sync): std::mutex and
# std::condition_variable underneath, which TSan intercepts. (Debian's abseil is not built with
# -fsanitize=thread, so with absl::Mutex TSan could not see the hand-offs and reported each one as
# a race: hundreds of false reports.) A report is now a race in our code, or in a third-party
# library's: fix ours; a third party's goes to scripts/tsan.supp with its reason.
#
# Every change to the areas above runs this script before it is merged: it is not in CI (the CI
# budget is 30 minutes and the CI run is already near it). Cost on the 2-core build machine,
# December 2026: the tests themselves take seconds to a few minutes (sync_tests 1.3 s, the
# embedded log's EmbeddedLogTest / EmbeddedCrashTest / ZeroFilledWalTest 10-18 s); the build
# dominates: a second full build of these targets with -fsanitize=thread (about 375 compile steps,
# tens of minutes from a cold ccache, a few when only the changed sources recompile). Run it under
# the shared build lock (flock /tmp/rt-cpu.lock scripts/tsan.sh) on a shared machine.
#
# State of the last run (with reviewtrail::Mutex): sync_tests and the embedded log's tests clean
# after the RocksDB-internal suppressions in scripts/tsan.supp; the other targets were not yet
# run with it.
#
# Usage: scripts/tsan.sh [extra ctest arguments]. Builds the `tsan` preset (GCC, -fsanitize=thread)
# into build/tsan. TSAN_OPTIONS below can be overridden from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(
  sync_tests               # the Mutex / CondVar themselves
  eventlog_contract_test   # group commit, shards, subscriptions: embedded and Kafka (mock)
  eventlog_embedded_test   # the embedded log: concurrent appends, readers, crash recovery
  command_service_tests    # partition writers, lanes and hand-off under concurrent commands
  projection_tests         # the projector thread against appends and reads
  audit_tests              # parallel chain verification (worker pool)
  notifier_unit_tests      # timer queue, delivery queue
  notifier_tests           # the notifier end to end: timers, projector, command service
  query_service_tests      # projections answering queries while they apply
  query_fold_tests         # partitions folded in parallel
)
# What the targets above register with CTest.
TESTS='MutexTest|CondVarTest|EventLogContractTest|EmbeddedLogTest|EmbeddedCrashTest|ZeroFilledWalTest|ProjectionBatchTest|ProjectionStoreTest|ProjectorTest|ParallelVerifyTest|WorkerPoolTest|TimerQueueTest|CommandApiTest|WriterHandoffTest|WriterLanesTest|NotifierTest|NotifierTimelineTest|ChunkedFoldTest|QueryServiceTest'

export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1 history_size=4 suppressions=$PWD/scripts/tsan.supp}"

cmake --preset tsan
cmake --build --preset tsan -j "$(nproc)" --target "${TARGETS[@]}"
ctest --preset tsan -j "$(nproc)" -R "$TESTS" "$@"
