#!/usr/bin/env bash
# Installs every Debian package ReviewTrail needs to build, test and run. The one list.
# Idempotent: installs only what is missing. Needs root (or sudo) on Debian bookworm.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang-format clang-tidy
  clang libclang-rt-14-dev  # the fuzz preset: clang and libFuzzer (libclang_rt.fuzzer)
  lld  # the dev and fuzz presets link with it: a quarter of GNU ld's time on the sanitizer build
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc
  librocksdb-dev
  librdkafka-dev
  prometheus-cpp-dev
  libabsl-dev tzdata  # tzdata: the IANA time zones of --tenant-time-zone
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libssl-dev libcurl4-openssl-dev libjwt-dev libjemalloc-dev
  kcat python3 python3-kafka python3-protobuf python3-grpcio curl
  docker-compose
  prometheus  # for promtool: the alerting rules' unit tests (deploy/prometheus/tests)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
