#!/usr/bin/env bash
# Installs every Debian package Mizan needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so it is cheap to re-run.
#   scripts/bootstrap.sh          build + run the reference app
#   scripts/bootstrap.sh --test   also test tools, services and the browser
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev libsodium-dev libxxhash-dev libfmt-dev libcli11-dev libhiredis-dev
  nodejs npm
)
test_pkgs=(
  libgtest-dev libgmock-dev clang-14 libclang-rt-14-dev clang-format
  curl wrk redis-server postgresql-15 haproxy chromium varnish varnish-modules python3-aiosmtpd
)

wanted=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then wanted+=("${test_pkgs[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian's packages; accept any Node >= 20.
if command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
fi
read -r -a missing <<<"${missing[*]}"

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Vite 7 needs Node.js 20.19 or later; Debian 12's own nodejs is 18.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a == 20 && b >= 19) ? 0 : 1)'; then
  echo "bootstrap: Node.js $(node --version) is too old: Mizan's front ends need Node.js >= 20.19" >&2
  exit 1
fi
echo "bootstrap: all packages present"
