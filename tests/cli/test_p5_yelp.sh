# CLI tests: the p5-yelp preset and --time-from / --time-until / --p5-user-order on a Yelp Kaggle
# fixture (archive.zip, JSON lines at its root).  The expected files are written here in python
# from P5's published preprocess/data_preprocess_yelp.ipynb: the reviews with
# '2019-01-01 00:00:00' <= date <= '2019-12-31 00:00:00' and stars > 0, each user's items sorted
# by int(date digits) (stable), its k-core loop, its id_map (users in dict order, not shuffled;
# items by first appearance along the sequences), its np.random.choice negatives after
# np.random.seed(2022); json.dumps of the four id maps.  The fixture's dates are rewritten here to
# straddle both ends of the window.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F/gen"
check_exit 0 "generate the Yelp Kaggle archive" "$GEN" yelp kaggle "$F/gen" --lines 8000 --users 300 --items 400
/usr/bin/python3 - "$F/gen/archive.zip" "$F/archive.zip" <<'PY'
import random, re, sys, zipfile
src, dst = sys.argv[1:3]
rnd = random.Random(5)
edges = ["2018-12-31 23:59:59", "2019-01-01 00:00:00", "2019-12-31 00:00:00", "2019-12-31 00:00:01",
         "2020-01-01 00:00:00", "2017-06-01 12:00:00"]
def new_date(m):
    k = rnd.randrange(20)
    if k < len(edges):
        d = edges[k]
    else:  # inside 2019, whole seconds, some ties
        d = "2019-%02d-%02d %02d:%02d:%02d" % (rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23),
                                               rnd.choice([0, 30]), 0)
    return '"date":"%s"' % d
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info.filename)
        if info.filename == "yelp_academic_dataset_review.json":
            data = re.sub(r'"date":"[^"]*"', new_date, data.decode("utf-8")).encode("utf-8")
        zo.writestr(info, data)
PY

cat >"$T/expect.py" <<'PY'
import json, os, random, sys, zipfile
from collections import defaultdict
import numpy as np
from l4r_expect import p5_files
zpath, d, seed, indexing = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
random.seed(seed)
np.random.seed(seed)
date_min, date_max, rating_score = "2019-01-01 00:00:00", "2019-12-31 00:00:00", 0.0
datas = []
for line in zipfile.ZipFile(zpath).read("yelp_academic_dataset_review.json").decode("utf-8").splitlines():
    review = json.loads(line.strip())
    date = review["date"]
    if date < date_min or date > date_max or float(review["stars"]) <= rating_score:
        continue
    datas.append((review["user_id"], review["business_id"], int(date.replace("-", "").replace(":", "").replace(" ", ""))))
user_seq = {}
for user, item, time in datas:
    user_seq.setdefault(user, []).append((item, time))
ui = {u: [i for i, _ in sorted(it, key=lambda x: x[1])] for u, it in user_seq.items()}
def check_kcore(ui, uc, ic):
    ucount, icount = defaultdict(int), defaultdict(int)
    for u, items in ui.items():
        for i in items:
            ucount[u] += 1
            icount[i] += 1
    ok = all(n >= uc for n in ucount.values()) and all(n >= ic for n in icount.values())
    return ucount, icount, ok
ucount, icount, ok = check_kcore(ui, 5, 5)
while not ok:  # P5's filter_Kcore, removal while iterating and all
    for u, n in ucount.items():
        if ucount[u] < 5:
            ui.pop(u)
        else:
            for i in ui[u]:
                if icount[i] < 5:
                    ui[u].remove(i)
    ucount, icount, ok = check_kcore(ui, 5, 5)
users = list(ui.keys())  # id_map: dict order, no shuffle in the Yelp notebook
first, seen = [], set()
for u in users:
    for i in ui[u]:
        if i not in seen:
            seen.add(i)
            first.append(i)
order = list(first)
if indexing == "random":  # ours: the same list shuffled by random.seed(seed)'s first draws
    random.shuffle(order)
p5_files(d, users, ui, order)
# facts about the fixture: rows at both edges of the window, outside it, users whose first row is
# outside it, the k-core removing something
allrows = [json.loads(l) for l in zipfile.ZipFile(zpath).read("yelp_academic_dataset_review.json").decode().splitlines()]
dates = [r["date"] for r in allrows]
firstu = {}
for r in allrows:
    firstu.setdefault(r["user_id"], r["date"])
facts = {"edge_min": date_min in dates, "edge_max": date_max in dates,
         "outside": any(x < date_min or x > date_max for x in dates),
         "first_outside": any(x < date_min or x > date_max for x in firstu.values()),
         "kcore": sum(len(v) for v in ui.values()) < len(datas), "users": len(users) > 10}
