#!/usr/bin/env bash
# herald's C++ layout (.clang-format), with Debian's clang-format 16.
#   scripts/format.sh           rewrite every tracked .cc and .h file in place
#   scripts/format.sh --check   change nothing; list the files that differ and exit 1 if any (CI)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format-16 >/dev/null || scripts/install-deps.sh --test
# New files count too: they are formatted before their first commit.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cc' '*.h')
if [ "${1:-}" = "--check" ]; then
  differ=()
  for f in "${files[@]}"; do
    clang-format-16 --style=file "$f" | cmp -s - "$f" || differ+=("$f")
  done
  if [ ${#differ[@]} -gt 0 ]; then
    printf 'format: not laid out as .clang-format says (scripts/format.sh fixes them):\n' >&2
    printf '  %s\n' "${differ[@]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files as .clang-format says"
  exit 0
fi
clang-format-16 --style=file -i "${files[@]}"
