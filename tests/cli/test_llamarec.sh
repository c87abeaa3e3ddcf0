# CLI tests: --preset llamarec, --format llamarec, --require-title and --ties item, against files
# written below in python from LlamaRec's published preprocessing (Yueeeeeeee/LlamaRec
# datasets/base.py, beauty.py, ml_100k.py: items without a title dropped, iterative
# filter_triplets with min_uc = min_sc = 5, densify_index, split_df sorting each user by
# ['timestamp', 'sid']), with the one documented change: ids numbered by a seeded shuffle
# (--remap-order shuffle) instead of set() order.  With --ties item ours is LlamaRec's byte for
# byte; the default (ties in source order) differs exactly inside runs of equal timestamps, and
# only --ties item shows audit's ties_by_item_id.  -j 1 = -j 2; the documented python
# call (docs/PRESETS.md "llamarec") makes the pickle LlamaRec's dataloaders read.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F/az" "$F/big"
"$GEN" amazon 2014 ratings --lines 3000 --users 150 --items 80 --seed 3 -o "$F/raw.csv"
"$GEN" amazon 2014 meta --lines 80 --items 80 --seed 3 -o "$F/meta.txt"
"$GEN" amazon 2014 ratings --lines 60000 --users 3000 --items 900 --seed 4 -o "$F/bigraw.csv"
"$GEN" amazon 2014 meta --lines 900 --items 900 --seed 4 -o "$F/bigmeta.txt"
"$GEN" movielens ml-latest-small "$F" --users 40 --items 150 --ratings 3000 --seed 5 >/dev/null

