#!/bin/sh
# tests/cli/test_itab_wide.sh — the table's narrow columns (table.h: a one-byte rating id while
# there are at most 256 distinct ratings, u32 timestamps while every one is in [0, 2^32)) widen
# mid-file without changing a byte: inputs whose 257th distinct rating, negative timestamp or
# millisecond timestamp comes after many narrow rows give the same outputs as a run whose table
# starts wide (the L4R_ITAB_WIDE=1 test hook), in memory and spilled, and the seq split's files
# equal a Python re-implementation of the split (users in first-appearance order, each user's rows
# stably sorted by time, the last to test and the one before to valid when a user has three).
. "$(dirname "$0")/../lib.sh"
D="$T/itabwide"
mkdir -p "$D"

# gen KIND ROWS OUT: 100 users, 700 items; KIND picks what comes late in the file
gen() {
  python3 - "$1" "$2" "$3" <<'EOF'
import sys
kind, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = 12345
def rnd(n):
    global s
    s = (s * 6364136223846793005 + 1442695040888963407) % 2**64
    return (s >> 33) % n
with open(out, "w") as f:
    f.write("userId,movieId,rating,timestamp\n")
    for r in range(rows):
        u, i = rnd(100) + 1, rnd(700) + 1
        rating = "%d" % (rnd(5) + 1) if rnd(2) else "%d.5" % rnd(5)
        ts = 789652009 + rnd(800000000)
        late = r >= rows * 2 // 3
        if kind in ("ratings", "both") and late:
            rating = "%d.%03d" % (rnd(5), rnd(300))  # about 1,500 distinct, the 257th well after row 0
        if kind == "negative" and r == rows - 5:
            ts = -86400
        if kind in ("millis", "both") and r == rows - 1:
            ts = 1574327703123  # a millisecond timestamp on the last line
        if kind == "ties" and late:
            ts = 1000000000 + rnd(20)  # many equal timestamps (the ties stage and the sort)
        f.write("%d,%d,%s,%d\n" % (u, i, rating, ts))
EOF
}

# seq split in Python: the expected train/valid/test.tsv
expect_seq() {
  python3 - "$1" "$2" <<'EOF'
import sys
src, dst = sys.argv[1], sys.argv[2]
order, rows = [], {}
with open(src) as f:
    next(f)
    for k, line in enumerate(f):
        u, i, r, t = line.rstrip("\n").split(",")
        if u not in rows:
            order.append(u)
            rows[u] = []
        rows[u].append((int(t), k, i, r))
out = {p: ["user_id\titem_id\trating\ttimestamp\n"] for p in ("train", "valid", "test")}
for u in order:
    g = sorted(rows[u])  # (ts, source row): the stable sort by time
    n = len(g)
    for j, (t, _, i, r) in enumerate(g):
        p = "test" if n >= 3 and j == n - 1 else "valid" if n >= 3 and j == n - 2 else "train"
        out[p].append("%s\t%s\t%s\t%d\n" % (u, i, r, t))
for p, lines in out.items():
    with open("%s/%s.tsv" % (dst, p), "w") as f:
        f.writelines(lines)
EOF
}

n=0
# same NAME DIR_A DIR_B: every output but the manifest byte-identical, and the manifests' sha256s
same() {
  ok=1
  for f in "$2"/*; do
    b=$(basename "$f")
    [ "$b" = manifest.json ] && continue
    cmp -s "$f" "$3/$b" || { ok=0; fail "$1: $b differs"; }
  done
  [ "$ok" = 1 ] && pass "$1: every output file identical"
  check_eq "$1: same file list" "$(ls "$2" | tr '\n' ' ')" "$(ls "$3" | tr '\n' ' ')"
}

# run NAME CSV CONVERTARGS...: narrow (default) against wide, in memory and under --memory 1M
run() {
  name=$1 csv=$2
  shift 2
  n=$((n + 1))
  a="$D/n$n/out" w="$D/w$n/out" s="$D/s$n/out"
  "$L4R" convert movielens --variant ml-25m --raw "$csv" -o "$a" -q "$@" 2>/dev/null || fail "$name: narrow run"
  L4R_ITAB_WIDE=1 "$L4R" convert movielens --variant ml-25m --raw "$csv" -o "$w" -q "$@" 2>/dev/null ||
    fail "$name: wide run"
  "$L4R" convert movielens --variant ml-25m --raw "$csv" -o "$s" -q --memory 1M "$@" 2>/dev/null ||
    fail "$name: spilled run"
  same "$name: narrow = L4R_ITAB_WIDE=1" "$a" "$w"
  same "$name: narrow spilled = wide in memory" "$s" "$w"
  runs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("spill",{}).get("runs",0))' "$s/manifest.json")
  if [ "$runs" -gt 1 ]; then pass "$name: spilled $runs runs"; else fail "$name: no spill (runs=$runs)"; fi
}

for kind in ratings negative millis both ties; do
  gen $kind 120000 "$D/$kind.csv" || fail "generate $kind"
  run "$kind seq" "$D/$kind.csv" --split seq
  mkdir -p "$D/py-$kind"
  expect_seq "$D/$kind.csv" "$D/py-$kind" || fail "$kind: python split"
  for p in train valid test; do
    check_same "$kind seq: $p.tsv = python" "$D/n$n/out/$p.tsv" "$D/py-$kind/$p.tsv"
  done
done

# the widened values reach every sink and stage that reads them
run "ratings: sinks, min-rating, ties" "$D/ratings.csv" --split time-quantile:0.8,0.9 --min-rating 2 \
  --ties hash --format tsv,recbole,sequences,jsonl --candidates 3 --remap
run "both: time window, dedup, kcore" "$D/both.csv" --split ratio:8,1,1 --time-from 900000000 --dedup last \
  --kcore 3 -j 2
run "millis: stats of the table" "$D/millis.csv" --split time:1400000000,1500000000 --format tsv,sasrec

# the widening really happened on these inputs (ratings: > 256 distinct; millis: > 2^32)
check_eq "ratings: more than 256 distinct rating texts" \
  "$(tail -n +2 "$D/ratings.csv" | cut -d, -f3 | sort -u | wc -l | awk '{print ($1 > 256)}')" 1
check_eq "millis: the last timestamp needs 64 bits" "$(tail -n 1 "$D/millis.csv" | cut -d, -f4)" 1574327703123
check_grep "millis: the millisecond row is a user's last (test.tsv)" 1574327703123 "$D/n3/out/test.tsv"
