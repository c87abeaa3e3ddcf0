#!/bin/sh
# tests/cli/test_spill.sh — out-of-core convert: with --memory 1M a generated file spills sorted
# runs, and every output file (and every sha256 in the manifest) equals the unlimited run's, for
# every split, stage and sink; nothing of the spill is left in the output directory.
. "$(dirname "$0")/../lib.sh"
D="$T/spill"
mkdir -p "$D"
"$GEN" ml25m-ratings --rows 120000 -o "$D/r.csv" || fail "generate ratings"
"$GEN" movielens ml-1m "$D" --ratings 60000 >/dev/null 2>&1 || fail "generate ml-1m"

# outputs[] entries of a manifest, one "file sha256 rows" per line
outs() {
  python3 -c 'import json,sys
m=json.load(open(sys.argv[1]))
for o in m["outputs"]: print(o["file"], o["sha256"], o["rows"])' "$1"
}

n=0
compare() { # compare NAME RAWARGS... -- CONVERTARGS...
  name=$1; shift
  n=$((n + 1))
  a="$D/a$n/out" b="$D/b$n/out" # one name: RecBole and SASRec files are named after the directory
  "$L4R" convert "$@" -o "$a" -q 2>/dev/null || { fail "$name: unlimited run"; return; }
  "$L4R" convert "$@" -o "$b" -q --memory 1M 2>/dev/null || { fail "$name: --memory 1M run"; return; }
  same=1
  for f in "$a"/*; do
    base=$(basename "$f")
    [ "$base" = manifest.json ] && continue
    cmp -s "$f" "$b/$base" || { same=0; fail "$name: $base differs"; }
  done
  [ "$same" = 1 ] && pass "$name: every output file identical under --memory 1M"
  check_eq "$name: same file list" "$(ls "$a" | tr '\n' ' ')" "$(ls "$b" | tr '\n' ' ')"
  check_eq "$name: manifests list the same sha256s" "$(outs "$a/manifest.json")" "$(outs "$b/manifest.json")"
  runs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("spill",{}).get("runs",0))' "$b/manifest.json")
  if [ "$runs" -gt 1 ]; then pass "$name: spilled $runs runs"; else fail "$name: no spill recorded (runs=$runs)"; fi
  check_not "$name: no spill left in the output" test -e "$b/.spill"
}

ML25="movielens --variant ml-25m --raw $D/r.csv"
ML1="movielens --variant ml-1m --raw $D/ml-1m.zip"
compare "seq" $ML25 --split seq
compare "ratio+dedup+min-rating" $ML25 --split ratio:8,1,1 --dedup first --min-rating 3
compare "time-quantile+kcore+remap" $ML25 --split time-quantile:0.8,0.9 --kcore 5 --remap
compare "random+ties+max-history+sinks" $ML25 --split random:8,1,1 --ties hash --max-history 20 \
  --format tsv,recbole,sequences,jsonl --candidates 5
compare "none+items+jsonl" $ML1 --split none --dedup last --user-core 3 --item-core 7 \
  --format tsv,recbole,jsonl --candidates 3
compare "seq+shuffle+one-pass" $ML1 --split seq --remap --remap-order shuffle --seed 7 \
  --kcore 4 --kcore-mode one-pass --format recbole,jsonl,sequences -j 2

compare "sasrec (users in new-id order)" $ML1 --split seq --format sasrec,tsv --max-history 50
