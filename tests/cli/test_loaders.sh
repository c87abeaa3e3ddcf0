# CLI tests: the TSV contract (docs/FORMAT.md) against the real loaders.  A trap-filled source
# (ids with quotes and leading zeros, titles that start with a quote, hold an unbalanced one,
# backslashes, NA/null/None, non-ASCII, empty fields, a TAB) goes through every output path:
# streamed (--split none, -j 1 and -j 2), the table path (--split seq) with RecBole and JSONL,
# and --remap's maps; plus a real-shape ml-latest-small with its real title 11'09"01.  First
# every output is checked against the source (python's csv module reads both), then
# tests/loaders/check.py loads every file with pandas (and as RecBole reads it), Polars and
# DuckDB, and compares every value.
. "$(dirname "$0")/../lib.sh"

if ! node -e "require('$TOP/bench/node_modules/nodejs-polars'); require('$TOP/bench/node_modules/@duckdb/node-api')" 2>/dev/null; then
  fail "Polars and DuckDB for node are missing: run scripts/test-deps.sh (npm install in bench/)"
  exit 1
fi
PANDAS_PY=${L4R_PANDAS_PYTHON:-/usr/bin/python3} # Debian's python3-pandas
check "python3-pandas is installed ($PANDAS_PY)" "$PANDAS_PY" -c "import pandas"

R="$T/recipes"; S="$T/src"
mkdir -p "$R" "$S"
python3 - "$R" "$S" <<'PY'
import csv, json, sys
r, s = sys.argv[1:]
recipe = {
    "schema": 1, "dataset": "traps", "title": "Loader traps (test fixture)",
    "homepage": "https://example.org/traps", "license": "test fixture",
    "default_variant": "v1",
    "variants": {"v1": {
        "description": "interactions, items and users full of quoting traps",
        "files": [{"url": "https://example.org/traps/inter.csv"},
                  {"url": "https://example.org/traps/items.csv"},
                  {"url": "https://example.org/traps/users.csv"}],
        "interactions": {"path": "inter.csv", "format": "csv", "header": True,
                         "columns": ["user", "item", "rating", "time"],
                         "fields": {"user_id": "user", "item_id": "item", "rating": "rating",
                                    "timestamp": "time"}, "time": "unix_s"},
        "items": {"path": "items.csv", "format": "csv", "header": True,
                  "columns": ["item", "title", "genre", "note"],
                  "fields": {"item_id": "item", "title": "title", "genre": "genre", "note": "note"}},
        "users": {"path": "users.csv", "format": "csv", "header": True,
                  "columns": ["user", "name"], "fields": {"user_id": "user", "name": "name"}},
    }},
}
json.dump(recipe, open(f"{r}/traps.json", "w"), indent=1)
users = ['u"1', "0007", "NA", "None", "null", "ünï", "back\\slash", '"lead', "u 9", "=1+1"]
items = ["0000013714", "000001371X", 'B00"Q', "1e5", "00123", "NaN", "#hash", "B0'7"]
titles = ["11'09\"01 - September 11 (2002)", '"Quoted" start', 'unbalanced " here', "NA",
          "null", "None", "C:\\path\\to\\x", '\\"escaped\\"']