print(" ".join(k for k, v in facts.items() if v))
print(len(users), len(order), sum(len(v) for v in ui.values()))
PY

same3() { # DESC DIR_A DIR_B
  for f in sequential_data.txt datamaps.json negative_samples.txt; do check_same "$1: $f" "$2/$f" "$3/$f"; done
}
out=$(/usr/bin/python3 "$T/expect.py" "$F/archive.zip" "$T/exp-2022-random" 2022 random)
check "expected files, seed 2022, random indexing" test -s "$T/exp-2022-random/sequential_data.txt"
facts=$(echo "$out" | head -1)
for f in edge_min edge_max outside first_outside kcore users; do
  case " $facts " in *" $f "*) pass "fixture has $f" ;; *) fail "fixture has $f (facts: $facts)" ;; esac
done
set -- $(echo "$out" | tail -1)
nu=$1 ni=$2 nn=$3

o="$T/preset"
check_exit 0 "--preset p5-yelp on yelp/kaggle" "$L4R" convert yelp/kaggle --raw "$F/archive.zip" -o "$o" --preset p5-yelp -q
same3 "--preset p5-yelp" "$T/exp-2022-random" "$o"
check "manifest: the time stage's window and counts" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]+"/manifest.json"))
t=m["stages"]["time"]
assert (t["from"],t["until"])==(1546300800,1577750400) and t["removed"]>0, t
c=m["counts"]
assert (c["users"],c["items"],c["interactions"])==tuple(map(int,sys.argv[2:5])), c
assert m["preset"]["paper"]["users"]==30431, m["preset"]
' "$o" "$nu" "$ni" "$nn"

/usr/bin/python3 "$T/expect.py" "$F/archive.zip" "$T/exp-2022-seq" 2022 sequential >/dev/null
o="$T/seq"
check_exit 0 "the preset's options, --p5-indexing sequential (P5's own ids), -j3" "$L4R" convert yelp/kaggle \
  --raw "$F/archive.zip" -o "$o" --time-from 2019-01-01 --time-until "2019-12-31 00:00:00" --kcore 5 \
  --format p5 --p5-user-order source --seed 2022 --p5-indexing sequential -j3 -q
same3 "sequential indexing = P5's Yelp files" "$T/exp-2022-seq" "$o"
o="$T/unix"
check_exit 0 "--time-from / --time-until as Unix seconds" "$L4R" convert yelp/kaggle --raw "$F/archive.zip" -o "$o" \
  --time-from 1546300800 --time-until 1577750400 --kcore 5 --format p5 --p5-user-order source --seed 2022 -q
same3 "Unix seconds = dates" "$T/exp-2022-random" "$o"
o="$T/shuffled"
check_exit 0 "--p5-user-order shuffle (the default)" "$L4R" convert yelp/kaggle --raw "$F/archive.zip" -o "$o" \
  --time-from 2019-01-01 --time-until "2019-12-31 00:00:00" --kcore 5 --format p5 --seed 2022 -q
check_not "shuffled users differ from P5's Yelp order" cmp -s "$o/sequential_data.txt" "$T/exp-2022-random/sequential_data.txt"
check_exit 2 "--time-from takes a time" "$L4R" convert yelp/kaggle --raw "$F/archive.zip" -o "$T/bad" --time-from yesterday -q
check_grep "the error shows the forms" "2019-12-31 00:00:00" "$T/.err"
check_exit 2 "--p5-user-order takes shuffle or source" "$L4R" convert yelp/kaggle --raw "$F/archive.zip" -o "$T/bad" \
  --format p5 --p5-user-order random -q
"$GEN" book-crossing dump "$F/bx" --lines 500 >/dev/null
check_exit 2 "the time window on a source without time" "$L4R" convert book-crossing/all --raw "$F/bx/BX-CSV-Dump.zip" \
  -o "$T/bad" --time-from 2019-01-01 -q
check_grep "the error says why" "has no time" "$T/.err"
# the time stage in the out-of-core engine: the same rows as in memory (a larger archive, which
# spills under --memory 1M)
"$GEN" yelp kaggle "$F/big" --lines 60000 --users 3000 --items 800 >/dev/null
for m in 1M 2G; do
  check_exit 0 "time window, --memory $m" "$L4R" convert yelp/kaggle --raw "$F/big/archive.zip" -o "$T/mem$m" \
    --time-from 2012-01-01 --time-until "2016-12-31 00:00:00" --kcore 3 --memory $m -q
done
check "--memory 1M spilled" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["spill"]["runs"] > 1' "$T/mem1M/manifest.json"
check_same "time window: spilled = in memory" "$T/mem1M/interactions.tsv" "$T/mem2G/interactions.tsv"
