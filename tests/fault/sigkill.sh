#!/bin/sh
# tests/fault/sigkill.sh — SIGKILL in the middle of convert and of fetch's unpack, then a rerun:
# the rerun succeeds, its output is byte for byte the output of an uninterrupted run, an output that
# was being replaced is intact until then, and no temporary of the killed process is left behind.
# No timing: the LD_PRELOAD shim (tests/fault/shim.c) stops the process (SIGSTOP) at a chosen
# point — before the write that crosses N bytes into the output's directory, or before the rename
# of the temporary directory into place — and drops a marker file; the test polls for the marker,
# then sends SIGKILL.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus big 300000 # 6.5 MB of rows
Z="$C/zip/data.zip"
TSV="$C/tsv/r.tsv"
[ -f "$SHIM" ] || fail "the LD_PRELOAD shim $SHIM is not built (make unit builds it)"

# kill_at LABEL SHIM-VARS... -- CMD...: run CMD with the shim until it stops at the marker, SIGKILL it
kill_at() {
  local label=$1 pid
  shift
  rm -f "$T/mark"
  local vars=
  while [ "$1" != -- ]; do vars="$vars $1"; shift; done
  shift
  # shellcheck disable=SC2086
  $SHIMMED L4R_SHIM_MARK="$T/mark" $vars "$@" >/dev/null 2>"$T/killed.err" &
  pid=$!
  at_exit "kill -KILL $pid 2>/dev/null"
  if wait_for "$T/mark" "$pid"; then
    pass "$label: stopped at the chosen point"
  else
    fail "$label: never reached the chosen point ($(head -c 300 "$T/killed.err"))"
  fi
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
# same_output LABEL DIR: DIR holds the reference output, byte for byte (the manifest's outputs too)
same_output() {
  check_same "$1: interactions.tsv equals the uninterrupted run's" "$2/interactions.tsv" "$T/ref/interactions.tsv"
  check "$1: manifest lists the same outputs" python3 -c '
import json, sys
a, b = (json.load(open(p + "/manifest.json")) for p in sys.argv[1:])
assert a["outputs"] == b["outputs"], (a["outputs"], b["outputs"])
assert a["inputs"] == b["inputs"], (a["inputs"], b["inputs"])' "$2" "$T/ref"
  check_exit 0 "$1: verify passes" run "$L4R" verify "$2"
}

check_exit 0 "reference: an uninterrupted convert" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/ref"

# 1. killed while writing a new output
mkdir -p "$T/k1"
kill_at "new output" L4R_SHIM_MATCH="$T/k1/" L4R_SHIM_STOP_AFTER=1500000 -- "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k1/out"
check "new output: killed while its temporary directory existed" test -n "$(leftovers "$T/k1")"
check_not "new output: nothing under the final name after the kill" test -e "$T/k1/out"
check_exit 0 "new output: the rerun succeeds" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k1/out"
same_output "new output" "$T/k1/out"
check_clean "new output: no temporaries left after the rerun" "$T/k1"

# 2. killed while writing the replacement of an existing output: the old one stays whole
# (--seed 7 on the replacing runs: it changes no byte of an unsplit output, but it is another option,
# so the run is not skipped as up to date)
mkdir -p "$T/k2"
check_exit 0 "replaced output: first convert" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k2/out"
kill_at "replaced output" L4R_SHIM_MATCH="$T/k2/" L4R_SHIM_STOP_AFTER=1500000 -- "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k2/out" --seed 7
same_output "replaced output: after the kill, the old output" "$T/k2/out"
check_exit 0 "replaced output: the rerun succeeds" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k2/out" --seed 7
same_output "replaced output" "$T/k2/out"
check_clean "replaced output: no temporaries left after the rerun" "$T/k2"

# 3. killed just before the temporary directory is renamed into place (the commit), replacing
mkdir -p "$T/k3"
check_exit 0 "at the commit: first convert" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k3/out"
kill_at "at the commit" L4R_SHIM_STOP_RENAME=".out.l4r-tmp." -- "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k3/out" --seed 7
check_exit 0 "at the commit: the rerun succeeds" run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/k3/out" --seed 7
same_output "at the commit" "$T/k3/out"
check_clean "at the commit: no temporaries left after the rerun" "$T/k3"

# 4. fetch killed while unpacking (the 2.5 MB download goes through, 1.5 MB of the table later)
kill_at "fetch unpack" L4R_SHIM_MATCH="$T/kd/" L4R_SHIM_STOP_AFTER=$(($(size "$Z") + 1500000)) -- \
  "$L4R" --recipes "$R" --data-dir "$T/kd" fetch big --variant zip -q
check_not "fetch unpack: no stamp after the kill" test -e "$T/kd/big/zip/.l4r-fetched.json"
check_not "fetch unpack: no d/r.tsv under its final name after the kill" test -e "$T/kd/big/zip/d/r.tsv"
check_exit 0 "fetch unpack: the rerun succeeds" run "$L4R" --recipes "$R" --data-dir "$T/kd" fetch big --variant zip -q
check_same "fetch unpack: d/r.tsv is complete" "$T/kd/big/zip/d/r.tsv" "$TSV"
check_clean "fetch unpack: no temporaries left after the rerun" "$T/kd"

# 5. fetch killed just before its stamp is renamed into place
kill_at "fetch stamp" L4R_SHIM_STOP_RENAME=".l4r-fetched.json." -- \
  "$L4R" --recipes "$R" --data-dir "$T/ks" fetch big --variant zip -q
check_not "fetch stamp: no stamp after the kill" test -e "$T/ks/big/zip/.l4r-fetched.json"
check_exit 0 "fetch stamp: the rerun succeeds" run "$L4R" --recipes "$R" --data-dir "$T/ks" fetch big --variant zip -q
check_same "fetch stamp: d/r.tsv is complete" "$T/ks/big/zip/d/r.tsv" "$TSV"
check_clean "fetch stamp: no temporaries left after the rerun" "$T/ks"
