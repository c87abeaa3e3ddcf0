#!/bin/sh
# test_stats_verify.sh — `stats` on hand-checked files and `verify` on good, changed and missing outputs.
. "$(dirname "$0")/../lib.sh"

tab=$(printf '\t')

# ---- stats on one interactions TSV ----
printf 'user_id\titem_id\trating\ttimestamp\nu1\ta\t5\t86400\nu1\tb\t3\t86400\nu1\ta\t4\t172800\nu2\ta\t1\t864000\n' >"$T/i.tsv"
check_exit 0 "stats on a TSV" "$L4R" stats "$T/i.tsv"
cp "$T/.out" "$T/stats.txt"
check_grep "users" "^users${tab}2\$" "$T/stats.txt"
check_grep "items" "^items${tab}2\$" "$T/stats.txt"
check_grep "interactions" "^interactions${tab}4\$" "$T/stats.txt"
# u1 has a twice: 3 distinct pairs of 2 x 2 (density from rows would say 1)
check_grep "density from distinct pairs" "^density${tab}0.75\$" "$T/stats.txt"
check_grep "history median" "^history_median${tab}2\$" "$T/stats.txt"
check_grep "history max" "^history_max${tab}3\$" "$T/stats.txt"
check_grep "first date" "^first${tab}1970-01-02\$" "$T/stats.txt"
check_grep "last date" "^last${tab}1970-01-11\$" "$T/stats.txt"
check_grep "tied share" "^tied_timestamp_share${tab}0.5\$" "$T/stats.txt"
check_grep "duplicate share" "^duplicate_pair_share${tab}0.25\$" "$T/stats.txt"
check_nogrep "no split fields without a split" "cold_test" "$T/stats.txt"

check_exit 0 "stats --json" "$L4R" stats --json "$T/i.tsv"
check_grep "json users" '"users":2,' "$T/.out"
check_grep "json history" '"history":{"min":1,"median":2,"mean":2,"max":3}' "$T/.out"
check_grep "json time" '"first":"1970-01-02","last":"1970-01-11"' "$T/.out"
if command -v python3 >/dev/null 2>&1; then
  check "stats --json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/.out"
fi

# ---- stats on a split directory: cold test items ----
mkdir -p "$T/split"
printf 'user_id\titem_id\trating\ttimestamp\nu1\ta\t5\t1\nu2\tb\t1\t2\n' >"$T/split/train.tsv"
printf 'user_id\titem_id\trating\ttimestamp\nu1\tc\t1\t3\n' >"$T/split/valid.tsv"
printf 'user_id\titem_id\trating\ttimestamp\nu1\td\t1\t4\nu2\ta\t1\t5\n' >"$T/split/test.tsv"
check_exit 0 "stats on a split directory" "$L4R" stats "$T/split"
check_grep "split interactions" "^interactions${tab}5\$" "$T/.out"
check_grep "cold test items" "^cold_test_items${tab}1\$" "$T/.out"
check_grep "cold item share" "^cold_test_item_share${tab}0.5\$" "$T/.out"

check_exit 0 "stats --help" "$L4R" stats --help
check_grep "stats usage on stdout" "usage: llm4rec-data stats" "$T/.out"
check_exit 2 "stats without PATH" "$L4R" stats
check_exit 8 "stats on a missing file" "$L4R" stats "$T/nope.tsv"
printf 'a\tb\n1\t2\n' >"$T/bad.tsv"
check_exit 7 "stats on a file without the header" "$L4R" stats "$T/bad.tsv"

# ---- verify on a hand-made directory ----
mkdir -p "$T/v"
printf 'user_id\titem_id\trating\ttimestamp\nu1\ta\t5\t1\nu2\tb\t1\t2\n' >"$T/v/interactions.tsv"
printf '1 1\n2 2\n' >"$T/v/x.txt"
sha() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi; }
size() { wc -c <"$1" | tr -d ' '; }
cat >"$T/v/manifest.json" <<JSON
{"outputs": [
  {"file": "interactions.tsv", "rows": 2, "bytes": $(size "$T/v/interactions.tsv"), "sha256": "$(sha "$T/v/interactions.tsv")"},
  {"file": "x.txt", "rows": 2, "bytes": $(size "$T/v/x.txt"), "sha256": "$(sha "$T/v/x.txt")"}
]}
JSON
check_exit 0 "verify: all match" "$L4R" verify "$T/v"
check_grep "verify lists ok files" "^ok${tab}interactions.tsv" "$T/.out"
printf 'u3\tc\t1\t3\n' >>"$T/v/interactions.tsv"
check_exit 4 "verify: a changed file exits 4" "$L4R" verify "$T/v"
check_grep "verify names the changed file" "^changed${tab}interactions.tsv" "$T/.out"
check_grep "verify keeps reporting the others" "^ok${tab}x.txt" "$T/.out"
rm "$T/v/x.txt"
check_exit 4 "verify: a missing file exits 4" "$L4R" verify "$T/v"
check_grep "verify names the missing file" "^missing${tab}x.txt" "$T/.out"
check_exit 8 "verify: no manifest" "$L4R" verify "$T/split"
check_exit 0 "verify --help" "$L4R" verify --help

# ---- verify and stats on a real conversion ----
if "$GEN" movielens ml-1m "$T/gen" --users 40 --items 60 --ratings 900 >/dev/null 2>&1 &&
   "$L4R" convert movielens --variant ml-1m --raw "$T/gen/ml-1m.zip" -o "$T/conv" --split seq \
     --format tsv,recbole,sequences,jsonl --candidates 3 -q >/dev/null 2>&1; then
  check_exit 0 "verify a converted directory" "$L4R" verify "$T/conv"
  check_grep "every split file checked" "^ok${tab}test.jsonl" "$T/.out"
  check_exit 0 "stats on a converted directory" "$L4R" stats "$T/conv"
  check_grep "converted: interactions" "^interactions${tab}900\$" "$T/.out"
  printf 'x' >>"$T/conv/train.jsonl"
  check_exit 4 "verify notices a changed jsonl" "$L4R" verify "$T/conv"
else
  fail "convert of a generated ml-1m sample failed"
fi
