#!/usr/bin/env bash
# Builds herald's libFuzzer targets with clang (ASan + UBSan) in build/fuzz and
# runs each for a bounded time over its seed corpus:
#   article  any bytes through parsing, extraction and serialisation
#   config   any bytes as a config file (the loader and the settings table)
#   header   any key and header bytes through the UTF-8 edge and dead-letter fitting
#   syntax   any bytes as a sentence (the tokenizer) and as a syntax model file
#   webpage  any bytes as a fetched web page (charset, HTML reader, main text, metadata)
#   feed     any bytes as a feed document (RSS, RDF, Atom, JSON Feed)
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target, default 300; all targets by default
# New inputs go to build/fuzz/corpus/<target> (the seeds stay untouched). A crash
# leaves crash-* in build/fuzz and exits non-zero: once fixed, copy it into
# fuzz/corpus/<target> so that every later run replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-300}
shift || true
targets=("$@")
# Every fuzz/<target>_fuzzer.cc, unless some are named.
[ ${#targets[@]} -gt 0 ] || targets=($(ls fuzz/*_fuzzer.cc | sed 's|fuzz/||; s|_fuzzer.cc||'))
cxx=$(command -v clang++-16 || true)
cc=$(command -v clang-16 || true)
[ -n "$cxx" ] || { echo "fuzz: clang++-16 not found (scripts/install-deps.sh --test installs it)" >&2; exit 1; }
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_CXX_COMPILER="$cxx" -DHERALD_FUZZ=ON -DHERALD_BUILD_TESTS=OFF >/dev/null
cmake --build build/fuzz --target $(printf 'herald_%s_fuzzer ' "${targets[@]}")
cd build/fuzz
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "fuzz: $target for $seconds s" >&2
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 "./fuzz/herald_${target}_fuzzer" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      "corpus/$target" "../../fuzz/corpus/$target"
done
