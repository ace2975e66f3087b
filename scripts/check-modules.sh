#!/usr/bin/env bash
# Holds each module to the dependencies its CMakeLists.txt declares: a file of
# src/<module>/ (or gen/) may include "<other>/..." only when mizan_<other> is
# in the module's DEPS. Public headers (include/mizan/) may include only each
# other. Run by ctest as `module_boundaries`; prints every breach.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
check_dir() {  # dir module deps...
  local dir=$1 module=$2
  shift 2
  local allowed=" $module mizan $* "
  while IFS=: read -r file _ included; do
    local top=${included%%/*}
    if [[ $allowed != *" $top "* ]]; then
      echo "$file: includes \"$included\", but $module does not declare mizan_$top" >&2
      status=1
    fi
  done < <(grep -rnoE '^#include "[a-z_]+/[^"]+"' "$dir" --include='*.cpp' --include='*.hpp' |
    sed -E 's/#include "([^"]+)"/\1/')
}

for cmake in src/*/CMakeLists.txt gen/CMakeLists.txt; do
  dir=$(dirname "$cmake")
  module=$(basename "$dir")
  deps=$(grep -oE 'mizan_module\([^)]*\)' "$cmake" | grep -oE 'mizan_[a-z]+' | sed 's/^mizan_//' |
    { grep -vx module || true; } | tr '\n' ' ')
  # Tests may also use what their TEST_DEPS bring; those are other modules' test helpers.
  # shellcheck disable=SC2086
  check_dir "$dir" "$module" $deps
done

while IFS=: read -r file _ included; do
  echo "$file: a public header includes \"$included\" from src/" >&2
  status=1
done < <(grep -rnoE '^#include "[^"]+"' include | sed -E 's/#include "([^"]+)"/\1/' |
  grep -vE ':mizan/' || true)

[[ $status == 0 ]] && echo "module boundaries hold"
exit $status
