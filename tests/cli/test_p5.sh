# CLI tests: --format p5 (P5's sequential_data.txt, datamaps.json, negative_samples.txt) on an
# Amazon 2014 5-core fixture, against files written below in python the way P5's preprocessing
# notebook (jeykigung/P5 preprocess/data_preprocess_amazon.ipynb) writes them: its k-core loop, its
# random.shuffle of the users, its id maps, its np.random.choice negatives.  Both indexings,
# -j 1 = -j 3, and the audit's id-order verdict on each.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
"$GEN" amazon 2014 reviews --lines 12000 --users 800 --items 400 --seed 3 -o "$F/reviews_Beauty_5.json"
# two repeated (user, item) pairs and a user of 4 reviews (dropped by the 5-core)
head -n 2 "$F/reviews_Beauty_5.json" >> "$F/reviews_Beauty_5.json"
for i in 1 2 3 4; do
    printf '{"reviewerID": "AFEW%d", "asin": "B00NEW000%d", "overall": 5.0, "unixReviewTime": 13000%d0000}\n' 1 "$i" "$i"
done >> "$F/reviews_Beauty_5.json"
gzip -c "$F/reviews_Beauty_5.json" > "$F/reviews_Beauty_5.json.gz"

# expected files: exp-SEED-INDEXING/{sequential_data.txt,datamaps.json,negative_samples.txt}
/usr/bin/python3 - "$F" <<'PY'
import json, os, random, sys
from collections import defaultdict
import numpy as np
from l4r_expect import p5_files
F = sys.argv[1]

def load():
    datas = []
    for line in open(F + "/reviews_Beauty_5.json"):
        r = json.loads(line)
        if float(r["overall"]) <= 0.0:          # P5: rating_score = 0.0
            continue
        datas.append((r["reviewerID"], r["asin"], int(r["unixReviewTime"])))
    return datas

def get_interaction(datas):                    # per user, stable sort by time
    user_seq = {}
    for user, item, time in datas:
        user_seq.setdefault(user, []).append((item, time))
    return {u: [i for i, _ in sorted(it, key=lambda x: x[1])] for u, it in user_seq.items()}

def check_kcore(ui, uc, ic):
    ucount, icount = defaultdict(int), defaultdict(int)
    for u, items in ui.items():
        for i in items:
            ucount[u] += 1
            icount[i] += 1
    ok = all(n >= uc for n in ucount.values()) and all(n >= ic for n in icount.values())
    return ucount, icount, ok

def filter_kcore(ui, uc, ic):                  # P5's loop, removal while iterating and all
    ucount, icount, ok = check_kcore(ui, uc, ic)
    while not ok:
        for u, n in ucount.items():
            if ucount[u] < uc:
                ui.pop(u)
            else:
                for i in ui[u]:
                    if icount[i] < ic:
                        ui[u].remove(i)
        ucount, icount, ok = check_kcore(ui, uc, ic)
    return ui

def make(seed, indexing):
    random.seed(seed)
    np.random.seed(seed)
    ui = filter_kcore(get_interaction(load()), 5, 5)
    users = list(ui.keys())
    random.shuffle(users)
    first = []
    seen = set()
    for u in users:
        for i in ui[u]:
            if i not in seen:
                seen.add(i)
                first.append(i)
    order = list(first)
    if indexing == "random":                   # ours: the same list, shuffled by the next draws
        random.shuffle(order)
    d = F + "/exp-%d-%s" % (seed, indexing)
    p5_files(d, users, ui, order)

for seed, indexing in ((42, "random"), (42, "sequential"), (2022, "sequential"), (7, "random")):
    make(seed, indexing)
PY

run() { # DIR SEED INDEXING [more options]
    d=$1 s=$2 x=$3
    shift 3
    "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" -o "$d" --kcore 5 --format p5 --seed "$s" \
        --p5-indexing "$x" -q "$@" 2>/dev/null
}
same3() { # WHAT OUT EXP
    for f in sequential_data.txt datamaps.json negative_samples.txt; do
        check_same "$1: $f as P5's notebook writes it" "$2/$f" "$3/$f"
    done
}

check_exit 0 "--format p5 (default indexing) converts" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" \
    -o "$T/def" --kcore 5 --format p5 --seed 42 -q
