#!/usr/bin/env bash
# The test command: installs what is missing, checks that every C++ source is formatted as
# .clang-format says, configures the sanitizer build (ASan + UBSan), builds everything and runs
# every test, then builds the fuzz targets (clang, libFuzzer) and runs each over its seeds and
# briefly beyond (tests/fuzz/README.md).
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
ctest --preset dev -j "$(nproc)" "$@"

cmake --preset fuzz -DREVIEWTRAIL_FUZZ_SECONDS="${REVIEWTRAIL_FUZZ_SECONDS:-10}"
cmake --build --preset fuzz -j "$(nproc)"
ctest --preset fuzz -j "$(nproc)"
