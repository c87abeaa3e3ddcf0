# CLI tests: the amazon-m2 recipe on l4r-gen's KDD Cup 2023 files (sessions_train.csv with a numpy
# array repr in a quoted CSV field, wrapped by numpy across lines; three test files without
# next_item; products_train.csv with one row per (id, locale), multilingual quoted text with commas,
# quotes, line breaks and TABs).  Every variant is converted and compared with python's csv reading
# of the fixture (the session's first line as user, prev_items in order then next_item, no time);
# -j 1 and -j 3 write the same bytes; the seq split holds out next_item; the all-locale variants key
# an item by id and locale ("B09W9FND7K|DE", a concat field), the per-locale ones by the id;
# sessions.tsv and products.tsv;
# zipped and plain inputs on --raw; the manual download (exit 9 naming the page and the files),
# fetch --from, and fetched = --raw.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate the five CSV files" "$GEN" amazon-m2 "$F" --lines 3000
check_exit 0 "generator: same arguments again" "$GEN" amazon-m2 "$T/fx2" --lines 3000
for f in sessions_train.csv sessions_test_task1.csv sessions_test_task2.csv sessions_test_task3.csv products_train.csv; do
  check_same "generator is deterministic: $f" "$F/$f" "$T/fx2/$f"
done
check_eq "fixture: datasets.md's two session lines come first, verbatim" "$(sed -n 1,3p "$F/sessions_train.csv")" \
  "$(printf '%s\n%s\n%s' 'prev_items,next_item,locale' "\"['B09W9FND7K' 'B09JSPLN1M']\",B09M7GY217,DE" \
    "\"['B09W9FND7K' 'B09JSPLN1M']\",B076THCGSG,UK")"
check_eq "fixture: the products header of datasets.md" "$(head -1 "$F/products_train.csv")" \
  "id,locale,title,price,brand,color,size,model,material,author,desc"
check_eq "fixture: the test files have no next_item" "$(head -qn1 "$F"/sessions_test_task*.csv | sort -u)" "prev_items,locale"

# The independent reading: python's csv module, numpy's repr taken apart by hand.
python3 - "$F" "$T/want" <<'PY'
import csv, os, re, sys
from l4r_expect import write_tsv as write
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
LOCS = ["DE", "JP", "UK", "ES", "FR", "IT"]
facts = {}
def fact(k, v):
    facts[k] = v
