#!/usr/bin/env bash
# Fails if any tracked C++ file differs from clang-format's output (the repo's .clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.h')
[ -z "$files" ] && exit 0
if ! echo "$files" | xargs clang-format --dry-run --Werror 2> /tmp/ember-format.log; then
  echo "clang-format: these files need formatting (run 'make format'):"
  grep -o '^[^:]*\.\(cpp\|h\)' /tmp/ember-format.log | sort -u
  exit 1
fi
echo "format check passed"
