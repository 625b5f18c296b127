#!/usr/bin/env bash
# Configures and builds Zari into build/ (or $ZARI_BUILD_DIR). Extra arguments
# go to CMake, e.g. scripts/build.sh -DZARI_SANITIZE=address,undefined
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${ZARI_BUILD_DIR:-$here/build}
type=${ZARI_BUILD_TYPE:-RelWithDebInfo}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE="$type" -DZARI_WERROR=ON "$@" >/dev/null
# ZARI_BUILD_TARGET limits the build to one target (the TSan stage needs only
# the concurrency tests).
cmake --build "$build" -j"$(nproc)" ${ZARI_BUILD_TARGET:+--target "$ZARI_BUILD_TARGET"}