def text(s):
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def sessions(name):
    rows = []
    with open(f"{src}/{name}", newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = next(rd)
        last = rd.line_num
        for r in rd:
            d = dict(zip(header, r))
            p = d["prev_items"]
            assert p.startswith("[") and p.endswith("]") and "," not in p, p
            items = [t.strip("'") for t in p[1:-1].split()]
            assert all(re.fullmatch(r"[0-9A-Z]{9}[0-9A-Z]", t) for t in items), p
            rows.append((last + 1, items, d.get("next_item"), d["locale"], p))
            last = rd.line_num
    return header, rows
with open(f"{src}/products_train.csv", newline="", encoding="utf-8") as f:
    rd = csv.reader(f)
    pheader = next(rd)
    products = [dict(zip(pheader, r)) for r in rd]
COLS = ["title", "locale", "price", "brand", "color", "size", "model", "material", "author", "desc"]
def items_of(prods):
    seen, rows = set(), []
    for p in prods:
        if p["id"] not in seen:
            seen.add(p["id"])
            rows.append([p["id"]] + [text(p[c]) for c in COLS])
    return rows
IH = ["item_id"] + COLS
# the all-locale variants: an item is (id, locale), written "id|locale"; product_id keeps the id
KCOLS = ["title", "product_id"] + COLS[1:]
def items_by_locale(prods):
    seen, rows = set(), []
    for p in prods:
        k = p["id"] + "|" + p["locale"]
        if k not in seen:
            seen.add(k)
            rows.append([k, text(p["title"]), p["id"]] + [text(p[c]) for c in COLS[1:]])
    return rows
KH = ["item_id"] + KCOLS
def seq(inter):
    by, order = {}, []
    for u, i in inter:
        if u not in by:
            by[u] = []
            order.append(u)
        by[u].append(i)
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        r = by[u]
        if len(r) < 3:
            parts["train"] += [(u, i) for i in r]
        else:
            parts["train"] += [(u, i) for i in r[:-2]]
            parts["valid"].append((u, r[-2]))
            parts["test"].append((u, r[-1]))
    return parts
H = ["user_id", "item_id", "rating", "timestamp"]
def emit(variant, name, loc):
    d = f"{out}/{variant.replace('/', '-')}"
    os.makedirs(d)
    header, rows = sessions(name)
    train = "next_item" in header
    keep = [r for r in rows if loc is None or r[3] == loc]
    key = (lambda i, l: i) if loc else (lambda i, l: i + "|" + l)  # the session's locale
    inter = [(str(line), key(i, l)) for line, items, nxt, l, p in keep for i in items + ([nxt] if train else [])]
    write(f"{d}/interactions.tsv", H, [[u, i, "1", ""] for u, i in inter])
    prods = [p for p in products if loc is None or p["locale"] == loc]
    if loc:
        write(f"{d}/items.tsv", IH, items_of(prods))
    else:
        write(f"{d}/items.tsv", KH, items_by_locale(prods))
    if loc is None:
        sh = ["user_id", "locale"] + (["next_item"] if train else [])
        write(f"{d}/sessions.tsv", sh, [[str(r[0]), r[3]] + ([r[2]] if train else []) for r in rows])
        write(f"{d}/products.tsv", IH, [[p["id"]] + [text(p[c]) for c in COLS] for p in products])
        with open(f"{d}/dups", "w") as f:
            f.write("%d\n" % (len(products) - len({(p["id"], p["locale"]) for p in products})))
    else:
        with open(f"{d}/filtered", "w") as f:
            f.write("%d %d\n" % (len(products) - len(prods),
                                 sum(len(r[1]) + (1 if train else 0) for r in rows if r[3] != loc)))
    if variant == "train":
        for k, v in seq(inter).items():
            write(f"{d}/{k}.tsv", H, [[u, i, "1", ""] for u, i in v])
        # the next_item of every session long enough for a test item, keyed by its user
        write(f"{d}/next.tsv", ["user_id", "item_id"],
              [[str(r[0]), r[2] + "|" + r[3]] for r in rows if len(r[1]) + 1 >= 3])
        fact("wrapped", sum(1 for r in rows if "\n " in r[4]))
        fact("one_prev", sum(1 for r in rows if len(r[1]) == 1))
        fact("repeats", sum(1 for r in rows if len(set(r[1])) < len(r[1])))
        fact("sessions", len(rows))
    return header
variants = [("train", "sessions_train.csv", None)]
variants += [(f"train/{l}", "sessions_train.csv", l) for l in LOCS]
variants += [(f"task{t}", f"sessions_test_task{t}.csv", None) for t in (1, 2, 3)]
variants += [(f"task1/{l}", "sessions_test_task1.csv", l) for l in ("DE", "JP", "UK")]
variants += [(f"task2/{l}", "sessions_test_task2.csv", l) for l in ("ES", "FR", "IT")]
for v in variants:
    emit(*v)
with open(f"{out}/variants", "w") as f:
    f.write(" ".join(v[0] for v in variants) + "\n")
ids = {}
for p in products:
    ids.setdefault(p["id"], set()).add(p["locale"])
multi = [i for i, l in ids.items() if len(l) > 1]
fact("multi_locale_ids", len(multi))
fact("multi_locale_titles_differ", sum(1 for i in multi if len({p["title"] for p in products if p["id"] == i}) > 1))
fact("desc_newline", sum(1 for p in products if "\n" in p["desc"]))
fact("desc_tab", sum(1 for p in products if "\t" in p["desc"]))
fact("quote", sum(1 for p in products if '"' in p["title"] + p["desc"]))
fact("comma_size", sum(1 for p in products if "," in p["size"]))
fact("isbn", sum(1 for i in ids if i[0].isdigit()))
fact("japanese", sum(1 for p in products if p["locale"] == "JP" and any(ord(c) > 0x3000 for c in p["title"])))
fact("empty_brand", sum(1 for p in products if p["brand"] == ""))
_, t1 = sessions("sessions_test_task1.csv")
_, t2 = sessions("sessions_test_task2.csv")
fact("task_locales", ",".join(sorted({r[3] for r in t1})) + "/" + ",".join(sorted({r[3] for r in t2})))
with open(f"{out}/facts", "w") as f:
    for k, v in facts.items():
        f.write(f"{k} {v}\n")
PY
fact() { awk -v k="$1" '$1 == k { print $2 }' "$T/want/facts"; }
check "fixture: sessions numpy wrapped over several lines" test "$(fact wrapped)" -gt 20
check "fixture: sessions of one prev item" test "$(fact one_prev)" -gt 50
check "fixture: sessions that view a product twice" test "$(fact repeats)" -gt 20
check "fixture: product ids with rows in several locales" test "$(fact multi_locale_ids)" -gt 50
check "fixture: ... whose titles differ by locale" test "$(fact multi_locale_titles_differ)" -gt 20
check "fixture: descriptions with line breaks" test "$(fact desc_newline)" -gt 20
check "fixture: descriptions with a TAB" test "$(fact desc_tab)" -gt 0
check "fixture: quotes in titles or descriptions" test "$(fact quote)" -gt 5
check "fixture: commas in sizes (10,5 cm)" test "$(fact comma_size)" -gt 5
check "fixture: ISBN ids (books)" test "$(fact isbn)" -gt 5
check "fixture: Japanese titles" test "$(fact japanese)" -gt 5
check "fixture: empty attributes" test "$(fact empty_brand)" -gt 5
check_eq "fixture: task1 is DE, JP, UK and task2 ES, FR, IT" "$(fact task_locales)" "DE,JP,UK/ES,FR,IT"

m2() { "$L4R" convert amazon-m2 "$@"; }
n=0
for v in $(cat "$T/want/variants"); do
  d=$(echo "$v" | tr / -)
  W="$T/want/$d"
  for j in 1 3; do
    check_exit 0 "$v --raw DIR -j $j" m2 --variant "$v" --raw "$F" -o "$T/$d-$j" -q -j "$j" --block-size 4096
  done
  for f in interactions items; do
    check_same "$v $f.tsv" "$T/$d-1/$f.tsv" "$W/$f.tsv"
    check_same "$v $f.tsv: -j 1 = -j 3" "$T/$d-1/$f.tsv" "$T/$d-3/$f.tsv"
  done
  case "$v" in
  */*)
    check "$v: no sessions.tsv (one locale: nothing to join)" test ! -e "$T/$d-1/sessions.tsv"
    read pf sf <"$W/filtered"
    check_eq "$v: the other locales' products counted as filtered out" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["items"]["filtered_out"])' "$T/$d-1/manifest.json")" "$pf"
    check_eq "$v: ... and their session elements" \
      "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["interactions"]["filtered_out"])' "$T/$d-1/manifest.json")" "$sf"
    ;;
  *)
    check_same "$v sessions.tsv: every session's line and locale" "$T/$d-1/sessions.tsv" "$W/sessions.tsv"
    check_same "$v sessions.tsv: -j 1 = -j 3" "$T/$d-1/sessions.tsv" "$T/$d-3/sessions.tsv"
    check "$v: products.tsv only with --with" test ! -e "$T/$d-1/products.tsv"
    check_eq "$v: the fixture's (id, locale) pairs are unique" "$(cat "$W/dups")" 0
    check "$v: no duplicate item ids skipped (an item is an id and a locale)" \
      python3 -c 'import json,sys; assert "duplicate_ids_skipped" not in (json.load(open(sys.argv[1])).get("items") or {})' "$T/$d-1/manifest.json"
    ;;
  esac
  n=$((n + 1))
done
check_eq "16 variants converted" "$n" 16
check_exit 0 "list names the 16 variants" "$L4R" list
check_eq "list: 16 amazon-m2 rows" "$(grep -c '^amazon-m2	' "$T/.out")" 16
check_grep "list: train is the default" "$(printf 'amazon-m2\ttrain\t\\*')" "$T/.out"

W="$T/want/train"
check_exit 0 "train --with products" m2 --raw "$F" -o "$T/wp" -q --with products
check_same "products.tsv: every (id, locale) row, text with TAB and line breaks as spaces" "$T/wp/products.tsv" "$W/products.tsv"
check_eq "the believed first real row: user 2, two items then next_item" "$(sed -n 2,4p "$T/train-1/interactions.tsv" | cut -f1,2 | tr '\t\n' ' ')" \
  "2 B09W9FND7K|DE 2 B09JSPLN1M|DE 2 B09M7GY217|DE "
check_eq "the fixture row: user 3, next_item B076THCGSG" "$(sed -n 7p "$T/train-1/interactions.tsv")" "$(printf '3\tB076THCGSG|UK\t1\t')"
check_eq "the same product in a UK session: its UK item" "$(sed -n 5p "$T/train-1/interactions.tsv" | cut -f1,2)" "$(printf '3\tB09W9FND7K|UK')"
check_eq "no timestamp on any row" "$(cut -f4 "$T/train-1/interactions.tsv" | sort -u | tr '\n' ' ')" " timestamp "
check_eq "B09W9FND7K (DE and UK rows, titles differ): two items in train's items.tsv" \
  "$(awk -F'\t' '$3 == "B09W9FND7K" { print $1 "=" $4 }' "$T/train-1/items.tsv" | tr '\n' ' ')" "B09W9FND7K|DE=DE B09W9FND7K|UK=UK "
check "... with their own titles" test "$(awk -F'\t' '$3 == "B09W9FND7K" { print $2 }' "$T/train-1/items.tsv" | sort -u | wc -l)" -eq 2
check_eq "... the UK title is what the UK row says" "$(awk -F'\t' '$1 == "B09W9FND7K|UK" { print $2 }' "$T/train-1/items.tsv")" \
  "$(awk -F'\t' '$1 == "B09W9FND7K" && $3 == "UK" { print $2 }' "$T/wp/products.tsv")"
check "every item of train's interactions is in its items.tsv (the join is by id and locale)" python3 -c '
import sys
items = {l.split("\t")[0] for l in list(open(sys.argv[2], encoding="utf-8"))[1:]}
inter = {l.split("\t")[1] for l in list(open(sys.argv[1], encoding="utf-8"))[1:]}
missing = inter - items
assert not missing, sorted(missing)[:5]' "$T/train-1/interactions.tsv" "$T/train-1/items.tsv"
check_eq "... and its UK row in train/UK, keyed by the bare id" "$(awk -F'\t' '$1 == "B09W9FND7K" { print $3 }' "$T/train-UK-1/items.tsv")" "UK"

# seq: no time, so the position is the order and next_item is each session's test item
for j in 1 3; do
  check_exit 0 "train --split seq -j $j" m2 --raw "$F" -o "$T/seq$j" -q --split seq -j "$j" --block-size 4096
done
for k in train valid test; do
  check_same "seq $k.tsv: by position within the session" "$T/seq1/$k.tsv" "$W/$k.tsv"
  check_same "seq $k.tsv: -j 1 = -j 3" "$T/seq1/$k.tsv" "$T/seq3/$k.tsv"
done
cut -f1,2 "$T/seq1/test.tsv" >"$T/seq-test-pairs"
check_same "seq: the test item of every session (of 3 or more rows) is its next_item" "$T/seq-test-pairs" "$W/next.tsv"
check_exit 0 "stats reads the split" "$L4R" stats "$T/seq1"
check_grep "stats: no time" "none" "$T/.out"
check_exit 2 "a time split is refused (no time to cut at)" m2 --raw "$F" -o "$T/tq" -q --split time-quantile:0.8,0.9

# --raw: zipped and lone files
(cd "$F" && python3 - <<'PY'
import zipfile
with zipfile.ZipFile("../all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for n in ("sessions_train.csv", "products_train.csv", "sessions_test_task1.csv",
              "sessions_test_task2.csv", "sessions_test_task3.csv"):
        z.write(n)
with zipfile.ZipFile("../sessions_test_task2.csv.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write("sessions_test_task2.csv")
PY
)
check_exit 0 "--raw a zip holding the files at its root" m2 --raw "$T/all.zip" -o "$T/z" -q
check_same "zip: the same interactions" "$T/z/interactions.tsv" "$T/train-1/interactions.tsv"
check_same "zip: the same items" "$T/z/items.tsv" "$T/train-1/items.tsv"
check_exit 0 "--raw the zip, task3" m2 --variant task3 --raw "$T/all.zip" -o "$T/z3" -q
check_same "zip task3: the same interactions" "$T/z3/interactions.tsv" "$T/task3-1/interactions.tsv"
check_exit 5 "--raw a lone zipped test file: a zip is read as the download, so products_train.csv is missing" \
  m2 --variant task2/FR --raw "$T/sessions_test_task2.csv.zip" -o "$T/z2" -q
check_grep "the message names the missing member" "no member 'products_train.csv'" "$T/.err"
mkdir -p "$T/alone"
cp "$F/sessions_train.csv" "$T/alone/"
check_exit 0 "--raw the sessions CSV alone" m2 --raw "$T/alone/sessions_train.csv" -o "$T/lone" -q
check_same "lone CSV: the same interactions" "$T/lone/interactions.tsv" "$T/train-1/interactions.tsv"
check_grep "lone CSV: the missing products file is a warning" "no 'products_train.csv' next to the input; items.tsv is not written" "$T/.err"
check "lone CSV: no items.tsv" test ! -e "$T/lone/items.tsv"

# traps
check_exit 7 "a test file given to train: no next_item to append" m2 --variant train --raw "$F/sessions_test_task1.csv" -o "$T/bad" -q
check_grep "the message names the missing column" "header has no column 'next_item'" "$T/.err"
mkdir "$T/summ"
printf 'prev_items,next_item,locale\n"[%s ... %s]",B1,DE\n' "'B01'" "'B99'" >"$T/summ/sessions_train.csv"
check_exit 7 "numpy's '...' summary of a long array is an error, not items" m2 --raw "$T/summ/sessions_train.csv" -o "$T/bad2" -q
check_grep "saying the list is incomplete" "numpy summarised this array" "$T/.err"

# the manual download
check_exit 9 "fetch train: manual (AIcrowd login), exit 9" "$L4R" fetch amazon-m2
check_grep "the steps name the AIcrowd page" "https://www.aicrowd.com/challenges/amazon-kdd-cup-23-multilingual-recommendation-challenge" "$T/.err"
check_grep "the steps name the sessions file" "'sessions_train.csv'" "$T/.err"
check_grep "the steps name the products file" "'products_train.csv'" "$T/.err"
check_grep "the steps give the --from command" "then run: llm4rec-data fetch amazon-m2 --variant train --from sessions_train.csv --from products_train.csv" "$T/.err"
check_exit 9 "convert without --raw: the same exit 9" m2 --variant task2 -o "$T/nf" -q
check_grep "task2: its own test file" "'sessions_test_task2.csv'" "$T/.err"
check_exit 2 "fetch --from a zip: not one of the variant's files" "$L4R" fetch amazon-m2 --from "$T/all.zip" -q
check_grep "the message names the expected files" "its files: 'sessions_train.csv', 'products_train.csv'" "$T/.err"
check_exit 0 "fetch --from both CSVs (no --accept-license needed)" "$L4R" fetch amazon-m2 \
  --from "$F/sessions_train.csv" --from "$F/products_train.csv" -q
check_exit 0 "convert the fetched copy" m2 -o "$T/fetched" -q
for f in interactions items sessions; do
  check_same "fetched = --raw: $f.tsv" "$T/fetched/$f.tsv" "$T/train-1/$f.tsv"
done
check_exit 0 "fetch --from the directory holding all five files, for task1/JP" "$L4R" fetch amazon-m2 --variant task1/JP \
  --from "$F" -q
check_exit 0 "convert task1/JP fetched" m2 --variant task1/JP -o "$T/fetched-jp" -q
check_same "task1/JP fetched = --raw" "$T/fetched-jp/interactions.tsv" "$T/task1-JP-1/interactions.tsv"

check_exit 0 "info" "$L4R" info amazon-m2
check_grep "info: license names the challenge rules" "challenge rules" "$T/.out"
check_grep "info: terms URL" "terms:.*aicrowd.com/challenges/amazon-kdd-cup-23" "$T/.out"
check_grep "info: manual steps" "manual download" "$T/.out"
check_grep "info: citation" "jin2023amazonm2" "$T/.out"
check_grep "info: the numpy explode with next_item" "prev_items, a list (numpy): one interaction per element, named item; then next_item" "$T/.out"
check_grep "info: notes say the session is the user" "user = the session" "$T/.out"
check_exit 0 "info task1" "$L4R" info amazon-m2 --variant task1
check_nogrep "info task1: no next_item appended" "then next_item" "$T/.out"
