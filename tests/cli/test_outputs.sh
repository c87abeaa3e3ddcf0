# CLI tests: outputs that load unchanged (issue 17) — RecBole files named after the output
# directory, token_seq split on spaces, NAME.user; the sasrec export renumbering only its own file.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F/ml-100k" "$F/ml-1m"
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t302\t4\t881250949\n196\t377\t2\t881250000\n186\t242\t5\t891717000\n22\t242\t2\t878887000\n186\t377\t4\t891717800\n' > "$F/ml-100k/u.data"
{
  printf '242|Kolya (1996)|24-Jan-1997||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n'
  printf '302|L.A.  Confidential (1997)|01-Jan-1997||http://x|0|0|0|0|0|0|1|0|0|0|1|0|0|1|0|0|1|0|0\n'
  printf '377|Mis\351rables, Les (1995)|01-Jan-1995||http://x|0|0|0|0|1|0|0|0|1|0|0|0|1|0|0|0|0|0|0\n'
} > "$F/ml-100k/u.item"
printf '196|49|M|writer|55105\n186|39|F|other|00000\n22|25|M|writer|40206\n999|30|F|none|12345\n' > "$F/ml-100k/u.user"
(cd "$F" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile("ml-100k.zip","w"); [z.write(p) for p in sys.argv[1:]]' ml-100k/u.data ml-100k/u.item ml-100k/u.user)
printf '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n' > "$F/ml-1m/ratings.dat"
printf '1193::One Flew Over the Cuckoo'"'"'s Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children'"'"'s|Film Noir\n' > "$F/ml-1m/movies.dat"
printf '1::F::1::10::48067\n2::M::56::16::70072\n' > "$F/ml-1m/users.dat"

# RecBole's loader rules, mimicked: data_path/NAME/NAME.SUFFIX with NAME the directory's base name,
# header 'name:type', fields split on TAB, token_seq split on a space (its default seq_separator),
# float fields numbers (an empty one is NaN).  Prints {suffix: [rows as dicts]} as JSON.
cat > "$T/recbole_load.py" <<'PY'
import json, os, sys
data_path, name = sys.argv[1], sys.argv[2]
d = os.path.join(data_path, name)
out = {}
for suf in ["inter", "item", "user", "train.inter", "valid.inter", "test.inter"]:
    p = os.path.join(d, name + "." + suf)
    if not os.path.exists(p):
        continue
    lines = open(p, encoding="utf-8").read().split("\n")
    assert lines[-1] == "", p
    head = [h.split(":") for h in lines[0].split("\t")]
    for h in head:
        assert len(h) == 2 and h[1] in ("token", "token_seq", "float", "float_seq"), (p, h)
    rows = []
    for ln in lines[1:-1]:
        f = ln.split("\t")
        assert len(f) == len(head), (p, ln)
        r = {}
        for (n, t), v in zip(head, f):
            if t == "token_seq":
                toks = v.split(" ") if v else []
                assert all(toks), (p, n, v)  # no empty token
                r[n] = toks
            elif t == "float":
                r[n] = float(v) if v else None
            else:
                r[n] = v
        rows.append(r)
    out[suf] = rows
print(json.dumps(out, sort_keys=True))
PY

o="$T/rb/ml100k-seq"
check_exit 0 "ml-100k --format recbole --split seq" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" \
  -o "$o" --format recbole --split seq -q
check "RecBole files are named after the output directory" test -f "$o/ml100k-seq.train.inter"
check_not "no file is named after the dataset family" sh -c 'ls "$1" | grep -q "^movielens\."' sh "$o"
python3 "$T/recbole_load.py" "$T/rb" ml100k-seq >"$T/rb.json" 2>"$T/rb.err"
check_eq "RecBole loader rules accept every file" "$?" 0
check "token_seq genres split into their genre tokens" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
items={r["item_id"]:r for r in d["item"]}
assert items["302"]["genres"]==["Crime","Film-Noir","Mystery","Thriller"], items["302"]
assert items["302"]["title"]==["L.A.","Confidential","(1997)"], items["302"]  # blanks collapse
assert items["377"]["title"]==["Misérables,","Les","(1995)"], items["377"]
assert set(d)=={"item","user","train.inter","valid.inter","test.inter"}, sorted(d)
users={r["user_id"]:r for r in d["user"]}
assert sorted(users)==["186","196","22"], users  # the surviving users only (999 has no rows)
assert users["186"]=={"user_id":"186","age":"39","gender":"F","occupation":"other","zip_code":"00000"}, users["186"]
assert d["test.inter"]==[{"user_id":"196","item_id":"302","rating":4.0,"timestamp":881250949.0},
  {"user_id":"186","item_id":"377","rating":4.0,"timestamp":891717800.0}], d["test.inter"]
' "$T/rb.json"
check_grep "the .user header types every column" "^user_id:token	age:token	gender:token	occupation:token	zip_code:token$" "$o/ml100k-seq.user"

# two variants of one family side by side under one data_path, each loadable by its name
o2="$T/rb/movielens-ml-1m"
check_exit 0 "ml-1m --format tsv,recbole --remap" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m/ratings.dat" \
  -o "$o2" --format tsv,recbole --remap -q
python3 "$T/recbole_load.py" "$T/rb" movielens-ml-1m >"$T/rb1.json" 2>"$T/rb1.err"
check_eq "a second variant loads beside the first" "$?" 0
check "ml-1m: list genres and remapped .item/.user ids" python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
items={r["item_id"]:r for r in d["item"]}
imap=dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]).readlines()[1:])
umap=dict(l.rstrip("\n").split("\t") for l in open(sys.argv[3]).readlines()[1:])
assert items[imap["661"]]["genres"]==["Animation","Children'"'"'s","Film_Noir"], items
assert items[imap["1193"]]["genres"]==["Drama"], items
users={r["user_id"]:r for r in d["user"]}
assert users[umap["2"]]["age"]=="56", users
assert {r["user_id"] for r in d["inter"]}==set(users), d["inter"]
' "$T/rb1.json" "$o2/item_map.tsv" "$o2/user_map.tsv"
check_grep "items.tsv keeps the source genres" "^661	James and the Giant Peach (1996)	Animation|Children's|Film Noir$" "$o2/items.tsv"
o3="$T/rb/slash"
check_exit 0 "-o DIR/ with a trailing slash" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m/ratings.dat" \
  -o "$o3/" --format recbole -q
check "a trailing slash does not change the name" test -f "$o3/slash.inter"

# ---- sasrec: an export never renumbers another output ----
a="$T/sas-tsv"
b="$T/sas-both"
check_exit 0 "--format tsv --split seq" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$a" --split seq -q
check_exit 0 "--format tsv,sasrec --split seq" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" \
  -o "$b" --split seq --format tsv,sasrec -q
for f in train.tsv valid.tsv test.tsv items.tsv users.tsv; do
  check_same "sasrec leaves $f as without it" "$b/$f" "$a/$f"
done
check_not "no user_map.tsv without --remap" test -e "$b/user_map.tsv"
check "the sasrec file joined through its maps gives the interactions back" python3 -c '
import sys
d=sys.argv[1]
def m(f): return {v:k for k,v in (l.rstrip("\n").split("\t") for l in open(d+"/"+f).readlines()[1:])}
um,im=m("sasrec_user_map.tsv"),m("sasrec_item_map.tsv")
got=[(um[u],im[i]) for u,i in (l.split() for l in open(d+"/sas-both.txt"))]
rows=[]
for f in ("train.tsv","valid.tsv","test.tsv"):
    rows+= [tuple(l.split("\t")[:2]) for l in open(d+"/"+f).readlines()[1:]]
assert sorted(got)==sorted(rows), (got,rows)
nums=[int(l.split()[0]) for l in open(d+"/sas-both.txt")]
assert nums==sorted(nums) and nums[0]==1, nums
' "$b"
check "manifest: the sasrec file names its maps, the others none" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
o={x["file"]:x for x in m["outputs"]}
assert o["sas-both.txt"]["user_map"]=="sasrec_user_map.tsv" and o["sas-both.txt"]["item_map"]=="sasrec_item_map.tsv", o["sas-both.txt"]
assert "user_map" not in o["train.tsv"], o["train.tsv"]
assert "remap" not in m.get("stages",{}), m.get("stages")
' "$b/manifest.json"
c="$T/sas-remap"
check_exit 0 "--format tsv,sasrec --remap" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" \
  -o "$c" --split seq --format tsv,sasrec --remap -q
check "under --remap every renumbered file names user_map.tsv" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
o={x["file"]:x for x in m["outputs"]}
for f in ("train.tsv","valid.tsv","test.tsv","sas-remap.txt"):
    assert o[f]["user_map"]=="user_map.tsv" and o[f]["item_map"]=="item_map.tsv", o[f]
assert "user_map" not in o["items.tsv"], o["items.tsv"]
' "$c/manifest.json"
check_not "under --remap no separate sasrec maps" test -e "$c/sasrec_user_map.tsv"

# ---- manifest.json: the global options and every output's columns ----
R="$T/recipes"
mkdir -p "$R" "$T/mirror/example.org/x"
printf 'a\t1\t5\t100\nb\t2\t3\t200\na\t2\t4\t300\nb\t1\t2\t400\na\t3\t1\t500\n' >"$T/mirror/example.org/x/r.tsv"
sum=$(sha256sum "$T/mirror/example.org/x/r.tsv" | cut -d' ' -f1)
cat >"$R/toy.json" <<JSON
{
  "schema": 1, "dataset": "toy", "title": "toy", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "v",
  "variants": {
    "v": {
      "description": "four columns",
      "files": [{"name": "r.tsv", "url": "https://example.org/x/r.tsv", "sha256": "$sum"}],
      "interactions": {"path": "r.tsv", "format": "delimited", "delimiter": "\t", "header": false,
        "columns": ["u", "i", "r", "t"], "time": "unix_s", "fields": {"user_id": "u", "item_id": "i", "rating": "r", "timestamp": "t"}}
    }
  }
}
JSON
o="$T/toy-out"
check_exit 0 "convert through --recipes, --data-dir and --mirror" "$L4R" --recipes "$R" convert toy --data-dir "$T/dd" \
  --mirror "file://$T/mirror" -o "$o" --split seq --format tsv,recbole,sasrec,jsonl,sequences --remap -q
check "manifest: options records --recipes, --data-dir and the mirror" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
o=m["options"]
assert o["recipes"]==sys.argv[2]+"/toy.json", o
assert o["data_dir"]==sys.argv[3], o
assert o["mirror"]=="file://"+sys.argv[4], o
assert set(o)=={"recipes","data_dir","mirror","lock"}, o
' "$o/manifest.json" "$R" "$T/dd" "$T/mirror"
check "manifest: every output has typed columns matching its header" python3 -c '
import json,sys,os
d=sys.argv[1]
m=json.load(open(d+"/manifest.json"))
seen=set()
for x in m["outputs"]:
    f=x["file"]; cols=x["columns"]; seen.add(f)
    names=[c["name"] for c in cols]
    for c in cols:
        assert c["type"] in ("string","int64","float64","list<string>","list<int64>"), c
    if f.endswith(".tsv"):
        assert names==open(os.path.join(d,f)).readline().rstrip("\n").split("\t"), (f,names)
    if f.endswith(".inter"):
        assert names==[h.split(":")[0] for h in open(os.path.join(d,f)).readline().rstrip("\n").split("\t")], (f,names)
    if f.endswith(".jsonl"):
        for l in open(os.path.join(d,f)):
            assert list(json.loads(l))==names, (f,names)
types={(x["file"],c["name"]):c["type"] for x in m["outputs"] for c in x["columns"]}
assert types[("train.tsv","user_id")]=="int64" and types[("train.tsv","rating")]=="float64", types  # --remap
assert types[("train.tsv","timestamp")]=="int64" and types[("toy-out.txt","item_id")]=="int64", types
assert types[("user_map.tsv","original_id")]=="string" and types[("sequences.tsv","item_ids")]=="list<int64>", types
assert types[("train.jsonl","history_item_ids")]=="list<string>", types
assert {"train.tsv","toy-out.train.inter","toy-out.txt","train.jsonl","sequences.tsv","user_map.tsv"}<=seen, seen
' "$o"
o="$T/toy-raw"
check_exit 0 "--raw: no data directory, mirror or lock used" "$L4R" --recipes "$R" convert toy \
  --raw "$T/mirror/example.org/x/r.tsv" -o "$o" -q
check "manifest: --raw records options as null, and no timestamp is nullable" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
assert m["options"]["data_dir"] is None and m["options"]["mirror"] is None, m["options"]
c=m["outputs"][0]["columns"]
assert c==[{"name":"user_id","type":"string"},{"name":"item_id","type":"string"},{"name":"rating","type":"float64"},{"name":"timestamp","type":"int64"}], c
' "$o/manifest.json"

# ---- Amazon 2018 meta: "clean": "html" on title, brand, main_cat, category, description, feature ----
A="$T/a18"
mkdir -p "$A"
"$GEN" amazon 2018 reviews --lines 800 --gzip -o "$A/All_Beauty_5.json.gz" || fail "generate 2018 reviews"
"$GEN" amazon 2018 meta --lines 300 --gzip -o "$A/meta_All_Beauty.json.gz" || fail "generate 2018 meta"
check_exit 0 "2018 All_Beauty_5 with its meta" "$L4R" convert amazon --variant 2018/All_Beauty_5 --raw "$A" -o "$T/a18o" -q
# the traps (tests/gen/gen_amazon.c), exactly; read as TSV with RFC 4180 quotes allowed
cat >"$T/html_check.py" <<'PY'
import csv, gzip, html, json, re, sys
meta, items_tsv, manifest = sys.argv[1:4]
rows = list(csv.reader(open(items_tsv, encoding="utf-8", newline=""), delimiter="\t"))
head = rows[0]
items = {r[0]: dict(zip(head, r)) for r in rows[1:]}
recs = [json.loads(l) for l in gzip.open(meta, "rt", encoding="utf-8")]
want = ["Kolya's Weekly",
        "Caf\u00e9 \u2013 Tea & Co \"Best\" Edition '24 'n' <More>",
        "Tom &amp; Jerry <3 &bogus; & A<B"]
for rec, w in zip(recs, want):
    assert items[rec["asin"]]["title"] == w, (items[rec["asin"]]["title"], w)
# every cleaned field as an independent cleaner gives it, and the count of records it changed
def plain(s):
    s = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", s)
    s = re.sub(r"<!--.*?-->|</?[A-Za-z][^>]*>", " ", s)
    s = html.unescape(s).replace("\u00a0", " ")
    return " ".join(s.split())
def text(v, sep):
    return sep.join(v) if isinstance(v, list) else (v or "")
fields = {"title": None, "brand": None, "main_cat": None, "category": "|", "description": " ", "feature": "|"}
changed, seen = 0, set()
for rec in recs:
    raw = {f: text(rec.get(f), s or "") for f, s in fields.items()}
    raw = {f: " ".join(v.replace("\t", " ").replace("\r", " ").replace("\n", " ").split(" ")) for f, v in raw.items()}
    clean = {f: plain(v) for f, v in raw.items()}
    changed += any(clean[f] != raw[f] for f in fields)
    if rec["asin"] in seen:
        continue
    seen.add(rec["asin"])
    for f in fields:
        assert items[rec["asin"]][f] == clean[f], (rec["asin"], f, items[rec["asin"]][f], clean[f])
m = json.load(open(manifest))
assert m["inputs"]["items"]["html_cleaned"] == changed, (m["inputs"]["items"], changed)
assert changed > 3, changed
PY
check "2018 meta: markup stripped, entities decoded once, counted in the manifest" \
  python3 "$T/html_check.py" "$A/meta_All_Beauty.json.gz" "$T/a18o/items.tsv" "$T/a18o/manifest.json"
# the option is validated: only "html", only in items and users tables
mkdir -p "$T/badr"
cat >"$T/badr/toy.json" <<'JSON'
{
  "schema": 1, "dataset": "toy", "title": "toy", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "v",
  "variants": {
    "v": {
      "description": "bad clean",
      "files": [{"name": "r.tsv", "url": "https://example.org/x/r.tsv"}],
      "interactions": {"path": "r.tsv", "format": "delimited", "delimiter": "\t", "header": false,
        "columns": ["u", "i"], "fields": {"user_id": "u", "item_id": "i"}},
      "items": {"path": "i.tsv", "format": "delimited", "delimiter": "\t", "header": false,
        "columns": ["i", "t"], "fields": {"item_id": "i", "title": {"column": "t", "clean": "text"}}}
    }
  }
}
JSON
check_exit 6 "\"clean\": an unknown value is a recipe error" "$L4R" --recipes "$T/badr" info toy
check_grep "naming the JSON path and the values" "clean" "$T/.err"

# ---- stats: density from distinct pairs, the duplicate rate, --plot ----
S="$T/st"
mkdir -p "$S"
# u1 rates i1 twice: 4 rows, 3 distinct pairs, 2 users x 2 items; three months; histories 3 and 1
printf 'user_id\titem_id\trating\ttimestamp\nu1\ti1\t5\t1577836800\nu1\ti1\t4\t1580515200\nu1\ti2\t3\t1583020800\nu2\ti1\t5\t1583020900\n' >"$S/d.tsv"
check_exit 0 "stats --plot" "$L4R" stats "$S/d.tsv" --plot "$S/p.svg"
check_grep "stats: density from distinct pairs (3 / 4)" "^density	0.75$" "$T/.out"
check_grep "stats: the distinct pairs" "^distinct_pairs	3$" "$T/.out"
check_grep "stats: the duplicate rate (1 of 4 rows)" "^duplicate_pair_share	0.25$" "$T/.out"
check_exit 0 "stats --json" "$L4R" stats "$S/d.tsv" --json
check_grep "stats --json: distinct pairs and density" '"distinct_pairs":3,"density":0.75,' "$T/.out"
cat >"$T/svg_check.py" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
bars = [r for r in root.iter(ns + "rect") if r.get("class") == "bar"]
want = int(sys.argv[2])
assert len(bars) == want, (len(bars), want)
titles = [b.find(ns + "title").text for b in bars]
if len(sys.argv) > 3:
    assert titles == sys.argv[3].split(";"), titles
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
for w in sys.argv[4:]:
    assert w in texts, (w, texts)
for el in root.iter():  # self-contained: no script, no external reference
    assert el.tag not in (ns + "script", ns + "image", ns + "foreignObject"), el.tag
    for k, v in el.attrib.items():
        assert "href" not in k and "url(" not in v, (k, v)
PY
check "--plot: well-formed SVG, 2 history bins + 3 months, counts in the bar titles" python3 "$T/svg_check.py" \
  "$S/p.svg" 5 "1: 1;2-3: 1;2020-01: 1;2020-02: 1;2020-03: 2" "History length" "users" "2020-03" "month (UTC)"
# a source without time: only the history plot, with a note
printf 'user_id\titem_id\trating\ttimestamp\na\t1\t5\t\na\t2\t5\t\nb\t1\t4\t\n' >"$S/tl.tsv"
check_exit 0 "stats --plot without time" "$L4R" stats "$S/tl.tsv" --plot "$S/tl.svg"
check "--plot without time: the history bars and a note" python3 "$T/svg_check.py" "$S/tl.svg" 2 "1: 1;2-3: 1" "no timestamps"
check_exit 8 "--plot into a missing directory: an I/O error (exit 8)" "$L4R" stats "$S/d.tsv" --plot "$S/no/such/p.svg"
# it renders: a headless Chromium screenshot that is not one colour
cat >"$T/png_colours.py" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(d):
    n, t = struct.unpack(">I4s", d[pos:pos + 8])
    body = d[pos + 8:pos + 8 + n]
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif t == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 7):
        colours.add(bytes(line[x:x + 3]))
    prev = line
print(len(colours))
PY
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ]; then
  prof=$(mktemp -d "$T/chrome.XXXXXX")
  (cd "$S" && timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" --window-size=760,600 \
    --screenshot="$S/p.png" "file://$S/p.svg" >/dev/null 2>&1)
  check "--plot: Chromium renders it to a PNG" test -s "$S/p.png"
  n=$(python3 "$T/png_colours.py" "$S/p.png" 2>/dev/null || echo 0)
  if [ "$n" -gt 2 ]; then pass "--plot: the screenshot is not blank ($n colours)"; else fail "--plot: the screenshot is blank ($n colours)"; fi
else
  echo "NOTE $_name: no chromium here, so --plot was checked as XML only (CI installs it: .ci/run)" >&2
fi
