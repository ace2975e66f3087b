#!/usr/bin/env bash
# Fails when committed generated code is stale: the todo server of BUILD_DIR
# regenerates its schema and client into a temporary directory, which must
# match tests/golden/todo/ and every examples/todo/web-*/src/api/ that exists,
# byte for byte. Then the golden output is type-checked (tsc, strict) against
# the packages' sources, with the type tests in tests/golden/types.ts.
#
#   scripts/check-generated.sh [BUILD_DIR]    (default: build/dev; the todo
#                                              target must be built)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/dev}"
todo="$build/examples/todo/server/todo"
if [[ ! -x "$todo" ]]; then
  echo "check-generated: $todo is missing; build the todo target first" >&2
  exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stale=0

# Compares a generated directory with a committed one (files of the same
# names; the committed directory may hold nothing else).
compare() {
  if ! diff -r -u "$1" "$2" > "$tmp/diff"; then
    echo "check-generated: $2 is stale:" >&2
    head -n 60 "$tmp/diff" >&2
    stale=1
  fi
}

"$todo" schema > "$tmp/schema.json"
if ! diff -u tests/golden/todo/schema.json "$tmp/schema.json" > "$tmp/diff"; then
  echo "check-generated: tests/golden/todo/schema.json is stale:" >&2
  head -n 60 "$tmp/diff" >&2
  stale=1
fi
mkdir -p "$tmp/golden"
"$todo" generate --out "$tmp/golden/todo" --framework all > /dev/null
cp tests/golden/todo/schema.json "$tmp/golden/todo/schema.json"
compare "$tmp/golden/todo" tests/golden/todo

for fw in react vue svelte; do
  committed="examples/todo/web-$fw/src/api"
  [[ -d "$committed" ]] || continue
  "$todo" generate --out "$tmp/$fw" --framework "$fw" > /dev/null
  compare "$tmp/$fw" "$committed"
done

if [[ $stale -ne 0 ]]; then
  echo "check-generated: regenerate with 'cmake --build $build --target todo_client' and" \
    "'scripts/update-golden.sh $build', review the diff and commit it" >&2
  exit 1
fi

npx --no-install tsc -p tests/golden
echo "check-generated: generated code is current and type-checks"
