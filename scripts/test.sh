#!/usr/bin/env bash
# The test command: installs what is missing, configures the sanitizer build (ASan + UBSan), builds
# everything and runs every test. Usage: scripts/test.sh [ctest arguments, e.g. -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset dev
cmake --build --preset dev -j "$(nproc)"
ctest --preset dev -j "$(nproc)" "$@"
