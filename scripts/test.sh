#!/usr/bin/env bash
# Sets up, builds and runs every test (ctest), then prints a pass/fail summary.
#   ZARI_TEST_SANITIZERS=0 skips the ASan/UBSan and TSan builds (faster locally).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash scripts/setup-deps.sh || exit 1

results=()
status=0
run() {  # run NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "== $name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    status=1
  fi
}

run "build (RelWithDebInfo, -Werror, with bench/)" bash scripts/build.sh -DZARI_BUILD_BENCH=ON
run "tests" ctest --test-dir build --output-on-failure -j2 --timeout 600
if [ "${ZARI_TEST_SANITIZERS:-1}" != 0 ]; then
  run "build (ASan+UBSan)" env ZARI_BUILD_DIR="$here/build-asan" ZARI_BUILD_TYPE=Debug \
      bash scripts/build.sh -DZARI_SANITIZE=address,undefined -DZARI_BUILD_SLOW_TESTS=OFF
  run "tests under ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j2 --timeout 900 -LE no-sanitizer
  run "build (TSan)" env ZARI_BUILD_DIR="$here/build-tsan" ZARI_BUILD_TYPE=Debug \
      ZARI_BUILD_TARGET=zari_concurrency_tests \
      bash scripts/build.sh -DZARI_SANITIZE=thread -DZARI_BUILD_SLOW_TESTS=OFF
  run "concurrency tests under TSan" env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest --test-dir build-tsan --output-on-failure -j2 --timeout 900 -L concurrency --no-tests=error
fi

echo
echo "== Summary"
printf '  %s\n' "${results[@]}"
if [ $status -eq 0 ]; then echo "ALL PASSED"; else echo "SOME FAILED"; fi
exit $status
