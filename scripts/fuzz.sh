#!/usr/bin/env bash
# Builds herald's libFuzzer targets with clang (ASan + UBSan) in build/fuzz and
# runs the article fuzzer for a bounded time over its seed corpus.
#   scripts/fuzz.sh [SECONDS]     default 300; the test suite runs a short one
# New inputs go to build/fuzz/corpus (the seeds stay untouched). A crash leaves
# crash-* in build/fuzz and exits non-zero: once fixed, copy it into
# fuzz/corpus/article so that every later run replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-300}
cxx=$(command -v clang++-16 || true)
cc=$(command -v clang-16 || true)
[ -n "$cxx" ] || { echo "fuzz: clang++-16 not found (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_CXX_COMPILER="$cxx" -DHERALD_FUZZ=ON -DHERALD_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target herald_article_fuzzer
mkdir -p build/fuzz/corpus
cd build/fuzz
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 ./fuzz/herald_article_fuzzer \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    corpus ../../fuzz/corpus/article
