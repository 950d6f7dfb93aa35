#!/usr/bin/env bash
# The test command: installs what is missing, checks that every C++ source is formatted as
# .clang-format says, configures the sanitizer build (clang, ASan + UBSan, -Wthread-safety as an
# error on our own targets), builds everything (the libFuzzer targets of tests/fuzz too), runs
# clang-tidy on the sources changed since main (report only) and runs every test: each fuzz target
# replays its seeds and fuzzes briefly beyond them (tests/fuzz/README.md).
# Usage: scripts/test.sh [ctest arguments, e.g. -L unit]
# REVIEWTRAIL_FUZZ_SECONDS (default 10) is how long each fuzz target fuzzes; 0 replays its seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Formatting: every C++ source exactly as clang-format (the repo's .clang-format) writes it.
find libs services tools tests -type f \( -name '*.cc' -o -name '*.h' \) -print0 |
  xargs -0 clang-format --dry-run --Werror

cmake --preset dev -DREVIEWTRAIL_FUZZ_SECONDS="${REVIEWTRAIL_FUZZ_SECONDS:-10}"
cmake --build --preset dev -j "$(nproc)"
scripts/tidy-changed.sh build/dev
ctest --preset dev -j "$(nproc)" "$@"
