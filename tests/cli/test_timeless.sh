#!/bin/sh
# tests/cli/test_timeless.sh — a source without time (a recipe table that maps no timestamp, as
# Tenrec and Amazon-M2 sessions): every split keeps each user's rows in source order, every
# output's timestamp is empty (JSON null), never 0; `stats` and `verify` accept the output; the
# temporal splits are refused with a usage error; the out-of-core engine and every -j agree.
. "$(dirname "$0")/../lib.sh"
D="$T/tl"
mkdir -p "$D/recipes"
cat >"$D/recipes/tl.json" <<'JSON'
{
  "schema": 1, "dataset": "tl", "title": "time-less test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "v",
  "variants": {
    "v": {
      "description": "a delimited table without time",
      "files": [{"name": "r.tsv", "url": "https://example.org/r.tsv"}],
      "interactions": {"path": "r.tsv", "format": "delimited", "delimiter": "\t", "header": false,
        "columns": ["u", "i", "r"], "fields": {"user_id": "u", "item_id": "i", "rating": "r"}}
    }
  }
}
JSON
# Each user's items in source order are neither sorted nor reverse-sorted, so a split that ordered
# by anything but the source position would pick another test item.
printf 'a\t30\t5\nb\t12\t3\na\t10\t4\nc\t50\t1\na\t20\t2\nb\t11\t5\nc\t40\t1\nb\t13\t2\nc\t60\t3\na\t5\t3\n' >"$D/r.tsv"
tl() { "$L4R" --recipes "$D/recipes" "$@"; }

