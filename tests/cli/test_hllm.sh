# CLI tests: --kcore-mode one-pass-users and --format hllm (the `hllm` preset) on l4r-gen's Amazon
# 2014 ratings_Books.csv + meta_Books.json.gz and PixelRec Pixel200K shapes, against files written
# below by /usr/bin/python3 + pandas from HLLM's published logic (bytedance/HLLM process_books.py:
# value counts of item and user on the raw file, both >= 5, then groupby(user).filter(len >= 5);
# to_csv of item_id,user_id,timestamp in file order; the item CSV item_id,description,title of
# every meta line; PixelRec: its item text as HLLM's --text_keys reads it).  The fixtures are
# checked to be ones where this filter differs from one pass and from the iterative k-core; -j 1
# = -j 2; the files load with pandas as dataload.py / trainset.py read them.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
F="$T/fx"
mkdir -p "$F/az" "$F/px" "$F/big"
"$GEN" amazon 2014 ratings --lines 3000 --users 300 --items 400 --seed 3 -o "$F/az/ratings_Books.csv"
"$GEN" amazon 2014 meta --lines 400 --items 400 --seed 3 -o "$F/az/meta_Books.json"
gzip "$F/az/meta_Books.json"
check_exit 0 "generate pixelrec 200k" "$GEN" pixelrec 200k "$F/pxg" --lines 3000 --users 400 --items 500 --seed 5
cp "$F/pxg/pixelrec_interaction/Pixel200K.csv" "$F/px/Pixel200K.csv"
cp "$F/pxg/pixelrec_iteminfo/Pixel200K.csv" "$F/px/Pixel200K_iteminfo.csv"

# expected files: E/az/{dataset,information}/amazon_books.csv, E/px/.../Pixel200K.csv
$PY - "$F" "$T/E" <<'PY' >"$T/facts"
import ast, csv, gzip, os, sys
import pandas as pd
F, E = sys.argv[1:]
clean = lambda s: s.replace("\t", " ").replace("\r", " ").replace("\n", " ")   # items.tsv's rule

def hllm_filter(df):
    """process_books.py: both counts from the raw rows, one pass, then users >= 5 again."""
    ic = df["item_id"].map(df["item_id"].value_counts())
    uc = df["user_id"].map(df["user_id"].value_counts())
    df = df[(ic >= 5) & (uc >= 5)]
    return df[df.groupby("user_id")["item_id"].transform("size") >= 5]

def one_pass(df):
    ic = df["item_id"].map(df["item_id"].value_counts())
    uc = df["user_id"].map(df["user_id"].value_counts())
    return df[(ic >= 5) & (uc >= 5)]

def iterative(df):
    while True:
        d = one_pass(df)
        if len(d) == len(df):
            return d
        df = d

def out(d, name):
    os.makedirs(os.path.dirname(name), exist_ok=True)
    return name

# Amazon 2014 Books: ratings_Books.csv is user,item,rating,timestamp without a header; the ids
# are read as strings (process_books.py lets pandas guess; see docs/PRESETS.md)
r = pd.read_csv(F + "/az/ratings_Books.csv", sep=",", names=["user_id", "item_id", "rating", "timestamp"],
                dtype={"user_id": str, "item_id": str})
h = hllm_filter(r)
print("az", len(r), len(one_pass(r)), len(h), len(iterative(r)))
h[["item_id", "user_id", "timestamp"]].to_csv(out(0, E + "/az/dataset/amazon_books.csv"), index=False, header=True)
data = []
for line in gzip.open(F + "/az/meta_Books.json.gz", "rt", encoding="utf-8"):
    j = ast.literal_eval(line)          # process_books.py: eval(line)
    data.append({"item_id": j.get("asin", ""), "description": clean(j.get("description", "")),
                 "title": clean(j.get("title", ""))})
pd.DataFrame(data).to_csv(out(0, E + "/az/information/amazon_books.csv"), index=False)

# PixelRec: the interactions as they are (item_id,user_id,timestamp), the same filter; the item
# text columns in PixelRec's order
p = pd.read_csv(F + "/px/Pixel200K.csv", dtype={"item_id": str, "user_id": str})
h = hllm_filter(p)
print("px", len(p), len(one_pass(p)), len(h), len(iterative(p)))
h[["item_id", "user_id", "timestamp"]].to_csv(out(0, E + "/px/dataset/Pixel200K.csv"), index=False, header=True)
rows = list(csv.reader(open(F + "/px/Pixel200K_iteminfo.csv", encoding="utf-8", newline="")))
hd = rows[0]
it = [dict(zip(hd, x)) for x in rows[1:]]
pd.DataFrame([{k: clean(d[k]) for k in ["item_id", "title", "tag", "description"]} for d in it]).to_csv(
    out(0, E + "/px/information/Pixel200K.csv"), index=False)
