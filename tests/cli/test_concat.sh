# CLI tests: the field form {"concat": [SRC, ...], "separator": S} (a composite key, Amazon-M2's
# product id and locale) on synthetic recipes: a headerless delimited table, a CSV with a header, a
# JSON-lines table, an exploded list joined with a column of its record, side by side with a real
# filter (whose filtered_out count and `info` line it does not change), the items table keyed the
# same way, `info` and `info --json`, and the recipe checks.  Expected outputs come from python;
# -j 1 and -j 3 write the same bytes.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
R="$T/recipes"
mkdir -p "$F" "$R"
# shop, product, user, locale: the same product in several locales
awk 'BEGIN { for (i = 1; i <= 900; i++) printf "s%d\tP%d\tu%d\t%s\n", i % 7, i % 40, i % 53, substr("DEUKJPFR", 1 + 2 * (i % 4), 2) }' \
  >"$F/rows.tsv"
awk -F'\t' 'BEGIN { print "user,product,locale" } { printf "%s,\"%s\",%s\n", $3, $2, $4 }' "$F/rows.tsv" >"$F/rows.csv"
awk -F'\t' '{ printf "{\"u\": \"%s\", \"p\": \"%s\", \"l\": \"%s\", \"n\": %d}\n", $3, $2, $4, NR }' "$F/rows.tsv" >"$F/rows.jsonl"
# sessions: a list of products and the session's locale; products keyed by (id, locale)
awk 'BEGIN { print "items,locale";
  for (i = 1; i <= 300; i++) { s = ""; for (k = 0; k <= i % 5; k++) s = s (k ? " " : "") "P" (i * 3 + k) % 40;
    printf "%s,%s\n", s, substr("DEUKJPFR", 1 + 2 * (i % 4), 2) } }' >"$F/sess.csv"
awk 'BEGIN { print "id,locale,title";
  for (p = 0; p < 40; p++) for (l = 0; l < 4; l++) { loc = substr("DEUKJPFR", 1 + 2 * l, 2); printf "P%d,%s,title %d in %s\n", p, loc, p, loc } }' \
  >"$F/prod.csv"

file() { printf '[{"name": "%s", "url": "https://example.org/%s"}]' "$1" "$1"; }
cat >"$R/ct.json" <<JSON
{
  "schema": 1, "dataset": "ct", "title": "concat test", "license": "test data", "default_variant": "tsv",
  "variants": {
    "tsv": {"description": "headerless", "files": $(file rows.tsv),
      "interactions": {"path": "rows.tsv", "format": "delimited", "delimiter": "\t",
        "columns": ["shop", "product", "user", "locale"],
        "fields": {"user_id": {"concat": ["shop", "user"], "separator": "/"},
                   "item_id": {"concat": ["product", "locale"], "separator": "|"}},
        "filter": [{"column": "locale", "op": "!=", "value": "JP"}]}},
    "csv": {"description": "header", "files": $(file rows.csv),
      "interactions": {"path": "rows.csv", "format": "csv", "header": true,
        "fields": {"user_id": "user", "item_id": {"concat": ["product", "locale"], "separator": "@@"}}}},
    "jsonl": {"description": "json lines", "files": $(file rows.jsonl),
      "interactions": {"path": "rows.jsonl", "format": "jsonl",
        "fields": {"user_id": "u", "item_id": {"concat": ["p", "l", "n"], "separator": "|"}}}},
    "sess": {"description": "exploded", "files": $(file sess.csv),
      "interactions": {"path": "sess.csv", "format": "csv", "header": true,
        "explode": {"column": "items", "list": "separated", "separator": " ", "as": "item"},
        "fields": {"user_id": "\$line", "item_id": {"concat": ["item", "locale"], "separator": "|"}}},
      "items": {"path": "prod.csv", "format": "csv", "header": true,
        "fields": {"item_id": {"concat": ["id", "locale"], "separator": "|"}, "title": "title", "product_id": "id"}}}
  }
}
JSON
ct() { "$L4R" --recipes "$R" convert ct "$@"; }
for v in tsv csv jsonl sess; do
  in=$F/rows.$v
  [ $v = sess ] && in=$F
  for j in 1 3; do
    check_exit 0 "$v -j $j" ct --variant $v --raw "$in" -o "$T/$v$j" -q -j "$j" --block-size 4096
  done
  check_same "$v: -j 1 = -j 3" "$T/${v}1/interactions.tsv" "$T/${v}3/interactions.tsv"
done

