#!/usr/bin/env bash
# Installs everything Zari's build, tests, demo and benchmarks need on a fresh
# Debian 12 (bookworm) machine. Idempotent: packages already present are skipped,
# and apt-get update runs only when something is missing.
#
#   scripts/setup-deps.sh            build + test dependencies
#   ZARI_SETUP_BROWSER=0 ...         skip Chromium and playwright-core
#   ZARI_SETUP_NODE=0 ...            skip npm packages (Node binding, browser test)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake pkg-config ccache git
  libre2-dev libyaml-cpp-dev libsqlite3-dev libicu-dev doctest-dev
  libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libstemmer-dev
  libboost-dev libsodium-dev libhiredis-dev
  libbenchmark-dev sqlite3 python3 nodejs npm php-cli
  clang libclang-rt-14-dev
  redis-server nginx-light wrk
)
if [ "${ZARI_SETUP_BROWSER:-1}" != 0 ]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # A tool may be present without its Debian package (e.g. node from elsewhere).
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
      python3) command -v python3 >/dev/null 2>&1 && continue ;;
      git) command -v git >/dev/null 2>&1 && continue ;;
      cmake) command -v cmake >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  # Redis and nginx are started by the tests on free loopback ports: keep
  # their packages from starting system services on install.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && own_policy=1
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ $own_policy = 1 ]; then $sudo rm -f "$policy"; fi
else
  echo "setup-deps: Debian packages present"
fi

# npm packages live in the project (node_modules is git-ignored), installed from
# the lock file when there is one.
if [ "${ZARI_SETUP_NODE:-1}" != 0 ] && [ -f "$here/bindings/node/package.json" ]; then
  if [ ! -d "$here/bindings/node/node_modules/koffi" ] || \
     { [ "${ZARI_SETUP_BROWSER:-1}" != 0 ] && [ ! -d "$here/bindings/node/node_modules/playwright-core" ]; }; then
    echo "setup-deps: npm install in bindings/node"
    (cd "$here/bindings/node" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
echo "setup-deps: done"