same3 "default indexing = random (seed 42)" "$T/def" "$F/exp-42-random"
run "$T/seq42" 42 sequential
same3 "sequential, seed 42" "$T/seq42" "$F/exp-42-sequential"
run "$T/seq2022" 2022 sequential -j 1
same3 "sequential, P5's seed 2022, -j 1" "$T/seq2022" "$F/exp-2022-sequential"
run "$T/seq2022j" 2022 sequential -j 3
for f in sequential_data.txt datamaps.json negative_samples.txt; do
    check_same "-j 1 = -j 3: $f" "$T/seq2022j/$f" "$T/seq2022/$f"
done
run "$T/r7" 7 random -j 3
same3 "random, seed 7, -j 3" "$T/r7" "$F/exp-7-random"

# the negatives: 99 distinct items per user, none the user had (checked apart from the draw)
check "negatives: 99 distinct per user, never an item of the user's" /usr/bin/python3 -c '
import sys
seq = {l.split()[0]: set(l.split()[1:]) for l in open(sys.argv[1])}
n = 0
for l in open(sys.argv[2]):
    u, *neg = l.split()
    assert len(neg) == 99 and len(set(neg)) == 99 and not set(neg) & seq[u], u
    n += 1
assert n == len(seq) > 100
' "$T/def/sequential_data.txt" "$T/def/negative_samples.txt"
check "datamaps.json: the four maps, string ids, inverse of each other" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["user2id", "item2id", "id2user", "id2item"], list(d)
for a, b in (("user2id", "id2user"), ("item2id", "id2item")):
    assert all(isinstance(v, str) for v in d[a].values())
    assert {v: k for k, v in d[a].items()} == d[b]
    assert sorted(int(v) for v in d[a].values()) == list(range(1, len(d[a]) + 1))
assert "AFEW1" not in d["user2id"]
' "$T/def/datamaps.json"
check_grep "manifest records the indexing" '"indexing": "random"' "$T/def/manifest.json"
check_grep "manifest records sequential" '"indexing": "sequential"' "$T/seq42/manifest.json"

# the leak of P5 PR#3: visible under sequential, gone by default (the audit's id_order check).
# On sequences shaped like P5's Amazon data (short, over many items of similar popularity: the
# generator's steep popularity makes most of a sequence repeats of a few items, which hides the
# +1 steps below the audit's threshold), without repeated pairs.
/usr/bin/python3 - "$F/flat.json" <<'PY'
import json, random, sys
r = random.Random(5)
with open(sys.argv[1], "w") as f:
    for u in range(500):
        for k, i in enumerate(r.sample(range(500), r.randint(6, 10))):
            f.write(json.dumps({"reviewerID": "A%05dU" % u, "asin": "B%08d" % i, "overall": 5.0,
                                "unixReviewTime": 1300000000 + 86400 * (k + r.randint(0, 3) * 10)}) + "\n")
PY
for x in sequential random; do
    "$L4R" convert amazon --raw "$F/flat.json" -o "$T/a$x" --kcore 5 --format p5 --p5-indexing $x -q 2>/dev/null
done
check_exit 11 "audit: P5's sequential indexing is an error (exit 11)" "$L4R" audit "$T/asequential" -q
check_exit 0 "audit: the default random indexing passes (exit 0)" "$L4R" audit "$T/arandom" -q
for x in asequential:error arandom:ok; do
    "$L4R" audit "$T/${x%%:*}" --json > "$T/${x%%:*}.json" 2>/dev/null
    check "audit ${x%%:*}: p5 layout detected, id_order ${x#*:}" /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
f = {x["check"]: x for x in j["findings"]}
assert j["format"] == "p5" and j["detected"], j["format"]
assert f["id_order"]["severity"] == sys.argv[2], f["id_order"]
assert [k for k, x in f.items() if x["severity"] == "error"] == (["id_order"] if sys.argv[2] == "error" else [])
' "$T/${x%%:*}.json" "${x#*:}"
done

# usage errors
check_exit 2 "--p5-indexing takes random or sequential" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" \
    -o "$T/bad" --format p5 --p5-indexing spectral -q
check_exit 2 "more negatives than items is a usage error" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" \
    -o "$T/bad" --format p5 --p5-negatives 100000 -q
check_exit 0 "--p5-negatives 0 writes no negative_samples.txt" "$L4R" convert amazon \
    --raw "$F/reviews_Beauty_5.json.gz" -o "$T/noneg" --format p5 --p5-negatives 0 -q
check_not "no negative_samples.txt under --p5-negatives 0" test -e "$T/noneg/negative_samples.txt"
