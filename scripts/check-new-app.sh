#!/usr/bin/env bash
# Proves `mizan new`: packs the npm packages (target mizan_npm), installs
# the build into a temporary prefix as scripts/check-install.sh does (the
# tarballs go to share/mizan/npm), then for each framework writes a new app
# with the installed bin/mizan, runs its own ./test.sh (the C++ build against the
# prefix, npm install from the tarballs and the registry, the web build with
# its type check, the app's cross-process tests), serves it and drives its
# page in Chromium (scripts/check-new-app-page.mjs).
#   scripts/check-new-app.sh                         # build/dev, configured if missing
#   BUILD_DIR=build/asan scripts/check-new-app.sh    # what scripts/test.sh runs
#   FRAMEWORKS="vue" scripts/check-new-app.sh        # some frameworks only
# Needs the network (npm's registry) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build/dev}
frameworks=${FRAMEWORKS:-react vue svelte}
say() { echo "check-new-app: $*" >&2; }
fail() { say "$*"; exit 1; }
started=$SECONDS

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  preset=$(basename "$build_dir")
  [[ $build_dir == "build/$preset" ]] || fail "$build_dir is not configured, and not build/<preset>"
  cmake --preset "$preset" >/dev/null
fi
# Other builds may share the tree: take the build lock when there is one.
lock=()
if command -v flock >/dev/null; then lock=(flock /tmp/mizan-build.lock); fi
# mizan_npm: the npm packages built and packed into $build_dir/npm, which
# the install puts in share/mizan/npm.
"${lock[@]}" cmake --build "$build_dir" --target mizan_server mizan_accounts mizan_cli mizan_npm

work=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
[[ -x $prefix/bin/mizan ]] || fail "the install has no bin/mizan"
say "installed Mizan with $(ls "$prefix/share/mizan/npm" | tr '\n' ' ')in $((SECONDS - started)) s"

# The apps are compiled and linked with the build's flags (the asan
# preset's sanitizers), as the libraries were.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
CMAKE_BUILD_TYPE=$(cache CMAKE_BUILD_TYPE)
CXXFLAGS=$(cache CMAKE_CXX_FLAGS)
LDFLAGS=$(cache CMAKE_EXE_LINKER_FLAGS)
export CMAKE_BUILD_TYPE CXXFLAGS LDFLAGS
unset MIZAN_INSTALL_PREFIX CMAKE_PREFIX_PATH  # the app must find the prefix it was made from

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

for fw in $frameworks; do
  t0=$SECONDS
  app=$work/$fw/${fw}_notes
  "$prefix/bin/mizan" new "$app" --framework "$fw" >/dev/null
  if ! (cd "$app" && ./test.sh) >"$work/$fw.log" 2>&1; then
    tail -60 "$work/$fw.log" >&2
    fail "$fw: ./test.sh failed"
  fi
  grep -E '^# (pass|fail) ' "$work/$fw.log" | tr '\n' ' ' >&2
  echo >&2
  t1=$SECONDS

  # Served as ./run.sh would, on a port known before start-up: the page's
  # POSTs carry an Origin that must match the server's address.
  port=$(free_port)
  mkdir "$work/$fw/data"
  MIZAN_BIND=127.0.0.1:$port MIZAN_DATA_DIR="$work/$fw/data" MIZAN_STATIC_DIR="$app/web/dist" \
    "$app/build/${fw}_notes" >"$work/$fw.out" 2>"$work/$fw.err" &
  server=$!
  for _ in $(seq 300); do
    grep -q '^Mizan serving' "$work/$fw.out" && break
    kill -0 "$server" 2>/dev/null || { cat "$work/$fw.err" >&2; fail "$fw: the app exited at start-up"; }
    sleep 0.1
  done
  grep -q '^Mizan serving' "$work/$fw.out" || fail "$fw: the app printed no 'Mizan serving' line in 30 s"
  node scripts/check-new-app-page.mjs "http://127.0.0.1:$port/" || fail "$fw: the page check failed"
  kill -TERM "$server"
  code=0
  wait "$server" || code=$?
  server=
  [[ $code == 0 ]] || { cat "$work/$fw.err" >&2; fail "$fw: the app exited with $code after SIGTERM"; }
  say "$fw: ./test.sh passed in $((t1 - t0)) s, the page in Chromium in $((SECONDS - t1)) s"
done
say "mizan new: $frameworks built, tested and served in $((SECONDS - started)) s"