python3 - "$F" "$T/want" <<'PY'
import csv, json, os, sys
from l4r_expect import write_tsv as write
src, out = sys.argv[1:]
os.makedirs(out)
H = ["user_id", "item_id", "rating", "timestamp"]
rows = [l.rstrip("\n").split("\t") for l in open(f"{src}/rows.tsv")]
write(f"{out}/tsv.tsv", H, [[s + "/" + u, p + "|" + l, "", ""] for s, p, u, l in rows if l != "JP"])
with open(f"{out}/tsv.filtered", "w") as f:
    f.write("%d\n" % sum(1 for r in rows if r[3] == "JP"))
c = list(csv.DictReader(open(f"{src}/rows.csv", newline="")))
write(f"{out}/csv.tsv", H, [[r["user"], r["product"] + "@@" + r["locale"], "", ""] for r in c])
j = [json.loads(l) for l in open(f"{src}/rows.jsonl")]
write(f"{out}/jsonl.tsv", H, [[r["u"], "%s|%s|%d" % (r["p"], r["l"], r["n"]), "", ""] for r in j])
inter = []
with open(f"{src}/sess.csv", newline="") as f:
    rd = csv.reader(f)
    next(rd)
    last = rd.line_num
    for items, loc in rd:
        inter += [[str(last + 1), i + "|" + loc, "1", ""] for i in items.split(" ")]
        last = rd.line_num
write(f"{out}/sess.tsv", H, inter)
p = list(csv.DictReader(open(f"{src}/prod.csv", newline="")))
write(f"{out}/sess.items", ["item_id", "title", "product_id"], [[r["id"] + "|" + r["locale"], r["title"], r["id"]] for r in p])
PY
# rating: a table without one gets 1
for v in tsv csv jsonl; do
  sed 's/\t\t$/\t1\t/' "$T/want/$v.tsv" >"$T/want/$v.r"
  check_same "$v: the composite ids python builds" "$T/${v}1/interactions.tsv" "$T/want/$v.r"
done
check_same "sess: an exploded element joined with its record's locale" "$T/sess1/interactions.tsv" "$T/want/sess.tsv"
check_same "sess: items keyed the same way (id|locale)" "$T/sess1/items.tsv" "$T/want/sess.items"
check "sess: the same product in two locales is two items" test \
  "$(grep -c '^P7|' "$T/sess1/items.tsv")" -eq 4
check_eq "tsv: the real filter's count only" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["interactions"]["filtered_out"])' "$T/tsv1/manifest.json")" \
  "$(cat "$T/want/tsv.filtered")"
check "csv: no filtered_out without a real filter" python3 -c '
import json, sys
assert "filtered_out" not in json.load(open(sys.argv[1]))["inputs"]["interactions"]' "$T/csv1/manifest.json"

# info
check_exit 0 "info tsv" "$L4R" --recipes "$R" info ct --variant tsv
check_grep "info: the concat field" 'item_id <- product + locale joined by "|"' "$T/.out"
check_grep "info: the real filter" 'locale != "JP"' "$T/.out"
check "info: one filter line only (the concat parts are no filters)" test "$(grep -c 'filter' "$T/.out")" -eq 1
check_exit 0 "info --json sess" "$L4R" --recipes "$R" info ct --variant sess --json
cp "$T/.out" "$T/info.json"
check_exit 0 "info --json: the concat field" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
assert t["interactions"]["fields"]["item_id"] == {"concat": ["item", "locale"], "separator": "|"}, t["interactions"]["fields"]
assert t["items"]["fields"]["item_id"] == {"concat": ["id", "locale"], "separator": "|"}' "$T/info.json"

# recipe checks (exit 6)
bad() {
  mkdir -p "$T/bad"
  sed "s#\"item_id\": {\"concat\": \[\"product\", \"locale\"\], \"separator\": \"|\"}#$1#" "$R/ct.json" >"$T/bad/ct.json"
  check_exit 6 "recipe: $2" "$L4R" --recipes "$T/bad" list
  check_grep "recipe: $2: said" "$3" "$T/.err"
}
bad '"item_id": {"concat": ["product"], "separator": "|"}' "one part" "expected 2 to 4 source names, got 1"
bad '"item_id": {"concat": ["product", "locale"]}' "no separator" "missing required key 'separator'"
bad '"item_id": {"concat": ["product", "locale"], "separator": "\\t"}' "a TAB separator" "must be non-empty and hold no TAB"
bad '"item_id": {"concat": ["product", "lang"], "separator": "|"}' "an unknown column" "'lang' is not in 'columns'"
bad '"item_id": {"concat": ["product", "locale"], "separator": "|", "x": 1}' "an unknown key" "unknown key 'x'"
