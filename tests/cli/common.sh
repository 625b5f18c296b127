# Shared by the CLI tests (sourced): arguments ZARI SOURCE_DIR, the sample
# pack, a scratch directory removed on exit, and check NAME CONDITION...,
# which prints ok/FAIL and remembers a failure in $fail.
set -u
zari=$1
src=$2
pack=$src/intents/telecom
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
