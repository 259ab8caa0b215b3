#!/usr/bin/env bash
# Builds herald and its tests with clang and a sanitizer, and runs the tests.
#   scripts/sanitize.sh address [CTEST ARGS]   AddressSanitizer + UndefinedBehaviorSanitizer, in build/asan
#   scripts/sanitize.sh thread  [CTEST ARGS]   ThreadSanitizer, in build/tsan
# CTEST ARGS default to "-L unit"; "-L 'unit|integration'" adds the tests
# against the real broker (which ctest's fixture starts). Any report fails the
# test that produced it. CI runs the address build over the unit tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kind=${1:-address}
shift || true
[ $# -gt 0 ] || set -- -L unit
case "$kind" in
  address) dir=build/asan ;;
  thread) dir=build/tsan ;;
  *) echo "sanitize: address or thread, not '$kind'" >&2; exit 2 ;;
esac
scripts/install-deps.sh --test
cxx=$(command -v clang++-16 || true)
cc=$(command -v clang-16 || true)
[ -n "$cxx" ] || { echo "sanitize: clang++-16 not found (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
      -DHERALD_SANITIZE="$kind" -DHERALD_BUILD_TESTS=ON >/dev/null
cmake --build "$dir"
scripts/kafka-local.sh fetch
# librdkafka and the other Debian libraries are not instrumented: leaks in their
# caches at exit are theirs, so LeakSanitizer is off; every other report stops the test.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp"
ctest --test-dir "$dir" --output-on-failure --timeout 900 -E fuzz "$@"
