#!/usr/bin/env bash
# The test command: installs what is missing, checks that every C++ source is formatted as
# .clang-format says, configures the sanitizer build (ASan + UBSan), builds everything, checks it
# with clang (thread-safety analysis, clang-tidy on changed sources) and runs every test, then
# builds the fuzz targets (clang, libFuzzer) and runs each over its seeds and briefly beyond
# (tests/fuzz/README.md).
# Usage: scripts/test.sh [ctest arguments for the sanitizer build, e.g. -L unit]
# REVIEWTRAIL_FUZZ_SECONDS (default 10) is how long each fuzz target fuzzes; 0 replays its seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Formatting: every C++ source exactly as clang-format (the repo's .clang-format) writes it.
find libs services tools tests -type f \( -name '*.cc' -o -name '*.h' \) -print0 |
  xargs -0 clang-format --dry-run --Werror

cmake --preset dev
cmake --build --preset dev -j "$(nproc)"
# clang over the dev build's compile commands: -Wthread-safety -Werror on every non-test source,
# clang-tidy on the sources changed since main (scripts/clang-check.sh).
time scripts/clang-check.sh build/dev
ctest --preset dev -j "$(nproc)" "$@"

cmake --preset fuzz -DREVIEWTRAIL_FUZZ_SECONDS="${REVIEWTRAIL_FUZZ_SECONDS:-10}"
cmake --build --preset fuzz -j "$(nproc)"
ctest --preset fuzz -j "$(nproc)"
