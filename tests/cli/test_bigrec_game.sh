# CLI tests: --format bigrec on Amazon 2018 Video_Games_5 (--bigrec-style game, the default on
# amazon) and the bigrec preset's amazon/2018/Video_Games_5 cover.  BIGRec's "game" data is this
# one (data/game/process.ipynb reads Video_Games_5.json and meta_Video_Games.json).  The expected
# files are written here in python from that notebook's published logic: reviews of items whose
# meta title is longer than one character, users in order of their first such review, each
# user's reviews sorted by int(unixReviewTime) (stable), a window per position
# i in range(min(10, n - 1), n) with the history items[max(i - 10, 0):i], every window sorted by
# the target's time (stable) and cut at int(n * 0.8), int(n * 0.9); the CSV round trip
# (csv.writer, pd.read_csv, eval of the history); valid/test_N.json by
# DataFrame.sample(n=N, random_state=42); json.dump(indent=4).  Titles are JSON literals of their
# own (docs/PRESETS.md).  The metadata is written here: plain titles, some of one character, some
# empty, some items without metadata, quotes and non-ASCII.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate Video_Games_5" "$GEN" amazon 2018 reviews --lines 3000 --users 200 --items 150 --gzip -o "$F/Video_Games_5.json.gz"
/usr/bin/python3 - "$F" <<'PY'
import gzip, json, sys
d = sys.argv[1]
asins = []
for line in gzip.open(d + "/Video_Games_5.json.gz", "rt"):
    a = json.loads(line)["asin"]
    if a not in asins:
        asins.append(a)
with gzip.open(d + "/meta_Video_Games.json.gz", "wt") as f:
    for k, a in enumerate(asins):
        if k % 13 == 5:
            continue  # no metadata
        t = ("X" if k % 11 == 3 else "" if k % 17 == 4 else "\u00c9" + "t" if k % 19 == 2 else
             f'Game {k} "Quest" \u00e9dition' if k % 7 == 0 else f"Game {k}")
        f.write(json.dumps({"category": ["Video Games"], "title": t, "brand": "B", "asin": a}) + "\n")
PY

cat >"$T/expect.py" <<'PY'
import csv, gzip, json, sys
import pandas as pd

d, out, W, sample = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
metadata = [json.loads(l) for l in gzip.open(d + "/meta_Video_Games.json.gz", "rt")]
reviews = [json.loads(l) for l in gzip.open(d + "/Video_Games_5.json.gz", "rt")]
id_title = {}
for meta in metadata:
    if len(meta["title"]) > 1:
        id_title.setdefault(meta["asin"], meta["title"])  # the tool keeps the first record of an id
users = {}
for review in reviews:
    item = review["asin"]
    if item not in id_title:
        continue
    u = users.setdefault(review["reviewerID"], {"items": [], "timestamps": []})
    u["items"].append(item)
    u["timestamps"].append(review["unixReviewTime"])
interactions = []
for key in users:
    res = sorted(zip(users[key]["items"], users[key]["timestamps"]), key=lambda x: int(x[-1]))
    items, ts = [list(x) for x in zip(*res)]
    titles = [id_title[x] for x in items]
    for i in range(min(W, len(items) - 1), len(items)):
        st = max(i - W, 0)
        interactions.append([key, titles[st:i], titles[i], int(ts[i])])
interactions = sorted(interactions, key=lambda x: x[-1])
n = len(interactions)
parts = {"train": interactions[:int(n * 0.8)], "valid": interactions[int(n * 0.8):int(n * 0.9)],
         "test": interactions[int(n * 0.9):]}
def q(t):
    return json.dumps(t, ensure_ascii=False)
def to_json(path, data):
    rows = []
    for _, row in data.iterrows():
        hist = eval(row["history_item_title"])
        history = "The user has played the following video games before:" + ", ".join(q(t) for t in hist)
        rows.append({
            "instruction": "Given a list of video games the user has played before, please recommend a new video game that the user likes to the user.",
            "input": f"{history}\n ",
            "output": q(str(row["item_title"])),
        })
    with open(path, "w") as f:
        json.dump(rows, f, indent=4)
