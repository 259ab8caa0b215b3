#!/usr/bin/env bash
# clang-tidy (.clang-tidy's checks, Debian's clang-tidy 16) on the given .cc files, or
# on those changed since the last commit; needs build/compile_commands.json
# (scripts/test.sh makes it). About ten seconds a file: run it on what you touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-tidy-16 >/dev/null || scripts/install-deps.sh --test
[ -f build/compile_commands.json ] || { echo "tidy: build first (scripts/test.sh)" >&2; exit 2; }
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(git diff --name-only HEAD -- '*.cc'; git ls-files --others --exclude-standard -- '*.cc')
[ ${#files[@]} -gt 0 ] || { echo "tidy: no changed .cc files"; exit 0; }
# g++ spells the standard c++23, clang 16 c++2b.
clang-tidy-16 -p build --quiet --extra-arg=-std=c++2b "${files[@]}"
