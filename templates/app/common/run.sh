#!/usr/bin/env bash
# Builds {{name}} (build.sh) and serves it with its web front end on
# http://127.0.0.1:8000 (MIZAN_BIND), its data in ./data (MIZAN_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
export MIZAN_STATIC_DIR="$PWD/web/dist" MIZAN_DATA_DIR="${MIZAN_DATA_DIR:-$PWD/data}"
exec "build/{{name}}" "$@"