PY
check_eq "expected files written" "$?" 0
# the fixtures must tell the three filters apart: raw > one pass > HLLM's > iterative
for ds in az px; do
  check_eq "$ds fixture: one pass > HLLM's filter > iterative k-core" \
    "$(awk -v d=$ds '$1 == d { print ($2 > $3 && $3 > $4 && $4 > $5) ? "yes" : "no: " $0 }' "$T/facts")" yes
done

AZ="amazon --variant 2014/ratings_Books --raw $F/az"
PX="pixelrec --variant 200k --raw $F/px"
for j in 1 2; do
  check_exit 0 "amazon Books --preset hllm -j $j" "$L4R" convert $AZ --preset hllm -o "$T/az$j" -q -j $j
  check_exit 0 "pixelrec 200k --preset hllm -j $j" "$L4R" convert $PX --preset hllm -o "$T/px$j" -q -j $j
done
# HLLM's Table 1 beside ours (a fixture: for information only)
check "the paper rows in the manifests: Books and Pixel200K" python3 - "$T/az1/manifest.json" "$T/px1/manifest.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["preset"]
assert a["paper"] == {"users": 694898, "items": 686624, "interactions": 10053086}, a["paper"]
assert "HLLM" in a["citation"] and "Table 1" in a["citation"] and "(Books)" in a["citation"], a
assert a["published_source"] is False and "known_cause" not in a, a
p = json.load(open(sys.argv[2]))["preset"]
assert p["paper"] == {"users": 200000, "items": 96282, "interactions": 3965656}, p["paper"]
assert "(Pixel200K)" in p["citation"] and "--kcore 0" in p["known_cause"], p
PY
mkdir -p "$F/px8" && cp "$F/px/Pixel200K.csv" "$F/px8/Pixel8M.csv" && cp "$F/px/Pixel200K_iteminfo.csv" "$F/px8/Pixel8M_iteminfo.csv"
check_exit 0 "pixelrec 8m --preset hllm" "$L4R" convert pixelrec --variant 8m --raw "$F/px8" --preset hllm -o "$T/px8"
check_grep "Pixel8M: ours beside HLLM's 8,886,078 users" "users  *[0-9]*  *8886078 " "$T/.err"
for f in dataset/amazon_books.csv information/amazon_books.csv; do
  check_same "amazon: $f = process_books.py's" "$T/az1/$f" "$T/E/az/$f"
  check_same "amazon: $f -j 1 = -j 2" "$T/az1/$f" "$T/az2/$f"
done
for f in dataset/Pixel200K.csv information/Pixel200K.csv; do
  check_same "pixelrec: $f = expected" "$T/px1/$f" "$T/E/px/$f"
  check_same "pixelrec: $f -j 1 = -j 2" "$T/px1/$f" "$T/px2/$f"
done
check_exit 0 "the preset's options by hand" "$L4R" convert $AZ --kcore 5 --kcore-mode one-pass-users --format hllm \
  -o "$T/azh" -q
check_same "preset = its options" "$T/azh/dataset/amazon_books.csv" "$T/az1/dataset/amazon_books.csv"
# HLLM takes PixelRec's files unfiltered: with --kcore 0 the interactions are PixelRec's own file
check_exit 0 "pixelrec --preset hllm --kcore 0" "$L4R" convert $PX --preset hllm --kcore 0 -o "$T/px0" -q
check_same "pixelrec, --kcore 0: dataset/Pixel200K.csv = PixelRec's Pixel200K.csv" "$T/px0/dataset/Pixel200K.csv" \
  "$F/px/Pixel200K.csv"
# one-pass and iterative write other files (the second round counts)
for m in one-pass iterative; do
  check_exit 0 "--kcore-mode $m" "$L4R" convert $AZ --kcore 5 --kcore-mode $m --format hllm -o "$T/az-$m" -q
  check_not "$m differs from one-pass-users" cmp -s "$T/az-$m/dataset/amazon_books.csv" "$T/az1/dataset/amazon_books.csv"
