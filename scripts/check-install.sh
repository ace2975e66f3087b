#!/usr/bin/env bash
# Proves that an application builds outside this tree against an installed
# Mizan: installs a build into a temporary prefix, builds examples/minimal
# with find_package(Mizan) there, and checks the binary's schema, its
# context over HTTP and a mutation's invalidation.
#   scripts/check-install.sh                      # build/dev, configured if missing
#   BUILD_DIR=build/asan scripts/check-install.sh # what scripts/test.sh runs
# BUILD_DIR is reused as it is; a missing one is configured from the preset
# of its name. Everything else lives in a temporary directory, removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build/dev}
say() { echo "check-install: $*" >&2; }
fail() { say "$*"; exit 1; }
command -v curl >/dev/null || fail "curl is not installed (scripts/bootstrap.sh --test)"

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  preset=$(basename "$build_dir")
  [[ $build_dir == "build/$preset" ]] || fail "$build_dir is not configured, and not build/<preset>"
  cmake --preset "$preset" >/dev/null
fi
# mizan_server and mizan_accounts depend on every other module.
cmake --build "$build_dir" --target mizan_server mizan_accounts

work=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
say "installed $(find "$work/prefix" -type f | wc -l) files"
# A plain install packs the npm packages for `mizan new` (share/mizan/npm).
packed=("$work/prefix/share/mizan/npm"/mizan-*.tgz)
[[ ${#packed[@]} -ge 4 && -f ${packed[0]} ]] || fail "the install holds no packed npm packages"

# The libraries were compiled with the build's flags (the asan preset's
# sanitizers): the application is compiled and linked with the same ones.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
cmake -S examples/minimal -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE="$(cache CMAKE_BUILD_TYPE)" -DCMAKE_CXX_FLAGS="$(cache CMAKE_CXX_FLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(cache CMAKE_EXE_LINKER_FLAGS)" >/dev/null
cmake --build "$work/build" --target minimal minimal_client >/dev/null
app=$work/build/minimal
[[ -f $work/build/api/react.ts ]] || fail "mizan_generate_client wrote no client"

"$app" schema >"$work/schema.json"
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const f = Object.fromEntries(s.functions.map((x) => [x.name, x]));
  if (f.get_count?.context !== "counter") throw new Error("no get_count in the counter context");
  if (f.add?.affects?.[0]?.context !== "counter") throw new Error("add does not affect counter");
' "$work/schema.json" || fail "the schema lacks the example's functions"
say "schema names get_count and add"

mkdir "$work/data"
MIZAN_BIND=127.0.0.1:0 MIZAN_DATA_DIR="$work/data" "$app" >"$work/out" 2>"$work/err" &
server=$!
url=
for _ in $(seq 300); do
  url=$(sed -n 's/^Mizan serving \(http:[^ ]*\)$/\1/p' "$work/out")
  [[ -n $url ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/err" >&2; fail "the app exited at start-up"; }
  sleep 0.1
done
[[ -n $url ]] || fail "the app printed no 'Mizan serving' line in 30 s"
api=${url}api/mizan

status=$(curl -sS -o "$work/ctx" -w '%{http_code}' "$api/ctx/counter/")
[[ $status == 200 ]] || fail "GET ctx/counter/ answered $status: $(cat "$work/ctx")"
[[ $(cat "$work/ctx") == '{"get_count":{"value":0}}' ]] || fail "ctx/counter/: $(cat "$work/ctx")"
# The mutation, with the session's CSRF token: it answers that counter is stale.
token=$(curl -sS -c "$work/cookies" "$api/session/" |
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).csrf_token)')
answer=$(curl -sS -b "$work/cookies" -H "X-CSRF-Token: $token" -H 'Content-Type: application/json' \
  -d '{"by":2}' "$api/call/add/")
[[ $answer == '{"result":{"value":2},"invalidate":["counter"]}' ]] || fail "call/add/: $answer"
[[ $(curl -sS "$api/ctx/counter/") == '{"get_count":{"value":2}}' ]] || fail "add was not seen"

kill -TERM "$server"
code=0
wait "$server" || code=$?
server=
[[ $code == 0 ]] || { cat "$work/err" >&2; fail "the app exited with $code after SIGTERM"; }
say "examples/minimal built against the installed Mizan, served its context and a mutation"
