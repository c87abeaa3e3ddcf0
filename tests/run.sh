#!/bin/sh
# tests/run.sh — runs every test: unit binaries (build/tests/unit/test_*), then the shell tests in
# tests/cli/, tests/fetch/ and tests/fault/.  Counts the PASS/FAIL lines, prints failures, ends with
# one line "N passed, N failed".  Exit status is non-zero when anything failed (or a test crashed).
# L4R_TEST_FILTER=pattern runs only tests whose file name contains pattern.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export BUILD
log=$(mktemp "${TMPDIR:-/tmp}/l4r-run.XXXXXX")
crashed=0
run_one() {
  name=$1; shift
  case "$name" in *"${L4R_TEST_FILTER:-}"*) ;; *) return ;; esac
  out=$(mktemp "${TMPDIR:-/tmp}/l4r-one.XXXXXX")
  "$@" >"$out" 2>&1
  rc=$?
  p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out")
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "FAIL $name: exited with status $rc without a failing check" >>"$out"
    crashed=$((crashed + 1))
  fi
  printf '%-40s %4s passed %3s failed\n' "$name" "$p" "$f"
  grep '^FAIL ' "$out" | head -20
  if [ "$rc" != 0 ]; then tail -15 "$out" | grep -v '^PASS ' | sed 's/^/    | /'; fi
  cat "$out" >>"$log"
  rm -f "$out"
}
for t in "$BUILD"/tests/unit/test_*; do
  [ -x "$t" ] || continue
  run_one "unit/$(basename "$t")" "$t"
done
# the record cutter's and the scanners' SSE2 loops, which the AVX2 ones replace on CPUs that have it
for t in test_pipeline test_scan; do
  [ -x "$BUILD/tests/unit/$t" ] || continue
  run_one "unit/$t (L4R_NO_AVX2)" env L4R_NO_AVX2=1 "$BUILD/tests/unit/$t"
done
for t in "$top"/tests/cli/*.sh "$top"/tests/fetch/*.sh "$top"/tests/fault/*.sh; do
  [ -f "$t" ] || continue
  run_one "$(basename "$(dirname "$t")")/$(basename "$t")" sh "$t"
done
passed=$(grep -c '^PASS ' "$log"); failed=$(grep -c '^FAIL ' "$log")
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$crashed" = 0 ]
