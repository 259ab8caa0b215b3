#!/usr/bin/env bash
# The whole test suite: installs what it needs (Debian packages, the Kafka broker
# jars through Maven), builds everything, and runs ctest. The integration tests
# run against a real Apache Kafka broker that ctest's "kafka" fixture starts and
# stops (scripts/kafka-local.sh). Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh --test
# HERALD_WERROR=ON (CI) makes compiler warnings errors.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_BUILD_TESTS=ON \
      -DHERALD_WERROR="${HERALD_WERROR:-OFF}" >/dev/null
cmake --build build
scripts/kafka-local.sh fetch
ctest --test-dir build --output-on-failure --timeout 900 "$@"
