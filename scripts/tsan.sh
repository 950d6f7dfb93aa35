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
