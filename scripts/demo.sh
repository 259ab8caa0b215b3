#!/usr/bin/env bash
# The zero-install demo: installs the build dependencies, builds herald, and runs
# the whole pipeline over the bundled samples against an in-process Kafka
# cluster. Extra arguments go to `herald demo` (e.g. --brokers host:9092).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh
# A build directory of its own, so that the demo's Release build and the test
# suite's build do not rebuild each other.
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERALD_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo --target herald
exec build/demo/apps/herald demo "$@"