for name, part in parts.items():
    with open(f"{out}/{name}.csv", "w") as f:
        w = csv.writer(f)
        w.writerow(["user_id", "history_item_title", "item_title", "timestamp"])
        w.writerows(part)
    data = pd.read_csv(f"{out}/{name}.csv")
    to_json(f"{out}/{name}.json", data)
    if name != "train" and sample:
        to_json(f"{out}/{name}_{sample}.json", data.sample(n=sample, random_state=42).reset_index(drop=True))
first_any = {}
for r in reviews:
    first_any.setdefault(r["reviewerID"], len(first_any))
facts = {
    "short_users": any(len(u["items"]) <= W for u in users.values()),
    "long_users": any(len(u["items"]) > W + 1 for u in users.values()),
    "untitled_first": list(users) != sorted(users, key=lambda u: first_any[u]),
    "one_char_titles": any(len(m["title"]) == 1 for m in metadata),
    "target_ties": len({x[-1] for x in interactions}) < n,
}
print(" ".join(k for k, v in facts.items() if v))
PY

same_files() { # DESC DIR_A DIR_B FILE...
  _d=$1; _a=$2; _b=$3; shift 3
  for f in "$@"; do check_same "$_d: $f" "$_a/$f" "$_b/$f"; done
}

e="$T/exp-10-50"; mkdir -p "$e"
check_exit 0 "expected files, window 10, sample 50" /usr/bin/python3 "$T/expect.py" "$F" "$e" 10 50
facts=$(/usr/bin/python3 "$T/expect.py" "$F" "$e" 10 50)
for f in short_users long_users untitled_first one_char_titles target_ties; do
  case " $facts " in *" $f "*) pass "fixture has $f" ;; *) fail "fixture has $f (facts: $facts)" ;; esac
done

o="$T/b-50"
check_exit 0 "bigrec on amazon/2018/Video_Games_5" "$L4R" convert amazon/2018/Video_Games_5 --raw "$F" -o "$o" --format bigrec --eval-sample 50 -q
same_files "game style by default on amazon" "$e" "$o" train.json valid.json test.json valid_50.json test_50.json
check "manifest: bigrec.style game, parts 8:1:1" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]+"/manifest.json"))["bigrec"]
n=m["windows"]
assert m["style"]=="game" and (m["train"],m["valid"])==(int(n*0.8),int(n*0.9)-int(n*0.8)), m
' "$o"

o="$T/b-preset"
check_exit 0 "--preset bigrec on amazon/2018/Video_Games_5" "$L4R" convert amazon/2018/Video_Games_5 --raw "$F" -o "$o" --preset bigrec --eval-sample 50 -q
same_files "--preset bigrec" "$e" "$o" train.json valid.json test.json valid_50.json test_50.json

e2="$T/exp-4-0"; mkdir -p "$e2"
check_exit 0 "expected files, window 4" /usr/bin/python3 "$T/expect.py" "$F" "$e2" 4 0
o="$T/b-4"
check_exit 0 "bigrec --window 4 --eval-sample 0 -j3" "$L4R" convert amazon/2018/Video_Games_5 --raw "$F" -o "$o" --format bigrec --window 4 --eval-sample 0 -j3 -q
same_files "--window 4 -j3" "$e2" "$o" train.json valid.json test.json
check "--eval-sample 0: no sample files" test ! -e "$o/valid_0.json"

o="$T/b-movie"
check_exit 0 "--bigrec-style movie on amazon" "$L4R" convert amazon/2018/Video_Games_5 --raw "$F" -o "$o" --format bigrec --bigrec-style movie --require-title -q
check_grep "movie style: BIGRec's movie prompt" "watched the following movies" "$o/train.json"
check_exit 2 "--bigrec-style takes auto, movie or game" "$L4R" convert amazon/2018/Video_Games_5 --raw "$F" -o "$T/bad" --format bigrec --bigrec-style steam -q
check_grep "the error names the values" "auto, movie or game" "$T/.err"
