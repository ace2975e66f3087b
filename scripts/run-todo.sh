#!/usr/bin/env bash
# Builds and runs the reference application (examples/todo) with SQLite and
# the in-memory cache. Installs what it needs first.
#
# MIZAN_WEB chooses the front end it serves: react (default), vue, svelte
# (examples/todo/web-*, built with Vite, its pages rendered on the server by
# Node.js from dist-server/entry-server.js), or plain (the framework-free page
# in examples/todo/server/public, nothing to build). Extra arguments go to the
# application, e.g. `scripts/run-todo.sh schema > schema.json`: everything
# the script itself prints (installing, building) goes to standard error, so
# standard output is the application's own.
set -euo pipefail
cd "$(dirname "$0")/.."

web="${MIZAN_WEB:-react}"
case "$web" in
  react | vue | svelte | plain) ;;
  *)
    echo "run-todo: MIZAN_WEB must be react, vue, svelte or plain, not '$web'" >&2
    exit 2
    ;;
esac

scripts/bootstrap.sh >&2

# Subcommands (schema, manifest, createuser...) serve no pages.
if [[ $# -eq 0 || "$1" == serve ]]; then
  if [[ "$web" == plain ]]; then
    static="$PWD/examples/todo/server/public"
  else
    # The locked packages, when the lock file is newer than the last install.
    scripts/npm-ci.sh --if-stale >&2
    # The client (dist/) and the server entry (dist-server/).
    npm run build --workspace "examples/todo/web-$web" >&2
    static="$PWD/examples/todo/web-$web/dist"
    export MIZAN_SSR_BUNDLE="${MIZAN_SSR_BUNDLE:-$PWD/examples/todo/web-$web/dist-server/entry-server.js}"
  fi
  export MIZAN_STATIC_DIR="$static"
  echo "run-todo: the $web front end, from $static" >&2
fi

cmake --preset release >/dev/null
cmake --build --preset release --target todo >&2
export MIZAN_DATA_DIR="${MIZAN_DATA_DIR:-$PWD/data}"
exec build/release/examples/todo/server/todo "$@"
