#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a while.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, all targets)
# New inputs that grow coverage are written to build-fuzz/corpus/<target>;
# crashes to build-fuzz/crashes/<target>. Copy a crash into
# tests/fuzz/corpora/<target>/ once fixed: ctest replays it from then on.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pack template normalize reply session_import fastagi http_message)
bash scripts/setup-deps.sh >/dev/null
build=$here/build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZARI_FUZZ=ON \
  -DZARI_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j"$(nproc)" --target $(printf 'zari_fuzz_%s ' "${targets[@]}")
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/crashes/$t"
  echo "== fuzzing $t for ${seconds}s"
  if ! ZARI_SOURCE_DIR="$here" "$build/bin/zari_fuzz_$t" -max_total_time="$seconds" -max_len=4096 \
      -artifact_prefix="$build/crashes/$t/" "$build/corpus/$t" "tests/fuzz/corpora/$t" 2>"$build/$t.log"; then
    echo "   FOUND A PROBLEM: see $build/$t.log and $build/crashes/$t/"
    status=1
  else
    grep -E "^#[0-9]+.*(DONE|pulse)" "$build/$t.log" | tail -1 || true
  fi
done
exit $status