# the fixture: timestamps coarsened to 60-day steps (many ties), and some items with no title
# (the key missing, an empty title, no meta line at all) or one with white space around it
/usr/bin/python3 - "$F" <<'PY'
import ast, gzip, sys
F = sys.argv[1]
def fixture(raw, meta, out):
    with open(out + "/ratings_Beauty.csv", "w") as o:
        for l in open(raw).read().splitlines():
            u, i, r, t = l.split(",")
            o.write("%s,%s,%s,%d\n" % (u, i, r, int(t) // (86400 * 60) * 86400 * 60))
    lines = []
    for k, l in enumerate(open(meta).read().splitlines()):
        d = ast.literal_eval(l)
        if k % 9 == 1:
            d.pop("title", None)
        elif k % 9 == 4:
            d["title"] = ""
        elif k % 9 == 7:
            continue
        elif k % 9 == 8:
            d["title"] = "  " + d["title"] + " \t"
        lines.append(repr(d))
    with gzip.open(out + "/meta_Beauty.json.gz", "wt") as o:
        o.write("\n".join(lines) + "\n")
fixture(F + "/raw.csv", F + "/meta.txt", F + "/az")
fixture(F + "/bigraw.csv", F + "/bigmeta.txt", F + "/big")
PY

# LlamaRec's preprocessing, re-implemented; ties "item" (LlamaRec) or "source" (stable by time)
/usr/bin/python3 - "$F" <<'PY'
import ast, gzip, json, re, sys
import pandas as pd
F = sys.argv[1]

def filter_triplets(df, min_uc=5, min_sc=5):
    while True:
        isz = df.groupby("sid").size()
        usz = df.groupby("uid").size()
        if (isz >= min_sc).all() and (usz >= min_uc).all():
            return df
        df = df[df["sid"].isin(isz.index[isz >= min_sc])]
        usz = df.groupby("uid").size()
        df = df[df["uid"].isin(usz.index[usz >= min_uc])]

from l4r_expect import M64 as M, mix64, Rng

def numbering(col, rows, ts, salt, seed=42):
    # the documented replacement of set(): --remap-order shuffle, i.e. the ids in order of first
    # appearance (timestamp, source row), shuffled (Fisher-Yates) by a splitmix64 stream
    first = {}
    for x, r, t in zip(col, rows, ts):
        if x not in first or (t, r) < first[x]:
            first[x] = (t, r)
    k = sorted(first, key=lambda x: first[x])
    rr = Rng(mix64(seed ^ salt))
    for i in range(len(k), 1, -1):
        j = rr.below(i)
        k[i - 1], k[j] = k[j], k[i - 1]
    return {x: n for n, x in enumerate(k, start=1)}

def llamarec(df, meta_raw, ties):
    df = df[df["sid"].isin(meta_raw)]
    df = filter_triplets(df)
    umap = numbering(df["uid"], df.index, df["timestamp"], 0x75736572)
    smap = numbering(df["sid"], df.index, df["timestamp"], 0x6974656d)
    df = df.assign(uid=df["uid"].map(umap), sid=df["sid"].map(smap))
    seqs = {}
    for u, ts, s in zip(df["uid"], df["timestamp"], df["sid"]):
        seqs.setdefault(u, []).append((int(ts), int(s)))
    train, val, test = {}, {}, {}
    for u in range(1, len(umap) + 1):
        if ties == "item":
            items = [s for _, s in sorted(seqs[u])]          # by ['timestamp', 'sid']
        else:
            items = [s for _, s in sorted(seqs[u], key=lambda x: x[0])]   # stable: file order
        train[u], val[u], test[u] = items[:-2], items[-2:-1], items[-1:]
    meta = {smap[k]: v for k, v in meta_raw.items() if k in smap}
    return train, val, test, meta, umap, smap

def as_json(train, val, test, meta, umap, smap):
    d = {"train": {str(u): train[u] for u in sorted(train)},
         "val": {str(u): val[u] for u in sorted(val)},
         "test": {str(u): test[u] for u in sorted(test)},
         "meta": {str(i): meta[i] for i in sorted(meta)},
         "umap": [[k, v] for k, v in sorted(umap.items(), key=lambda x: x[1])],
         "smap": [[k, v] for k, v in sorted(smap.items(), key=lambda x: x[1])]}
    return json.dumps(d) + "\n"

def amazon(d):
    # beauty.py: pandas read_csv (real ASINs and user ids hold letters, so they stay str: dtype
    # says so here, where the generated ASINs are all digits)
    df = pd.read_csv(d + "/ratings_Beauty.csv", header=None, dtype={0: str, 1: str})
    df.columns = ["uid", "sid", "rating", "timestamp"]
    meta = {}
    with gzip.open(d + "/meta_Beauty.json.gz", "rt") as f:
        for line in f:
            item = ast.literal_eval(line)            # LlamaRec: eval(line)
            if "title" in item and len(item["title"]) > 0:
                meta[item["asin"].strip()] = item["title"].strip()
    return df, meta

def ml_title(t):
    # ml_100k.py load_meta_dict (on the UTF-8 text; LlamaRec reads movies.csv as ISO-8859-1)
    title, year = t[:-7], t[-7:]
    title = re.sub(r"\(.*?\)", "", title).strip()
    if any(", " + x in title.lower()[-5:] for x in ["a", "an", "the"]):
        pre = ", ".join(title.split(", ")[:-1])
        post = title.split(", ")[-1]
        title = post + " " + pre
    return title + year

df, meta = amazon(F + "/az")
for ties in ["item", "source"]:
    r = llamarec(df, meta, ties)
    open(F + "/exp-az-" + ties + ".json", "w").write(as_json(*r))
    if ties == "item":
        az_item = r
assert as_json(*llamarec(df, meta, "source")) != as_json(*az_item), "the fixture has no tie that matters"
open(F + "/az-differs", "w").write("yes\n")

import zipfile
z = zipfile.ZipFile(F + "/ml-latest-small.zip")
rt = pd.read_csv(z.open("ml-latest-small/ratings.csv"))
rt.columns = ["uid", "sid", "rating", "timestamp"]
mv = pd.read_csv(z.open("ml-latest-small/movies.csv"))
meta = {row[1]: ml_title(row[2]) for row in mv.itertuples()}
for ties in ["item", "source"]:
    open(F + "/exp-ml-" + ties + ".json", "w").write(as_json(*llamarec(rt, meta, ties)))
PY
check "the python re-implementation ran" test -f "$F/az-differs"

AZ="amazon/2014/ratings_Beauty --raw $F/az/ratings_Beauty.csv"
ML="movielens/ml-latest-small --raw $F/ml-latest-small.zip"
for j in 1 2; do
    check_exit 0 "--preset llamarec --ties item (-j $j)" "$L4R" convert $AZ --preset llamarec --ties item \
        -o "$T/ai$j" -j $j -q
    check_exit 0 "--preset llamarec (-j $j)" "$L4R" convert $AZ --preset llamarec -o "$T/as$j" -j $j -q
done
check_same "--ties item: dataset.json is LlamaRec's" "$T/ai1/dataset.json" "$F/exp-az-item.json"
check_same "default (source ties): dataset.json" "$T/as1/dataset.json" "$F/exp-az-source.json"
check_same "-j 1 = -j 2 (--ties item)" "$T/ai2/dataset.json" "$T/ai1/dataset.json"
check_same "-j 1 = -j 2 (source)" "$T/as2/dataset.json" "$T/as1/dataset.json"
check_not "the two tie orders give different files" cmp -s "$T/ai1/dataset.json" "$T/as1/dataset.json"

# the default differs from --ties item only inside runs of equal timestamps: the same users, the
# same items per (user, timestamp), the same val / test timestamps
check "source and item ties: the same (user, timestamp, item) multisets" /usr/bin/python3 -c '
import sys
def rows(d, part):
    return [tuple(l.split("\t")[k] for k in (0, 3, 1)) for l in open(d + "/" + part + ".tsv").read().splitlines()[1:]]
parts = ["train", "valid", "test"]
a = {p: rows(sys.argv[1], p) for p in parts}
b = {p: rows(sys.argv[2], p) for p in parts}
for p in parts:
    assert [x[:2] for x in a[p]] == [x[:2] for x in b[p]], p + ": (user, timestamp) differ"
assert sorted(sum(a.values(), [])) == sorted(sum(b.values(), []))
assert a != b
' "$T/ai1" "$T/as1"

# audit sees the id order inside ties in --ties item's output only
"$L4R" audit "$T/ai1" >"$T/audit-item" 2>&1
"$L4R" audit "$T/as1" >"$T/audit-source" 2>&1
check_grep "audit: --ties item orders ties by item id" "ties_by_item_id  *warn" "$T/audit-item"
check_grep "audit: the default does not" "ties_by_item_id  *ok" "$T/audit-source"

# manifest: the stage, the tie mode, the warning
/usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
s = m["stages"]
print(s["require_title"]["untitled_items"], s["require_title"]["removed"] > 0, s["ties"]["mode"],
      "LRURec#1" in s["ties"].get("warning", ""), m["preset"]["overrides"]["ties"]["given"])
' "$T/ai1" >"$T/m-item" 2>&1
check_eq "manifest: require_title counts, ties item, its warning, the override" "$(cat "$T/m-item")" \
    "29 True item True item"
check_nogrep "the default records no tie warning" "warning" "$T/as1/manifest.json"
"$L4R" convert $AZ --preset llamarec --ties item -o "$T/warn" -j 1 2>"$T/warn.err" >/dev/null
check_grep "--ties item: a warning on stderr naming LRURec#1" "LRURec#1" "$T/warn.err"
"$L4R" convert $AZ --preset llamarec -o "$T/nowarn" -j 1 2>"$T/nowarn.err" >/dev/null
check_nogrep "the default: no tie warning" "LRURec" "$T/nowarn.err"

# MovieLens: LlamaRec's title rule (year cut, "(...)" removed, the article moved, the year back)
check_exit 0 "--preset llamarec on ml-latest-small --ties item" "$L4R" convert $ML --preset llamarec \
    --ties item -o "$T/mi" -q
check_exit 0 "--preset llamarec on ml-latest-small" "$L4R" convert $ML --preset llamarec -o "$T/ms"
# LlamaRec's Table 2 beside ours: its ML-100k row without "100k" (the nominal size: 610 x 147.99 is
# 90,274), Beauty's "198K" as 198,000 +- 500, the length as interactions per user
check_grep "ml-latest-small: ours beside LlamaRec's Table 2" "ours beside the paper's (Yue et al., LlamaRec.*Table 2" "$T/.err"
check_grep "ml-latest-small: users beside 610" "users  *[0-9]*  *610 " "$T/.err"
check_grep "ml-latest-small: actions_per_user beside 147.99" "actions_per_user  *[0-9.]*  *147.99 " "$T/.err"
check_exit 0 "--preset llamarec on Beauty, stderr kept" "$L4R" convert $AZ --preset llamarec -o "$T/asx" -q
check "the paper rows in the manifests" python3 - "$T/ms/manifest.json" "$T/asx/manifest.json" <<'PY'
import json, sys
ml = json.load(open(sys.argv[1]))["preset"]
assert ml["paper"] == {"users": 610, "items": 3650, "actions_per_user": 147.99}, ml["paper"]
o = ml["ours"]
assert abs(o["actions_per_user"] - o["interactions"] / o["users"]) < 0.01, o
assert "Table 2" in ml["citation"] and "ml-latest-small" in ml["citation"], ml["citation"]
b = json.load(open(sys.argv[2]))["preset"]
assert b["paper"] == {"users": 22332, "items": 12086, "interactions": 198000, "actions_per_user": 8.87}, b["paper"]
assert "(Beauty)" in b["citation"] and "known_cause" not in b, b
PY
check_same "ML --ties item: dataset.json is LlamaRec's" "$T/mi/dataset.json" "$F/exp-ml-item.json"
check_same "ML source ties: dataset.json" "$T/ms/dataset.json" "$F/exp-ml-source.json"
check_grep "ML: integer ids stay numbers in umap" '"umap": \[\[[0-9]*, 1\]' "$T/mi/dataset.json"

# --require-title alone, without the preset: the stage before the k-core, and nothing else
check_exit 0 "--require-title on its own" "$L4R" convert $AZ --require-title -o "$T/rt" -q
check_exit 0 "without it" "$L4R" convert $AZ -o "$T/nort" -q
check "--require-title drops the rows of the untitled items" /usr/bin/python3 -c '
import sys
t = {}
for l in open(sys.argv[1] + "/items.tsv").read().splitlines()[1:]:
    f = l.split("\t"); t[f[0]] = f[1]
a = open(sys.argv[1] + "/interactions.tsv").read().splitlines()[1:]
b = open(sys.argv[2] + "/interactions.tsv").read().splitlines()[1:]
assert a == [l for l in b if t.get(l.split("\t")[1], "") != ""], "not the titled rows of the input"
assert len(a) < len(b)
' "$T/rt" "$T/nort"

# the out-of-core engine gives the same (the stage and --ties item in both engines)
BIG="amazon/2014/ratings_Beauty --raw $F/big/ratings_Beauty.csv"
STAGES="--require-title --kcore 5 --ties item --remap-order shuffle --split seq"
check_exit 0 "in memory: $STAGES" "$L4R" convert $BIG $STAGES -o "$T/bm" -q
check_exit 0 "out of core (--memory 1M): $STAGES" "$L4R" convert $BIG $STAGES -o "$T/bx" --memory 1M -q
for f in train valid test item_map user_map; do
    check_same "--memory 1M = in memory: $f.tsv" "$T/bx/$f.tsv" "$T/bm/$f.tsv"
done
check_grep "the small budget did spill" '"spill"' "$T/bx/manifest.json"

# the documented call (docs/PRESETS.md ## llamarec) and what LlamaRec's loaders read of it
for d in ai1 mi; do
    check_exit 0 "python: dataset.json -> dataset.pkl ($d)" /usr/bin/python3 -c 'import json, pickle, sys; d = json.load(open(sys.argv[1])); p = {k: {int(i): v for i, v in d[k].items()} for k in ("train", "val", "test", "meta")}; p.update({k: {i: n for i, n in d[k]} for k in ("umap", "smap")}); pickle.dump(p, open(sys.argv[2], "wb"))' \
        "$T/$d/dataset.json" "$T/$d/dataset.pkl"
    check "LlamaRec's loader reads the pickle ($d)" /usr/bin/python3 -c '
import pickle, sys
d = pickle.load(open(sys.argv[1], "rb"))
train, val, test, umap, smap, text = d["train"], d["val"], d["test"], d["umap"], d["smap"], d["meta"]
nu, ni = len(umap), len(smap)
assert sorted(umap.values()) == list(range(1, nu + 1)) and sorted(smap.values()) == list(range(1, ni + 1))
assert sorted(train) == sorted(val) == sorted(test) == list(range(1, nu + 1))
kind = type(next(iter(smap)))
assert all(type(k) is kind for k in smap) and all(type(k) is type(next(iter(umap))) for k in umap)
assert (kind is int) == (sys.argv[2] == "mi"), kind
for u in range(1, nu + 1):                       # LLMTestDataset / LLMValidDataset
    seq = train[u] + val[u]
    assert len(val[u]) == 1 and len(test[u]) == 1 and len(train[u]) >= 3
    for i in seq + test[u]:
        assert 1 <= i <= ni and isinstance(text[i], str)   # text_dict[item]
' "$T/$d/dataset.pkl" "$d"
done

mkdir -p "$F/nometa" && cp "$F/az/ratings_Beauty.csv" "$F/nometa/"
check_exit 2 "--require-title without item titles" "$L4R" convert amazon/2014/ratings_Beauty \
    --raw "$F/nometa/ratings_Beauty.csv" --require-title -o "$T/e0" -q
check_exit 2 "--format llamarec without --remap" "$L4R" convert $AZ --format llamarec --split seq -o "$T/e1" -q
check_exit 2 "--format llamarec without --split seq" "$L4R" convert $AZ --format llamarec --remap -o "$T/e2" -q
check_exit 2 "--ties takes source, hash or item" "$L4R" convert $AZ --ties itemz -o "$T/e3" -q
