#!/usr/bin/env bash
# Installs everything the tests need, then runs every test: C++ unit tests
# under ASan+UBSan, the generated-code staleness and type check, a short run
# of every fuzz target, the TypeScript unit tests, and the cross-process and
# browser tests (the plain page and the React, Vue and Svelte front ends)
# against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
# Exactly the locked packages (scripts/npm-ci.sh); fails when package.json
# and package-lock.json disagree.
scripts/npm-ci.sh

scripts/check-format.sh

cmake --preset asan >/dev/null
cmake --build --preset asan
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --preset asan -j2
# examples/minimal, built outside this tree against the installed ASan build
# and run: find_package(Mizan) works (about 10 s).
BUILD_DIR=build/asan scripts/check-install.sh
# `mizan new` for React, Vue and Svelte: each new app's ./test.sh (C++ build
# against the install, npm install from the packed packages and the
# registry, web build, its tests), then its page in Chromium (about 2 min).
BUILD_DIR=build/asan scripts/check-new-app.sh
# The release build of the reference app, for the memory tests: they measure
# RSS, which ASan's allocator (freed memory held in quarantine) would distort.
cmake --preset release >/dev/null
cmake --build --preset release --target todo
scripts/check-generated.sh build/asan
# Every libFuzzer target for 20 s, two at a time, from its committed seeds
# (fuzz/README.md): about 3 minutes with the build. Longer runs:
# scripts/fuzz.sh alone.
scripts/fuzz.sh -j 2 20

npm run test:ts
# The npm packages packed, installed outside this tree, type-checked and imported (about 40 s).
scripts/check-npm-pack.sh
# The server entries' markup hydrated in Chromium against a stub API: no
# mismatch, no context request (tests/ssr; the real server: tests/e2e/ssr-*).
npm run test:e2e-ssr
# The @mizan/devtools panel in Chromium against a stub API and WebSocket:
# contexts, invalidation sources, server text shown as text (about 5 s). Its
# absence from the front ends' production builds is checked by test:ts.
npm run test:e2e-devtools
# The kernel's size budget (5,000 B gzip) and the forms' (1,500 B): fails if over.
npm run bench:size
MIZAN_TODO_BIN="$PWD/build/asan/examples/todo/server/todo" \
  MIZAN_TODO_RELEASE_BIN="$PWD/build/release/examples/todo/server/todo" \
  npm run test:integration