# every timestamp of every output is empty (TSV, RecBole) or null (JSONL): prints the offenders
bad_ts() {
  for f in "$1"/*.tsv "$1"/*.inter; do
    case $(basename "$f") in user_map.tsv | item_map.tsv | sequences.tsv | '*'*) continue ;; esac
    awk -F'\t' -v f="$(basename "$f")" 'NR > 1 && (NF != 4 || $4 != "") { print f ": " $0; exit }' "$f"
  done
  for f in "$1"/*.jsonl; do
    [ -e "$f" ] || continue
    grep -q '"timestamp":null' "$f" || [ ! -s "$f" ] || echo "$(basename "$f"): no null timestamp"
    grep -m1 '"timestamp":[^n]' "$f"
  done
}

for s in none seq ratio:8,1,1 random:8,1,1; do
  for extra in "" "--dedup first"; do
    name="--split $s${extra:+ $extra}"
    o="$D/o-$(printf %s "$s$extra" | tr -c 'a-z0-9' _)"
    # the -j 3 run's directory has the same name (RecBole files are named after it)
    j3="$D/j3/$(basename "$o")"
    # shellcheck disable=SC2086
    check_exit 0 "$name: converts" tl convert tl --raw "$D/r.tsv" --split "$s" $extra \
      --format tsv,recbole,jsonl,sequences -o "$o" -q
    check_eq "$name: every timestamp empty, never 0" "$(bad_ts "$o")" ""
    check_exit 0 "$name: stats accepts the output" tl stats "$o"
    check_grep "$name: stats says the time span is none" "^first	none$" "$T/.out"
    check_exit 0 "$name: stats --json too" tl stats "$o" --json
    check_grep "$name: with a null time" '"time":null,"tied_timestamp_share":null' "$T/.out"
    check_exit 0 "$name: verify accepts the output" tl verify "$o"
    check_eq "$name: the manifest says the source has no time" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"]["time"])' "$o/manifest.json")" none
    # -j 3 writes the same bytes as -j 1
    # shellcheck disable=SC2086
    tl convert tl --raw "$D/r.tsv" --split "$s" $extra --format tsv,recbole,jsonl,sequences -o "$j3" -q -j 3 \
      >/dev/null 2>&1 || fail "$name: -j 3 run"
    same=1
    for f in "$o"/*; do
      [ "$(basename "$f")" = manifest.json ] || cmp -s "$f" "$j3/$(basename "$f")" || same=0
    done
    check_eq "$name: -j 1 and -j 3 byte-identical" "$same" 1
  done
done
O="$D/o-none"
check_eq "split none: source order, empty timestamps" "$(tail -n +2 "$O/interactions.tsv" | head -3 | tr '\t\n' ',;')" \
  "a,30,5,;b,12,3,;a,10,4,;"
O="$D/o-seq"
check_eq "seq: each user's test item is its last row in source order" \
  "$(tail -n +2 "$O/test.tsv" | cut -f1,2 | tr '\t\n' ',;')" "a,5;b,13;c,60;"
check_eq "seq: and its valid item the row before" \
  "$(tail -n +2 "$O/valid.tsv" | cut -f1,2 | tr '\t\n' ',;')" "a,20;b,11;c,40;"
check_eq "seq: train keeps source order" "$(tail -n +2 "$O/train.tsv" | cut -f1,2 | tr '\t\n' ',;')" \
  "a,30;a,10;b,12;c,50;"
check_eq "seq: the sequences keep source order" "$(sed -n 2p "$O/sequences.tsv")" "a	30 10 20 5"
check_grep "seq: the RecBole file has an empty timestamp" "^a	5	3	$" "$O/o-seq.test.inter"
check_grep "seq: the JSONL target has a null timestamp" '"target_item_id":"5","target_title":null,"timestamp":null' "$O/test.jsonl"

# the temporal splits: a usage error naming the split, before anything is read or written
for s in time:1500000000,1600000000 time-quantile:0.8,0.9; do
  check_exit 2 "--split $s: refused (exit 2)" tl convert tl --raw "$D/r.tsv" --split "$s" -o "$D/o-t" -q
  check_grep "--split $s: the message names the split and says the source has no time" \
    "split ${s%%:*} needs timestamps, but tl/v has no time" "$T/.err"
  check_not "--split $s: nothing is written" test -e "$D/o-t"
done

# stats: a file whose timestamps are empty on some rows only is malformed (exit 7)
printf 'user_id\titem_id\trating\ttimestamp\nu\t1\t5\t\nu\t2\t5\t100\n' >"$D/mixed.tsv"
check_exit 7 "stats: a file with and without times is refused" tl stats "$D/mixed.tsv"
check_grep "stats: naming the line" "mixed.tsv' line 3, field timestamp: a time, but the rows before have none" "$T/.err"

# the out-of-core engine (--memory 1M) writes the same bytes, empty timestamps included
mkdir -p "$D/big"
awk 'BEGIN { for (r = 0; r < 150000; r++) printf "u%d\t%d\t%d\n", (r * 7919) % 3000, (r * 104729) % 5000, r % 5 + 1 }' \
  >"$D/big/r.tsv"
n=0
for args in "--split seq" "--split none --dedup first" "--split random:8,1,1 --kcore 3" "--split ratio:8,1,1 --remap"; do
  n=$((n + 1))
  a="$D/sa$n/out" b="$D/sb$n/out" # one name: RecBole files are named after the directory
  # shellcheck disable=SC2086
  tl convert tl --raw "$D/big/r.tsv" $args --format tsv,recbole,jsonl -o "$a" -q >/dev/null 2>&1 || fail "$args: unlimited run"
  # shellcheck disable=SC2086
  tl convert tl --raw "$D/big/r.tsv" $args --format tsv,recbole,jsonl -o "$b" -q --memory 1M >/dev/null 2>&1 ||
    fail "$args: --memory 1M run"
  runs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("spill",{}).get("runs",0))' "$b/manifest.json")
  if [ "$runs" -gt 1 ]; then pass "$args: spilled $runs runs"; else fail "$args: no spill recorded (runs=$runs)"; fi
  same=1
  for f in "$a"/*; do
    [ "$(basename "$f")" = manifest.json ] || cmp -s "$f" "$b/$(basename "$f")" || same=0
  done
  check_eq "$args: every output identical under --memory 1M" "$same" 1
  check_eq "$args: out of core, every timestamp empty" "$(bad_ts "$b")" ""
  check_exit 0 "$args: stats of the out-of-core output" tl stats "$b"
  check_exit 0 "$args: verify of the out-of-core output" tl verify "$b"
done