genres = ["Drama|War", "", "a\tb", "café 日本語", "'single'", '"', "  padded  ", "N/A"]
notes = ["", "", "line\nbreak", "", "x", "", "", "#N/A"]
with open(f"{s}/items.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["item", "title", "genre", "note"])
    for row in zip(items, titles, genres, notes):
        w.writerow(row)
with open(f"{s}/users.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["user", "name"])
    for k, u in enumerate(users):
        w.writerow([u, ["Ann \"A\" B", "", "NULL", "na", "Émile", "x\\y"][k % 6]])
with open(f"{s}/inter.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["user", "item", "rating", "time"])
    t = 1000000000
    for k in range(60):
        u, i = users[k % len(users)], items[(k * 3) % len(items)]
        w.writerow([u, i, ["4.0", "5", "3.5", "1"][k % 4], t + 7919 * ((k * 37) % 60)])
PY
check "the trap fixture is written" test -s "$S/inter.csv"

run() { "$L4R" convert traps --recipes "$R" --raw "$S" -q "$@"; }
check_exit 0 "stream, -j 1" run -o "$T/o/stream1" -j 1
check_exit 0 "stream, -j 2" run -o "$T/o/stream2" -j 2
check_same "stream: -j 1 and -j 2 write the same bytes" "$T/o/stream1/interactions.tsv" "$T/o/stream2/interactions.tsv"
check_exit 0 "seq split with recbole and jsonl" run -o "$T/o/seq" --split seq --format tsv,recbole,jsonl
check_exit 0 "--remap" run -o "$T/o/remap" --remap
check_exit 0 "--min-rating 1 (the table path, --split none)" run -o "$T/o/table" --min-rating 1

python3 - "$S" "$T/o" <<'PY'
import csv, json, sys
from l4r_expect import clean
s, o = sys.argv[1:]
NAME = "test_loaders.sh"
def fact(what, ok):
    print(("PASS " if ok else "FAIL ") + NAME + ": " + what)
def strict(p):
    with open(p, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", strict=True))
def src(p):
    with open(p, encoding="utf-8", newline="") as f:
        return [[clean(v) for v in r] for r in csv.reader(f)]
inter, items, users = src(f"{s}/inter.csv"), src(f"{s}/items.csv"), src(f"{s}/users.csv")
want = [["user_id", "item_id", "rating", "timestamp"]] + inter[1:]
for d in ("stream1", "table"):
    got = strict(f"{o}/{d}/interactions.tsv")
    fact(f"{d}: interactions.tsv reads back as the source, row for row", got == want)
fact("items.tsv reads back as items.csv (TAB and line break as spaces)",
     strict(f"{o}/stream1/items.tsv") == [["item_id", "title", "genre", "note"]] + items[1:])
fact("users.tsv reads back as users.csv", strict(f"{o}/stream1/users.tsv") == [["user_id", "name"]] + users[1:])
split = sorted(tuple(r) for n in ("train", "valid", "test") for r in strict(f"{o}/seq/{n}.tsv")[1:])
fact("seq: train + valid + test are the source's rows", split == sorted(tuple(r) for r in inter[1:]))
um = strict(f"{o}/remap/user_map.tsv")
fact("user_map.tsv: every original id back exactly", sorted(r[0] for r in um[1:]) == sorted({r[0] for r in inter[1:]}))
im = strict(f"{o}/remap/item_map.tsv")
fact("item_map.tsv: every original id back exactly", sorted(r[0] for r in im[1:]) == sorted({r[1] for r in inter[1:]}))
titles = {r[0]: r[1] for r in items[1:]}
ok = True
for line in open(f"{o}/seq/train.jsonl", encoding="utf-8"):
    x = json.loads(line)
    ok &= x["target_title"] == (titles.get(x["target_item_id"]) or None)
    ok &= x["user_id"] in {r[0] for r in inter[1:]}
fact("train.jsonl: raw ids and titles (JSON-escaped, not TSV-quoted)", ok)
raw = open(f"{o}/stream1/items.tsv", encoding="utf-8").read()
fact("a field with a quote is RFC 4180-quoted", "\t\"11'09\"\"01 - September 11 (2002)\"\t" in raw)
fact("a field without a quote is not", "\nNaN\tNone\t\"\"\"\"\t\n" in raw and "\tC:\\path\\to\\x\t" in raw)
PY

# real shape: ml-latest-small from l4r-gen, with the real title in movies.csv
check_exit 0 "generate ml-latest-small" "$GEN" movielens ml-latest-small "$T/ml"
python3 - "$T/ml" <<'PY'
import os, sys, zipfile
d = sys.argv[1]
z = [f for f in os.listdir(d) if f.endswith(".zip")][0]
src = zipfile.ZipFile(f"{d}/{z}")
out = zipfile.ZipFile(f"{d}/new.zip", "w", zipfile.ZIP_DEFLATED)
for info in src.infolist():
    data = src.read(info.filename)
    if info.filename.endswith("/movies.csv"):
        lines = data.decode("utf-8").split("\n")
        first = lines[1].split(",", 1)[0]
        # the real line's quoting: the title's quote doubled inside a quoted field
        lines[1] = first + ',"11\'09""01 - September 11 (2002)",Drama'
        data = "\n".join(lines).encode("utf-8")
    out.writestr(info, data)
out.close()
os.replace(f"{d}/new.zip", f"{d}/{z}")
PY
ZIP=$(ls "$T/ml"/*.zip)
check_exit 0 "convert ml-latest-small" "$L4R" convert movielens --variant ml-latest-small --raw "$ZIP" -o "$T/o/mls" -q --split seq --format tsv,recbole
check_grep "the real title is quoted in items.tsv" "\"11'09\"\"01 - September 11 (2002)\"" "$T/o/mls/items.tsv"

L4R_TEST_NAME=test_loaders.sh "$PANDAS_PY" "$HERE/loaders/check.py" "$T/o/stream1" "$T/o/seq" "$T/o/remap" "$T/o/table" "$T/o/mls"
