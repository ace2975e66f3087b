#!/usr/bin/env bash
# Builds and runs the reference application (examples/todo) with SQLite and
# the in-memory cache. Installs what it needs first. Extra arguments go to the
# application, e.g. `scripts/run-todo.sh schema`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake --preset release >/dev/null
cmake --build --preset release --target todo
export MIZAN_DATA_DIR="${MIZAN_DATA_DIR:-$PWD/data}"
exec build/release/examples/todo/server/todo "$@"
