#!/usr/bin/env bash
# Builds {{name}}: the server against the installed Mizan, its typed client
# (web/src/api), the web's packages (npm install, once) and web/dist.
# Mizan's prefix: MIZAN_INSTALL_PREFIX, else the one `mizan new` ran from,
# else CMAKE_PREFIX_PATH. CMAKE_BUILD_TYPE (default Release), CXXFLAGS and
# LDFLAGS count on the first configure only; `rm -rf build` to change them.
set -euo pipefail
cd "$(dirname "$0")"
prefix=${MIZAN_INSTALL_PREFIX:-{{mizan_prefix}}}
if [[ ! -f build/CMakeCache.txt ]]; then
  args=(-DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-Release}")
  if [[ -n $prefix ]]; then args+=(-DCMAKE_PREFIX_PATH="$prefix${CMAKE_PREFIX_PATH:+;$CMAKE_PREFIX_PATH}"); fi
  if command -v ninja >/dev/null; then args+=(-G Ninja); fi
  cmake -S . -B build "${args[@]}"
fi
cmake --build build --target {{name}} {{name}}_client

cd web
if [[ ! node_modules/.package-lock.json -nt package.json ]]; then
  npm install --no-audit --no-fund
fi
npm run build
