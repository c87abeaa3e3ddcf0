# CLI tests: a variant's side tables (recipe "tables", docs/recipes.md) and the item text fields of
# the completed Amazon and MovieLens recipes.  MovieLens tags (ml-25m's quoted tags.csv, ml-10m's
# '::' tags.dat) become tags.tsv; Amazon's review texts are the optional table 'reviews' (only
# with --with reviews); Amazon 2023's published benchmark split is train/valid/test.tsv with
# --split published.  Items carry every text field a prompt would use: 2014's nested categories
# and related ids (a key of an object, joined), 2018's lists, 2023's lists and nulls.  Every
# expected file is computed by python from the fixture (csv, json, ast.literal_eval), never by
# the tool; -j 1 and -j 3 must write the same bytes; the refusals exit 2 or 6 with a reason.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
c() { "$L4R" convert "$@"; }

# ---- MovieLens tags -------------------------------------------------------------------------
check_exit 0 "generate ml-25m with tags" "$GEN" movielens ml-25m "$F" --tags 400 --ratings 4000
check_exit 0 "generate ml-10m with tags" "$GEN" movielens ml-10m "$F" --tags 300 --ratings 4000
for j in 1 3; do
  check_exit 0 "ml-25m -j $j" c movielens --variant ml-25m --raw "$F/ml-25m.zip" -o "$T/m25_$j" -q -j "$j" --block-size 4096
