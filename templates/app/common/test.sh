#!/usr/bin/env bash
# Builds {{name}} (build.sh) and runs its tests: tests/*.test.mjs start the
# built server on a free port and talk to it over HTTP (Node's node:test).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
APP_BIN="$PWD/build/{{name}}" APP_STATIC_DIR="$PWD/web/dist" node --test tests/*.test.mjs