done
# another dataset: the output directory's name; --split does not change the rows
"$GEN" amazon 2014 ratings --lines 400 --users 40 --items 60 --seed 4 -o "$F/ratings_Beauty.csv"
check_exit 0 "Beauty --format hllm --split seq" "$L4R" convert amazon --variant 2014/ratings_Beauty \
  --raw "$F/ratings_Beauty.csv" --format hllm --split seq -o "$T/beauty" -q
check_eq "not Books: NAME is the output directory's name" "$(wc -l <"$T/beauty/dataset/beauty.csv")" 401
check "no items table: no information/" test ! -e "$T/beauty/information"
check_exit 2 "an unknown kcore-mode names the three" "$L4R" convert $AZ --kcore 5 --kcore-mode hllm -o "$T/bad" -q
check_grep "the message lists one-pass-users" "one-pass-users" "$T/.err"

# the manifest counts both rounds; HLLM's loader reads what was written
$PY - "$T/az1" "$T/px1" "$_name" <<'PY'
import json, sys
import pandas as pd
az, px, name0 = sys.argv[1:]
def fact(d, ok):
    print(("PASS" if ok else "FAIL") + " " + name0 + ": " + d)
m = json.load(open(az + "/manifest.json"))
k = m["stages"]["kcore"]
fact("manifest: stages.kcore.mode one-pass-users", k["mode"] == "one-pass-users")
fact("manifest: two rounds, both counted", k["rounds"] == 2 and [s["round"] for s in k["survivors"]] == [1, 2])
fact("manifest: the second round dropped users only (same items)",
     k["survivors"][1]["users"] < k["survivors"][0]["users"] and k["survivors"][1]["items"] == k["survivors"][0]["items"])
fact("manifest: counts = the last round", m["counts"]["interactions"] == k["survivors"][1]["interactions"])
fact("manifest: hllm.dataset", m["hllm"]["dataset"] == "amazon_books" and m["hllm"]["text_keys"] == "title,description")
fact("manifest: the preset", m["preset"]["name"] == "hllm")
for d, name, keys in ((az, "amazon_books", ["title", "description"]), (px, "Pixel200K", ["title", "tag", "description"])):
    # dataload.py _load_inter_feat, then build(): sort by timestamp (stable here; HLLM sorts the
    # DataFrame with sort_values, docs/PRESETS.md), group by user, the last two held out
    df = pd.read_csv(f"{d}/dataset/{name}.csv", delimiter=",", dtype={"item_id": str, "user_id": str, "timestamp": int},
                     header=0, names=["item_id", "user_id", "timestamp"])
    fact(f"{name}: every user has >= 5 rows", df.groupby("user_id").size().min() >= 5)
    df = df.iloc[df["timestamp"].argsort(kind="stable")]
    seqs = df.groupby("user_id", sort=False)["item_id"].apply(list)
    fact(f"{name}: leave-one-out leaves >= 3 training items per user", all(len(s) - 2 >= 3 for s in seqs))
    # trainset.py load_content with --text_keys
    env = pd.read_csv(f"{d}/information/{name}.csv", delimiter=",", dtype={"item_id": str})
    env = env[keys + ["item_id"]].set_index("item_id").T.to_dict()
    fact(f"{name}: the text table has every item of the interactions", set(df["item_id"]) <= set(env))
    fact(f"{name}: titles are text", all(isinstance(v["title"], str) or pd.isna(v["title"]) for v in env.values()))
PY

# the out-of-core engine runs the same two rounds; --format hllm itself is in memory only
"$GEN" amazon 2014 ratings --lines 60000 --users 6000 --items 8000 --seed 6 -o "$F/big/ratings_Books.csv"
BIG="amazon --variant 2014/ratings_Books --raw $F/big/ratings_Books.csv --kcore 5 --kcore-mode one-pass-users"
check_exit 0 "one-pass-users in memory" "$L4R" convert $BIG -o "$T/mem" -q
check_exit 0 "one-pass-users with --memory 1M" "$L4R" convert $BIG -o "$T/spill" -q --memory 1M
check_same "spilled = in memory" "$T/spill/interactions.tsv" "$T/mem/interactions.tsv"
kc() { $PY -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["stages"]["kcore"], "spill" in m)' "$1"; }
check_eq "the spilled run spilled, with the same stages.kcore" "$(kc "$T/spill/manifest.json")" \
  "$(kc "$T/mem/manifest.json" | sed 's/ False$/ True/')"
check_exit 2 "--format hllm refuses to spill" "$L4R" convert $BIG --format hllm -o "$T/spill2" -q --memory 1M
check_grep "and says to raise --memory" "raise --memory" "$T/.err"
