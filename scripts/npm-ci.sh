#!/usr/bin/env bash
# Installs exactly the packages of package-lock.json (`npm ci`). It fails
# when package.json and the lock disagree, and never rewrites the lock. The
# lock is complete: it holds every platform's optional packages (rollup's,
# esbuild's, workerd's binary), as `npm install` leaves it on a fresh Linux
# machine, so nothing is resolved again here.
#
#   scripts/npm-ci.sh             always (the tests, CI)
#   scripts/npm-ci.sh --if-stale  only when the lock is newer than the last
#                                 install, or there was none (run-*.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == --if-stale && -f node_modules/.package-lock.json &&
  ! package-lock.json -nt node_modules/.package-lock.json ]]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
