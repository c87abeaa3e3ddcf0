#!/bin/sh
# tests/fault/concurrent.sh — two runs at once: two converts into the same -o (20 rounds, then one
# interleaving forced with the shim), two fetches of the same variant (unpacking).  Every run exits
# 0, the output verifies, there is one stamp and no temporary is left.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus big 20000
TSV="$C/tsv/r.tsv"
TSV_ROWS=$(($(wc -l < "$TSV") + 1))
conv() { run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$1"; }

# ---- two converts into one -o, 20 rounds ----
bad=
i=0
while [ $i -lt 20 ]; do
  conv "$T/o/out" >/dev/null 2>"$T/c1.err" &
  p1=$!
  conv "$T/o/out" >/dev/null 2>"$T/c2.err" &
  p2=$!
  wait $p1
  r1=$?
  wait $p2
  r2=$?
  [ "$r1$r2" = 00 ] || bad="$bad round $i: exit $r1 and $r2 ($(cat "$T/c1.err" "$T/c2.err" | head -c 200));"
  i=$((i + 1))
done
check_eq "two converts into one -o, 20 rounds: every run exits 0" "$bad" ""
check_exit 0 "two converts into one -o: the output verifies" run "$L4R" verify "$T/o/out"
check_eq "two converts into one -o: every row is there" "$(wc -l < "$T/o/out/interactions.tsv")" "$TSV_ROWS"
check_clean "two converts into one -o: no temporaries left" "$T/o"

# ---- one interleaving, forced: A stops just before renaming its finished temporary directory
# into place (after moving the old output aside, in the code this was written against), B runs
# meanwhile; A is let go once B has finished or is seen waiting for a lock in /proc/locks ----
if [ -f "$SHIM" ] && [ -r /proc/locks ]; then
  mkdir -p "$T/x"
  # (--seed 7 below: no byte changes, but another option, so A and B are not skipped as up to date)
  check_exit 0 "interleaved: first convert" conv "$T/x/out"
  rm -f "$T/mark"
  $SHIMMED L4R_SHIM_MARK="$T/mark" L4R_SHIM_STOP_RENAME=".out.l4r-tmp." \
    "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/x/out" --seed 7 >/dev/null 2>"$T/a.err" &
  pa=$!
  at_exit "kill -KILL $pa 2>/dev/null"
  if wait_for "$T/mark" "$pa"; then
    pass "interleaved: A stopped before its commit"
  else
    fail "interleaved: A never reached its commit ($(head -c 200 "$T/a.err"))"
  fi
  "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$T/x/out" --seed 7 >/dev/null 2>"$T/b.err" &
  pb=$!
  at_exit "kill -KILL $pb 2>/dev/null"
  i=0
  while kill -0 $pb 2>/dev/null && ! grep -q -- "-> .* $pb " /proc/locks && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -CONT $pa
  i=0
  while { kill -0 $pa || kill -0 $pb; } 2>/dev/null && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -KILL $pa $pb 2>/dev/null
  wait $pa
  ra=$?
  wait $pb
  rb=$?
  check_eq "interleaved: A exits 0" "$ra" 0
  [ "$ra" = 0 ] || echo "A: $(head -c 300 "$T/a.err")"
  check_eq "interleaved: B exits 0" "$rb" 0
  [ "$rb" = 0 ] || echo "B: $(head -c 300 "$T/b.err")"
  check_exit 0 "interleaved: the output verifies" run "$L4R" verify "$T/x/out"
  check_clean "interleaved: no temporaries left" "$T/x"
fi

# ---- two fetches of one unpacking variant at once, 5 rounds (--force: both redo the work) ----
bad=
i=0
while [ $i -lt 5 ]; do
  l4r fetch big --variant zip --force -q >/dev/null 2>"$T/f1.err" &
  p1=$!
  l4r fetch big --variant zip --force -q >/dev/null 2>"$T/f2.err" &
  p2=$!
  wait $p1
  r1=$?
  wait $p2
  r2=$?
  [ "$r1$r2" = 00 ] || bad="$bad round $i: exit $r1 and $r2 ($(cat "$T/f1.err" "$T/f2.err" | head -c 200));"
  i=$((i + 1))
done
check_eq "two fetches of one variant, 5 rounds: every run exits 0" "$bad" ""
check_eq "two fetches: one stamp" "$(ls -a "$D/big/zip" | grep -c 'l4r-fetched')" 1
check "two fetches: the stamp is valid JSON and lists the archive" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert [f["name"] for f in s["files"]] == ["data.zip"], s' "$D/big/zip/.l4r-fetched.json"
check_same "two fetches: the unpacked table is whole" "$D/big/zip/d/r.tsv" "$TSV"
check_clean "two fetches: no temporaries left" "$D"
# and without --force: both exit 0, one of them finds the work done
l4r fetch big --variant zip --force -q >/dev/null 2>&1
rm -rf "$D/big/zip"
l4r fetch big --variant zip >/dev/null 2>"$T/f1.err" &
p1=$!
l4r fetch big --variant zip >/dev/null 2>"$T/f2.err" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check_eq "two first fetches: both exit 0" "$r1$r2" 00
cat "$T/f1.err" "$T/f2.err" > "$T/f.err"
check_grep "two first fetches: one of them found the work done" "already fetched" "$T/f.err"
check_same "two first fetches: the unpacked table is whole" "$D/big/zip/d/r.tsv" "$TSV"
check_clean "two first fetches: no temporaries left" "$D"