done
check_same "ml-25m tags.tsv: -j 1 and -j 3 the same bytes" "$T/m25_1/tags.tsv" "$T/m25_3/tags.tsv"
check_exit 0 "ml-10m" c movielens --variant ml-10m --raw "$F/ml-10m.zip" -o "$T/m10" -q
python3 - "$F" "$T" <<'PY'
import csv, io, sys, zipfile
from l4r_expect import line
F, T = sys.argv[1], sys.argv[2]
def clean(s):
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
z = zipfile.ZipFile(F + "/ml-25m.zip")
rows = list(csv.reader(io.TextIOWrapper(z.open("ml-25m/tags.csv"), encoding="utf-8", newline="")))
assert rows[0] == ["userId", "movieId", "tag", "timestamp"], rows[0]
with open(T + "/tags25.want", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\ttimestamp\ttag\n")
    for u, m, tag, ts in rows[1:]:
        f.write(line([u, m, ts, clean(tag)]))
with open(T + "/tags25.quoted", "w") as f:  # how many tags needed quoting (a comma or a quote)
    f.write(str(sum(1 for r in rows[1:] if "," in r[2] or '"' in r[2])))
z = zipfile.ZipFile(F + "/ml-10m.zip")
name = [n for n in z.namelist() if n.endswith("/tags.dat")][0]
with open(T + "/tags10.want", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\ttimestamp\ttag\n")
    for src in z.open(name).read().decode("iso-8859-1").splitlines():
        u, m, tag, ts = src.split("::")
        f.write(line([u, m, ts, clean(tag)]))
PY
check_same "ml-25m tags.tsv: every tag event of tags.csv, as python's csv reads it" "$T/m25_1/tags.tsv" "$T/tags25.want"
check "ml-25m fixture: some tags are quoted (commas or quotes)" test "$(cat "$T/tags25.quoted")" -gt 0
check_same "ml-10m tags.tsv: tags.dat's '::' lines" "$T/m10/tags.tsv" "$T/tags10.want"
check_grep "manifest: counts.tags" '"tags": 400' "$T/m25_1/manifest.json"
check_grep "manifest: the tags input and its digest" 'ml-25m.zip:ml-25m/tags.csv' "$T/m25_1/manifest.json"
check_exit 0 "generate ml-1m" "$GEN" movielens ml-1m "$F" --ratings 4000
check_exit 0 "ml-1m: no tags table" c movielens --variant ml-1m --raw "$F/ml-1m.zip" -o "$T/m1" -q
check "ml-1m: no tags.tsv" test ! -e "$T/m1/tags.tsv"
mkdir -p "$T/plain"
python3 -c "
import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); open(sys.argv[2],'wb').write(z.read('ml-25m/ratings.csv'))" "$F/ml-25m.zip" "$T/plain/ratings.csv"
check_exit 0 "ml-25m from a lone ratings.csv" c movielens --variant ml-25m --raw "$T/plain/ratings.csv" -o "$T/m25p"
check_grep "the missing tags.csv is named" "no 'tags.csv' next to the input; tags.tsv is not written" "$T/.err"
check "no tags.tsv then" test ! -e "$T/m25p/tags.tsv"
check_exit 0 "info ml-25m" "$L4R" info movielens --variant ml-25m
check_grep "info shows tags.tsv" "^tags.tsv:" "$T/.out"
check_exit 0 "info --json ml-25m" "$L4R" info movielens --variant ml-25m --json
check_eq "info --json: tables.tags, not optional" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["tables"]["tags"]; print(t["optional"], t["path"])' "$T/.out")" \
  "False ml-25m/tags.csv"

# ---- Amazon 2014: items text and the optional reviews table ---------------------------------
A="$F/a14"
mkdir -p "$A"
check_exit 0 "generate 2014 reviews" "$GEN" amazon 2014 reviews --lines 1500 --gzip -o "$A/reviews_Beauty_5.json.gz"
check_exit 0 "generate 2014 meta" "$GEN" amazon 2014 meta --lines 400 --gzip -o "$A/meta_Beauty.json.gz"
for j in 1 3; do
  check_exit 0 "2014 Beauty_5 --with reviews -j $j" c amazon --variant 2014/reviews_Beauty_5 --raw "$A" -o "$T/a14_$j" -q -j "$j" --block-size 4096 --with reviews
done
check_same "2014 reviews.tsv: -j 1 and -j 3" "$T/a14_1/reviews.tsv" "$T/a14_3/reviews.tsv"
check_same "2014 items.tsv: -j 1 and -j 3" "$T/a14_1/items.tsv" "$T/a14_3/items.tsv"
check_exit 0 "2014 Beauty_5 without --with" c amazon --variant 2014/reviews_Beauty_5 --raw "$A" -o "$T/a14n" -q
check "an optional table is not written unless asked for" test ! -e "$T/a14n/reviews.tsv"
check_same "interactions.tsv does not depend on --with" "$T/a14n/interactions.tsv" "$T/a14_1/interactions.tsv"
python3 - "$A" "$T" <<'PY'
import ast, gzip, json, re, sys
from l4r_expect import line
A, T = sys.argv[1], sys.argv[2]
def clean(s):
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return clean(str(v))
with open(T + "/rev14.want", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\trating\ttimestamp\tsummary\treview_text\n")
    for src in gzip.open(A + "/reviews_Beauty_5.json.gz", "rt", encoding="utf-8"):
        d = json.loads(src)
        f.write(line([d["reviewerID"], d["asin"], repr(d["overall"]), str(d["unixReviewTime"]),
                           text(d.get("summary")), text(d.get("reviewText"))]))
seen = set()
with open(T + "/items14.want", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\tbrand\tprice\tcategories\tdescription\talso_bought\talso_viewed\tbought_together\n")
    for src in gzip.open(A + "/meta_Beauty.json.gz", "rt", encoding="utf-8"):
        d = ast.literal_eval(src)
        if d["asin"] in seen:
            continue
        seen.add(d["asin"])
        cats = "|".join(x for sub in d.get("categories", []) for x in sub)
        price = re.search(r"'price': ([-+0-9.eE]+)", src)  # the literal as written (178.50)
        rel = d.get("related", {})
        f.write(line([d["asin"], text(d.get("title")), text(d.get("brand")),
                           price.group(1) if price else "", clean(cats), text(d.get("description")),
                           "|".join(rel.get("also_bought", [])), "|".join(rel.get("also_viewed", [])),
                           "|".join(rel.get("bought_together", []))]))
PY
check_same "2014 reviews.tsv: ids, rating, time, summary and text of every review" "$T/a14_1/reviews.tsv" "$T/rev14.want"
check_same "2014 items.tsv: nested categories flattened, related ids joined, the rest as text" "$T/a14_1/items.tsv" "$T/items14.want"
check_grep "2014 items: a related list made it" "	B0[A-Z0-9]*|B0" "$T/a14_1/items.tsv"
check_exit 2 "--with an unknown table: exit 2" c amazon --variant 2014/reviews_Beauty_5 --raw "$A" -o "$T/x" --with nosuch
check_grep "--with unknown: names the tables there are" "no optional table of that name (it has: reviews)" "$T/.err"
check "--with unknown: nothing written" test ! -e "$T/x"
check_exit 2 "--with on a variant without optional tables" c amazon --variant 2014/ratings_Beauty --raw "$A" -o "$T/x" --with reviews
check_grep "--with: says it has none" "it has none" "$T/.err"
check_exit 0 "info 2014 Beauty_5" "$L4R" info amazon --variant 2014/reviews_Beauty_5
check_grep "info: reviews.tsv is optional, with the option to ask for it" "^reviews.tsv (optional: convert --with reviews):" "$T/.out"
check_grep "info: related.also_bought shown as a key" "also_bought <- related" "$T/.out"

# ---- Amazon 2018 and 2023 items -------------------------------------------------------------
B="$F/a18"
mkdir -p "$B"
check_exit 0 "generate 2018 reviews" "$GEN" amazon 2018 reviews --lines 800 --gzip -o "$B/All_Beauty_5.json.gz"
check_exit 0 "generate 2018 meta" "$GEN" amazon 2018 meta --lines 300 --gzip -o "$B/meta_All_Beauty.json.gz"
check_exit 0 "2018 All_Beauty_5" c amazon --variant 2018/All_Beauty_5 --raw "$B" -o "$T/a18" -q --with reviews
C="$F/a23"
mkdir -p "$C"
check_exit 0 "generate 2023 reviews" "$GEN" amazon 2023 reviews --lines 800 --gzip -o "$C/All_Beauty.jsonl.gz"
check_exit 0 "generate 2023 meta" "$GEN" amazon 2023 meta --lines 300 --gzip -o "$C/meta_All_Beauty.jsonl.gz"
check_exit 0 "2023 All_Beauty --with reviews" c amazon --variant 2023/All_Beauty --raw "$C" -o "$T/a23" -q --with reviews
python3 - "$B" "$C" "$T" <<'PY'
import gzip, html, json, re, sys
from l4r_expect import line
B, C, T = sys.argv[1], sys.argv[2], sys.argv[3]
def clean(s):
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return clean(str(v))
def join(v, sep="|"):
    return clean(sep.join(x for x in (v or []) if x is not None))
def plain(s):  # the recipe's "clean": "html" (docs/recipes.md)
    s = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", s)
    s = re.sub(r"<!--.*?-->|</?[A-Za-z][^>]*>", " ", s)
    return " ".join(html.unescape(s).replace("\u00a0", " ").split())
seen = set()
with open(T + "/items18.want", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\tbrand\tprice\tmain_cat\tcategory\tdescription\tfeature\talso_buy\talso_view\n")
    for src in gzip.open(B + "/meta_All_Beauty.json.gz", "rt", encoding="utf-8"):
        d = json.loads(src)
        if d["asin"] in seen:
            continue
        seen.add(d["asin"])
        f.write(line([d["asin"], plain(text(d.get("title"))), plain(text(d.get("brand"))), text(d.get("price")),
                      plain(text(d.get("main_cat"))), plain(join(d.get("category"))),
                      plain(join(d.get("description"), " ")), plain(join(d.get("feature"))),
                      join(d.get("also_buy")), join(d.get("also_view"))]))
seen = set()
with open(T + "/items23.want", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\tmain_category\tstore\tprice\taverage_rating\trating_number\tcategories\tfeatures\tdescription\n")
    for src in gzip.open(C + "/meta_All_Beauty.jsonl.gz", "rt", encoding="utf-8"):
        d = json.loads(src)
        if d["parent_asin"] in seen:
            continue
        seen.add(d["parent_asin"])
        price = re.search(r'"price": ([-+0-9.eE]+)', src)  # the literal as written (69.40)
        f.write(line([d["parent_asin"], text(d.get("title")), text(d.get("main_category")), text(d.get("store")),
                           price.group(1) if price else "", text(d.get("average_rating")), text(d.get("rating_number")),
                           join(d.get("categories")), join(d.get("features")), join(d.get("description"), " ")]))
with open(T + "/rev23.want", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\trating\ttimestamp\treview_title\treview_text\thelpful_vote\tverified_purchase\n")
    for src in gzip.open(C + "/All_Beauty.jsonl.gz", "rt", encoding="utf-8"):
        d = json.loads(src)
        f.write(line([d["user_id"], d["parent_asin"], repr(d["rating"]), str(d["timestamp"] // 1000),
                           text(d.get("title")), text(d.get("text")), text(d.get("helpful_vote")),
                           text(d.get("verified_purchase"))]))
nulls = sum(1 for l in gzip.open(C + "/meta_All_Beauty.jsonl.gz", "rt") if '"price": null' in l)
open(T + "/nulls23", "w").write(str(nulls))
PY
check_same "2018 items.tsv: category, description, feature, also_buy/also_view joined" "$T/a18/items.tsv" "$T/items18.want"
check_same "2023 items.tsv: categories, features, description joined; a null price is empty" "$T/a23/items.tsv" "$T/items23.want"
check "2023 fixture has null prices" test "$(cat "$T/nulls23")" -gt 0
check_same "2023 reviews.tsv: title, text, votes, verified; ms times as seconds" "$T/a23/reviews.tsv" "$T/rev23.want"

# ---- Amazon 2023: the published benchmark split ---------------------------------------------
P="$F/p23"
mkdir -p "$P"
check_exit 0 "generate 2023 5-core ratings" "$GEN" amazon 2023 ratings --lines 3000 --users 300 --items 200 -o "$P/r.csv"
check_exit 0 "generate 2023 meta (split)" "$GEN" amazon 2023 meta --lines 200 --gzip -o "$P/meta_All_Beauty.jsonl.gz"
# The published files, cut as the benchmark scripts cut them (leave-last-out and the two
# timestamp cut points), with and without the history column.
python3 - "$P" "$T" <<'PY'
import csv, gzip, sys
from l4r_expect import line
P, T = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(P + "/r.csv")))[1:]
by = {}
for u, i, r, t in rows:
    by.setdefault(u, []).append((int(t), i, r))
def write(path, header, lines):
    with gzip.open(path, "wt", newline="") as f:
        f.write(header + "\n")
        for l in lines:
            f.write(l + "\n")
with gzip.open(P + "/All_Beauty.csv.gz", "wt") as f:
    f.write("user_id,parent_asin,rating,timestamp\n")
    for u, i, r, t in rows:
        f.write(f"{u},{i},{r},{t}\n")
t1, t2 = 1628643414042, 1658002729837
for split in ("last_out", "timestamp"):
    for his in (False, True):
        parts = {"train": [], "valid": [], "test": []}
        for u in by:
            seq = sorted(by[u], key=lambda x: x[0])
            for k, (t, i, r) in enumerate(seq):
                if split == "last_out":
                    part = "test" if k == len(seq) - 1 else "valid" if k == len(seq) - 2 else "train"
                else:
                    part = "train" if t < t1 else "valid" if t < t2 else "test"
                h = " ".join(x[1] for x in seq[:k])
                parts[part].append((u, i, r, t, h))
        name = split + ("_w_his" if his else "")
        head = "user_id,parent_asin,rating,timestamp" + (",history" if his else "")
        d = P + "/" + name
        import os
        os.makedirs(d, exist_ok=True)
        for part, lst in parts.items():
            write(f"{d}/All_Beauty.{part}.csv.gz", head,
                  [f"{u},{i},{r},{t}" + (f",{h}" if his else "") for u, i, r, t, h in lst])
            with open(f"{T}/{name}.{part}.want", "w") as f:
                f.write("user_id\titem_id\trating\ttimestamp" + ("\thistory" if his else "") + "\n")
                for u, i, r, t, h in lst:
                    f.write(line([u, i, r, t // 1000] + ([h] if his else [])))
PY
for s in last_out timestamp last_out_w_his timestamp_w_his; do
  cp "$P/All_Beauty.csv.gz" "$P/meta_All_Beauty.jsonl.gz" "$P/$s/"
  check_exit 0 "2023/5core/$s --split published" c amazon --variant "2023/5core/$s/All_Beauty" --raw "$P/$s" -o "$T/p_$s" -q --split published
  for part in train valid test; do
    check_same "2023/5core/$s: $part.tsv is the published $part file" "$T/p_$s/$part.tsv" "$T/$s.$part.want"
  done
  check_grep "2023/5core/$s: the manifest says the split is the published one" '"mode": "published"' "$T/p_$s/manifest.json"
done
check_exit 0 "published split -j 3" c amazon --variant 2023/5core/last_out_w_his/All_Beauty --raw "$P/last_out_w_his" -o "$T/p3" -q --split published -j 3 --block-size 4096
check_same "published split: -j 1 and -j 3 the same train.tsv" "$T/p3/train.tsv" "$T/p_last_out_w_his/train.tsv"
check_exit 0 "2023 split variant without --split published" c amazon --variant 2023/5core/last_out/All_Beauty --raw "$P/last_out" -o "$T/pn" -q
check "the published split is written only when asked for" test ! -e "$T/pn/train.tsv"
check_same "interactions.tsv is the rating-only file either way" "$T/pn/interactions.tsv" "$T/p_last_out/interactions.tsv"
check_exit 0 "our own seq split of the same variant" c amazon --variant 2023/5core/last_out/All_Beauty --raw "$P/last_out" -o "$T/ps" -q --split seq
check_exit 2 "--split published on a variant without one: exit 2" c amazon --variant 2023/5core/All_Beauty --raw "$P/last_out" -o "$T/x" --split published
check_grep "--split published without one: says so" "has no published split" "$T/.err"
check_exit 2 "--split published with a stage: exit 2" c amazon --variant 2023/5core/last_out/All_Beauty --raw "$P/last_out" -o "$T/x" --split published --kcore 5
check_grep "--split published with a stage: the reason" "as they are" "$T/.err"
check_exit 2 "--with train is not how a split is asked for" c amazon --variant 2023/5core/last_out/All_Beauty --raw "$P/last_out" -o "$T/x" --with train
rm "$P/last_out/All_Beauty.valid.csv.gz"
check_exit 8 "--split published with a split file missing fails" c amazon --variant 2023/5core/last_out/All_Beauty --raw "$P/last_out" -o "$T/x" --split published
check_grep "the missing split file is named" "All_Beauty.valid.csv.gz" "$T/.err"
check "nothing written then" test ! -e "$T/x"
check_exit 0 "info: a published-split variant" "$L4R" info amazon --variant 2023/5core/timestamp_w_his/All_Beauty
check_grep "info: train.tsv is the published split" "^train.tsv (the published split: convert --split published):" "$T/.out"

# ---- recipe rules ---------------------------------------------------------------------------
R="$T/recipes"
mkdir -p "$R"
rcp() {
  cat >"$R/toy.json" <<EOF
{"schema": 1, "dataset": "toy", "title": "t", "license": "l", "default_variant": "v",
 "variants": {"v": {"description": "d", "files": [{"url": "https://example.org/a.csv"}],
   "interactions": {"path": "a.csv", "format": "csv", "header": true,
                    "fields": {"user_id": "u", "item_id": "i"}},
   "tables": $1}}}
EOF
  "$L4R" info toy --recipes "$R"
}
check_exit 6 "tables: a reserved name" rcp '{"items": {"path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}}}'
check_grep "reserved name: the reason" "is an output of every conversion" "$T/.err"
check_exit 6 "tables: a name that is no file stem" rcp '{"Tags": {"path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}}}'
check_exit 6 "tables: train without valid and test" rcp '{"train": {"path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}}}'
check_grep "a split is three tables" "needs the three tables" "$T/.err"
check_exit 6 "tables: optional must be a boolean" rcp '{"t": {"optional": 1, "path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}}}'
check_exit 6 "tables: no fields" rcp '{"t": {"path": "b.csv", "format": "csv", "header": true, "fields": {}}}'
check_exit 6 "tables: an unknown key is still a typo" rcp '{"t": {"path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}, "optionl": true}}'
check_exit 6 "tables: not an object" rcp '[]'
check_exit 6 "filter 'present' takes no value" rcp '{"t": {"path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x"}, "filter": [{"column": "x", "op": "present", "value": "1"}]}}'
check_grep "filter 'present': the reason" "'present' takes no value" "$T/.err"
check_exit 0 "tables: a good one" rcp '{"t": {"optional": true, "path": "b.csv", "format": "csv", "header": true, "fields": {"x": "x", "when": "w"}}}'
check_grep "info: the good one" "^t.tsv (optional: convert --with t):" "$T/.out"
