# CLI tests: the id keys the parsers hand the table writer (src/convert/idcache.h, l4r_idkey_pack):
# a canonical integer of at most 7 digits as its value, another string of 1-7 bytes as its packed
# word, anything else as its bytes.  The same id must get the same number whichever form it
# arrives in (fast path, general path for quoted and CRLF records) and at any -j and block size:
# ids that look alike but are not the same integer ("7", "007", "00", "0000000", 8 digits,
# 16777216, "3.5", "-1", long ones) are mixed with plain ones.  The expected leave-one-out split
# (users in first-appearance order, each in time order, ties in source order) is computed in
# Python from the rows as generated.  Timestamps of every width up to 17 digits.
. "$(dirname "$0")/../lib.sh"

cd "$T" || exit 1
/usr/bin/python3 - <<'PY'
import random
random.seed(19)
shapes = ["7", "007", "0", "00", "01", "1234567", "12345678", "9999999", "0000000", "abc", "a", "1a",
          "x" * 10, "16777216", "10", "3.5", "-1", "u" + "9" * 70, "999", "4", "40", "400"]
seen = set()
rows = []
for n in range(4000):
    u = random.choice(shapes) if random.random() < 0.5 else str(random.randrange(1, 300))
    i = random.choice(shapes) if random.random() < 0.3 else str(random.randrange(0, 100000))
    if (u, i) in seen:
        continue
    seen.add((u, i))
    r = random.choice(["4.0", "5", "0.5", "10", "3", "abc", "7", "0"])
    # timestamps of 1 to 17 digits (the fast path reads them eight digits at a time), many ties
    t = random.choice([random.randrange(0, 10), random.randrange(1000, 1100), 10**8 + random.randrange(50),
                       random.randrange(10**8, 10**10), random.randrange(10**15, 10**16),
                       random.randrange(10**16, 10**17)])
    rows.append((u, i, r, t))


def emit(pre, rows):
    with open(pre + "ratings.csv", "w") as f:
        f.write("userId,movieId,rating,timestamp\n")
        for u, i, r, t in rows:
            q = lambda s: '"%s"' % s if random.random() < 0.15 else s  # quoted: the general path
            f.write("%s,%s,%s,%d%s" % (q(u), q(i), q(r), t, "\r\n" if random.random() < 0.05 else "\n"))
    # leave-one-out per user, users in first-appearance order, each in time order (ties: source
    # order)
    order, by = [], {}
    for k, row in enumerate(rows):
        if row[0] not in by:
            by[row[0]] = []
            order.append(row[0])
        by[row[0]].append((row[3], k, row))
    out = {"train": [], "valid": [], "test": []}
    for u in order:
        seq = [x[2] for x in sorted(by[u])]
        if len(seq) < 3:
            out["train"] += seq
            continue
        out["train"] += seq[:-2]
        out["valid"].append(seq[-2])
        out["test"].append(seq[-1])
    for part, rs in out.items():
        with open(pre + part + ".exp", "w") as f:
            f.write("user_id\titem_id\trating\ttimestamp\n")
            for u, i, r, t in rs:
                f.write("%s\t%s\t%s\t%d\n" % (u, i, r, t))


emit("", rows)
# the same rows with timestamps below 10^9: each user's range fits the packed (ts, position)
# keys of group.c's sort_u64 (the wide ones above take the merge sort)
emit("n_", [(u, i, r, t % 10**9) for u, i, r, t in rows])
PY

for pre in "" n_; do
  for j in 1 2; do
    for bs in 0 100; do
      for np in 0 1; do
        set -- convert movielens --variant ml-25m --raw "$T/${pre}ratings.csv" -o "$T/o" --split seq -q --force -j $j
        [ "$bs" != 0 ] && set -- "$@" --block-size $bs
        if [ $np = 1 ]; then L4R_NO_FASTPATH=1 "$L4R" "$@" >/dev/null 2>&1; else "$L4R" "$@" >/dev/null 2>&1; fi
        for p in train valid test; do
          check_same "${pre}ratings seq -j $j block $bs no-fastpath $np: $p.tsv" "$T/o/$p.tsv" "$T/$pre$p.exp"
        done
      done
    done
  done
done
