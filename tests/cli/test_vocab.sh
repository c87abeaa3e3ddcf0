# CLI tests: recipe vocabulary of issue 14 on synthetic recipes (--recipes DIR, --raw FILE).
# Value filters ("filter": ==, !=, in, <, <=, >, >=) on source columns that no field maps, in
# CSV, headerless delimited and JSON lines tables: the records that fail one are dropped and
# counted in manifest.json, the same bytes for every -j; a numeric comparison on a non-number is
# a parse error naming file, line and field (so --max-errors skips it).  One source column feeding
# two fields, in a columns format and in JSON (where the second field used to come out missing).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
R="$T/recipes"
mkdir -p "$F" "$R"
# user,item,click,score,ts: click is 1 on every third record, score cycles 0.5 .. 5.0
awk 'BEGIN { print "user,item,click,score,ts";
  for (i = 0; i < 3000; i++) printf "%d,%d,%d,%.1f,%d\n", i % 41, i % 97, (i % 3 == 0), (i % 10 + 1) / 2, 1600000000 + i }' \
  >"$F/log.csv"
tail -n +2 "$F/log.csv" | tr ',' '\t' >"$F/log.tsv"
awk -F, 'NR > 1 { printf "{\"u\": \"%s\", \"i\": %s, \"clk\": %s, \"s\": %s}\n", $1, $2, ($3 == 1 ? "true" : "false"), $4 }' \
  "$F/log.csv" >"$F/log.jsonl"

sed -e 's/"/'"'"'/g' -e 's/true/True/' -e 's/false/False/' "$F/log.jsonl" >"$F/log.pylit"
file() { printf '[{"name": "%s", "url": "https://example.org/%s"}]' "$1" "$1"; }
cat >"$R/vt.json" <<JSON
{
  "schema": 1, "dataset": "vt", "title": "vocabulary test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "csv",
  "variants": {
    "csv": {"description": "click == 1 on a column no field maps", "files": $(file log.csv),
      "interactions": {"path": "log.csv", "format": "csv", "header": true,
        "fields": {"user_id": "user", "item_id": "item", "rating": "score", "timestamp": "ts"}, "time": "unix_s",
        "filter": [{"column": "click", "op": "==", "value": "1"}]}},
    "num": {"description": "numeric and set filters, headerless", "files": $(file log.tsv),
      "interactions": {"path": "log.tsv", "format": "delimited", "delimiter": "\t",
        "columns": ["user", "item", "click", "score", "ts"],
        "fields": {"user_id": "user", "item_id": "item", "rating": "score", "timestamp": "ts"}, "time": "unix_s",
        "filter": [{"column": "score", "op": ">=", "value": 2}, {"column": "score", "op": "<", "value": 4.5},
                   {"column": "click", "op": "!=", "value": "1"}, {"column": "user", "op": "in", "value": ["1", "2", "3"]}]}},
    "gt": {"description": "> and <= on the item", "files": $(file log.csv),
      "interactions": {"path": "log.csv", "format": "csv", "header": true,
        "fields": {"user_id": "user", "item_id": "item"},
        "filter": [{"column": "item", "op": ">", "value": 90}, {"column": "user", "op": "<=", "value": 10}]}},
    "json": {"description": "a boolean key; one key as item and rating", "files": $(file log.jsonl),
      "interactions": {"path": "log.jsonl", "format": "jsonl",
        "fields": {"user_id": "u", "item_id": "i", "rating": "i"},
        "filter": [{"column": "clk", "op": "==", "value": "true"}]}},
    "py": {"description": "a Python True; one key as user and item", "files": $(file log.pylit),
      "interactions": {"path": "log.pylit", "format": "python-literal",
        "fields": {"user_id": "i", "item_id": "i"},
        "filter": [{"column": "clk", "op": "!=", "value": "false"}, {"column": "s", "op": ">", "value": 1}]}},
    "two": {"description": "one column as user and as item", "files": $(file log.tsv),
      "interactions": {"path": "log.tsv", "format": "delimited", "delimiter": "\t",
        "columns": ["user", "item", "click", "score", "ts"],
        "fields": {"user_id": "user", "item_id": "user", "rating": "click"}},
      "users": {"path": "people.tsv", "format": "delimited", "delimiter": "\t",
        "columns": ["id", "age", "active"], "fields": {"user_id": "id", "uid_copy": "id", "age": "age"},
        "filter": [{"column": "active", "op": "==", "value": "y"}]}},
    "nohead": {"description": "a filter column the header lacks", "files": $(file log.csv),
      "interactions": {"path": "log.csv", "format": "csv", "header": true,
        "fields": {"user_id": "user", "item_id": "item"},
        "filter": [{"column": "clicked", "op": "==", "value": "1"}]}}
  }
}
JSON
printf '1\t30\ty\n2\t40\tn\n3\t50\ty\n1\t99\ty\n' >"$F/people.tsv"
vt() { "$L4R" --recipes "$R" convert vt "$@"; }
rows() { tail -n +2 "$1" | wc -l | tr -d ' '; }

# the expected rows, computed from the fixture by awk
want_csv=$(awk -F, 'NR > 1 && $3 == "1"' "$F/log.csv" | wc -l | tr -d ' ')
want_num=$(awk -F'\t' '$4 >= 2 && $4 < 4.5 && $3 != "1" && ($1 == 1 || $1 == 2 || $1 == 3)' "$F/log.tsv" | wc -l | tr -d ' ')
want_gt=$(awk -F, 'NR > 1 && $2 > 90 && $1 <= 10' "$F/log.csv" | wc -l | tr -d ' ')

for j in 1 3; do
  check_exit 0 "csv click == 1 -j $j" vt --variant csv --raw "$F/log.csv" -o "$T/csv$j" -q -j "$j" --block-size 4096
  check_exit 0 "num filters -j $j" vt --variant num --raw "$F/log.tsv" -o "$T/num$j" -q -j "$j" --block-size 4096
  check_exit 0 "json boolean filter -j $j" vt --variant json --raw "$F/log.jsonl" -o "$T/json$j" -q -j "$j" --block-size 4096
done
for v in csv num json; do
  check_same "$v: -j 1 and -j 3 write the same bytes" "$T/${v}1/interactions.tsv" "$T/${v}3/interactions.tsv"
done
check_eq "csv: the rows with click 1" "$(rows "$T/csv1/interactions.tsv")" "$want_csv"
check_eq "csv: only them" "$(tail -n +2 "$T/csv1/interactions.tsv" | head -2 | tr '\t' ' ' | tr '\n' ';')" \
  "0 0 0.5 1600000000;3 3 2.0 1600000003;"
check_grep "csv: manifest counts the records dropped" '"filtered_out": 2000' "$T/csv1/manifest.json"
check_grep "csv: manifest counts the records taken" '"records": 1000' "$T/csv1/manifest.json"
check_eq "num: >=, <, != and in together" "$(rows "$T/num1/interactions.tsv")" "$want_num"
check "num: some rows are kept" test "$want_num" -gt 0
check_grep "num: manifest counts the rest" "\"filtered_out\": $((3000 - want_num))" "$T/num1/manifest.json"
check_exit 0 "> and <=" vt --variant gt --raw "$F/log.csv" -o "$T/gt" -q
check_eq "gt: > and <= keep the rows awk keeps" "$(rows "$T/gt/interactions.tsv")" "$want_gt"
check_eq "json: a boolean key compares as 'true'" "$(rows "$T/json1/interactions.tsv")" "$want_csv"
check_eq "json: one key feeds item_id and rating" \
  "$(tail -n +2 "$T/json1/interactions.tsv" | awk -F'\t' '$2 != $3' | wc -l | tr -d ' ')" 0
want_py=$(awk -F, 'NR > 1 && $3 == "1" && $4 > 1' "$F/log.csv" | wc -l | tr -d ' ')
check "py: some rows pass" test "$want_py" -gt 0
check_exit 0 "python-literal filters" vt --variant py --raw "$F/log.pylit" -o "$T/py" -q
check_eq "py: True compares as 'true', a number under >" "$(rows "$T/py/interactions.tsv")" "$want_py"
check_eq "py: one key feeds user_id and item_id" \
  "$(tail -n +2 "$T/py/interactions.tsv" | awk -F'\t' '$1 != $2' | wc -l | tr -d ' ')" 0
check_exit 0 "one column as user_id and item_id" vt --variant two --raw "$F/log.tsv" -o "$T/two" -q
check_eq "two: user and item are the same column" \
  "$(tail -n +2 "$T/two/interactions.tsv" | head -2 | tr '\t' ' ' | tr '\n' ';')" "0 0 1 ;1 1 0 ;"
check_exit 0 "a table without filters" vt --variant two --raw "$F/log.tsv" -o "$T/two2" -q

check_same "a table without filters: same bytes twice" "$T/two/interactions.tsv" "$T/two2/interactions.tsv"
# a user table (users.tsv): one column as user_id and as an extra, a filter, a repeated id
printf 'user_id\tuid_copy\tage\n1\t1\t30\n3\t3\t50\n' >"$T/users.want"
check_same "users.tsv: the filter's users, first record of a repeated id" "$T/two/users.tsv" "$T/users.want"
check_grep "users: counted" '"users_with_metadata": 2' "$T/two/manifest.json"
check_grep "users: dropped by the filter" '"filtered_out": 1' "$T/two/manifest.json"
check_grep "users: the repeated id" '"duplicate_ids_skipped": 1' "$T/two/manifest.json"

# MovieLens: u.user (ml-100k) and users.dat (ml-1m) become users.tsv, the same for every -j
"$GEN" movielens ml-100k "$F" >/dev/null
"$GEN" movielens ml-1m "$F" >/dev/null
for j in 1 3; do
  check_exit 0 "ml-100k -j $j" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$T/m100-$j" -q -j "$j"
  check_exit 0 "ml-1m -j $j" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m.zip" -o "$T/m1-$j" -q -j "$j" \
    --split seq
done
check_same "ml-100k users.tsv: -j 1 = -j 3" "$T/m100-1/users.tsv" "$T/m100-3/users.tsv"
check_same "ml-1m users.tsv: -j 1 = -j 3" "$T/m1-1/users.tsv" "$T/m1-3/users.tsv"
check_eq "ml-100k users.tsv: u.user's columns" "$(head -2 "$T/m100-1/users.tsv" | tr '\t\n' ' ;')" \
  "user_id age gender occupation zip_code;1 24 M technician 85711;"
check_eq "ml-1m users.tsv: users.dat's columns" "$(head -2 "$T/m1-1/users.tsv" | tr '\t\n' ' ;')" \
  "user_id gender age occupation zip_code;1 F 1 10 48067;"
check_eq "ml-1m users.tsv: one row per user of users.dat" "$(rows "$T/m1-1/users.tsv")" \
  "$(unzip -p "$F/ml-1m.zip" ml-1m/users.dat | wc -l | tr -d ' ')"
check_grep "ml-1m: manifest lists users.tsv" '"file": "users.tsv"' "$T/m1-1/manifest.json"
check_grep "ml-1m: manifest names the input" 'ml-1m.zip:ml-1m/users.dat' "$T/m1-1/manifest.json"
check_exit 0 "verify accepts it" "$L4R" verify "$T/m1-1"
check_nogrep "tables without filters: no filtered_out" "filtered_out" "$T/m1-1/manifest.json"
mkdir -p "$T/raw1m" && unzip -q -o "$F/ml-1m.zip" ml-1m/ratings.dat -d "$T/raw1m"
check_exit 0 "ml-1m: ratings.dat without users.dat" "$L4R" convert movielens --variant ml-1m --raw "$T/raw1m/ml-1m/ratings.dat" -o "$T/m1-nou"
check_grep "warns that users.tsv is not written" "no 'users.dat' next to the input; users.tsv is not written" "$T/.err"
check "and writes none" test ! -e "$T/m1-nou/users.tsv"
python3 - "$F/ml-1m.zip" "$F/nousers.zip" <<'PY'
import sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for n in src.namelist():
    if not n.endswith("users.dat"):
        dst.writestr(n, src.read(n))
dst.close()
PY
check_exit 0 "an archive without users.dat converts" "$L4R" convert movielens --variant ml-1m --raw "$F/nousers.zip" -o "$T/m1-noz"
check_grep "warns" "no member 'ml-1m/users.dat' in archive .*; users.tsv is not written" "$T/.err"
check_same "the same interactions" "$T/m1-noz/interactions.tsv" "$T/m1-nou/interactions.tsv"
check "and no users.tsv" test ! -e "$T/m1-noz/users.tsv"

# a numeric comparison on a non-number: a parse error naming file, line and field
sed '101s/^\([0-9]*\),\([0-9]*\),/\1,x\2,/' "$F/log.csv" >"$F/bad.csv"
check_exit 7 "a non-number under > is a parse error" vt --variant gt --raw "$F/bad.csv" -o "$T/bad" -q
check_grep "it names file, line and field" "bad.csv' line 101: field 2 (item) is 'x" "$T/.err"
check "nothing is published" test ! -e "$T/bad"
for j in 1 3; do
  check_exit 0 "--max-errors skips it -j $j" vt --variant gt --raw "$F/bad.csv" -o "$T/badm$j" -q -j "$j" \
    --max-errors 1 --block-size 4096
done
check_same "--max-errors: -j 1 and -j 3 agree" "$T/badm1/interactions.tsv" "$T/badm3/interactions.tsv"
check_grep "--max-errors: manifest counts the skip" '"records_skipped": 1' "$T/badm1/manifest.json"
check_exit 7 "a filter column missing from the header" vt --variant nohead --raw "$F/log.csv" -o "$T/nh" -q
check_grep "names the column" "line 1: header has no column 'clicked' (for filter 1)" "$T/.err"

# invalid recipes: exit 6 naming the JSON path
mkdir -p "$T/bad-r"
sed 's/"op": "==", "value": "1"}]}},/"op": "=~", "value": "1"}]}},/' "$R/vt.json" >"$T/bad-r/vt.json"
check_exit 6 "an unknown op is a recipe error" "$L4R" --recipes "$T/bad-r" info vt
check_grep "naming the path" 'variants.csv.interactions.filter\[0\].op: unknown value' "$T/.err"
sed 's/"op": ">=", "value": 2}/"op": ">=", "value": "2"}/' "$R/vt.json" >"$T/bad-r/vt.json"
check_exit 6 "a string under >= is a recipe error" "$L4R" --recipes "$T/bad-r" info vt
check_grep "naming the path" "variants.num.interactions.filter\[0\].value: expected a number for '>='" "$T/.err"
check_exit 0 "info shows the user table" "$L4R" info movielens --variant ml-100k
check_grep "info: users and their fields" "fields:    user_id <- userId, age <- age" "$T/.out"

# "extra_fields": "last": the last column runs to the end of the line (MicroLens-1M titles: no
# header, unbalanced quotes, commas in titles; split at the first comma)
mkdir -p "$T/last-r" "$T/last-in"
printf 'user,item,timestamp\n1,10,1000\n1,11,2000\n2,12,3000\n' >"$T/last-in/pairs.csv"
printf '10,Plain title\n11,"Unbalanced, with a comma\n12,a,b,,c\n' >"$T/last-in/title.csv"
cat >"$T/last-r/lt.json" <<'JSON'
{"schema": 1, "dataset": "lt", "title": "t", "license": "x", "default_variant": "v",
 "variants": {"v": {"description": "d", "files": [{"url": "https://example.org/pairs.csv"}, {"url": "https://example.org/title.csv"}],
   "interactions": {"path": "pairs.csv", "format": "csv", "header": true,
     "fields": {"user_id": "user", "item_id": "item", "timestamp": "timestamp"}, "time": "unix_ms"},
   "items": {"path": "title.csv", "format": "delimited", "delimiter": ",", "columns": ["item", "title"],
     "extra_fields": "last", "fields": {"item_id": "item", "title": "title"}}}}}
JSON
check_exit 0 "extra_fields last" "$L4R" --recipes "$T/last-r" convert lt --raw "$T/last-in" -o "$T/last" -q
# the title '"Unbalanced, with a comma' holds a quote: written RFC 4180-quoted (docs/FORMAT.md)
printf 'item_id\ttitle\n10\tPlain title\n11\t"""Unbalanced, with a comma"\n12\ta,b,,c\n' >"$T/last.want"
check_same "the title is the rest of the line, quotes and commas as they are" "$T/last/items.tsv" "$T/last.want"
check_grep "manifest counts the records" '"extra_fields_in_last": 2' "$T/last/manifest.json"
check_exit 0 "info says so" "$L4R" --recipes "$T/last-r" info lt
check_grep "info: extra last" 'extra:     "extra_fields": "last" (the last column runs to the end of the line' "$T/.out"
sed 's/"format": "delimited", "delimiter": ","/"format": "csv"/' "$T/last-r/lt.json" >"$T/last-r2.json"
mkdir -p "$T/last-r2" && mv "$T/last-r2.json" "$T/last-r2/lt.json"
check_exit 6 "extra_fields last on csv is a recipe error" "$L4R" --recipes "$T/last-r2" info lt
check_grep "naming the key" "items.extra_fields: 'last' is for format delimited (no quoting), not csv" "$T/.err"

# ---- csv "escape": backslash-escaped quotes inside quoted fields (Book-Crossing) -----------------
BX="$T/bx"
mkdir -p "$BX/r"
cat >"$BX/r/bx.json" <<'J'
{"schema": 1, "dataset": "bx", "title": "t", "license": "l", "default_variant": "v",
 "variants": {"v": {"description": "d", "files": [{"url": "https://example.org/BX-Book-Ratings.csv"}],
   "interactions": {"path": "BX-Book-Ratings.csv", "format": "csv", "delimiter": ";", "header": true,
                    "encoding": "cp1252", "escape": "\\",
                    "fields": {"user_id": "User-ID", "item_id": "ISBN", "rating": "Book-Rating"}},
   "items": {"path": "BX-Books.csv", "format": "csv", "delimiter": ";", "header": true, "encoding": "cp1252",
             "escape": "\\", "fields": {"item_id": "ISBN", "title": "Book-Title", "author": "Book-Author"}}}}}
J
printf '"User-ID";"ISBN";"Book-Rating"\r\n"276725";"034545104X";"0"\r\n"276726";"0155061224";"5"\r\n' >"$BX/BX-Book-Ratings.csv"
printf '"ISBN";"Book-Title";"Book-Author"\r\n"034545104X";"Flesh Tones: A Novel";"M. J. Rose"\r\n"0155061224";"A \\"Quoted\\" Title; with a semicolon";"Caf\351 Author"\r\n"0000000001";"Back\\\\slash";"x"\r\n' >"$BX/BX-Books.csv"
for j in 1 3; do
  check_exit 0 "escape: Book-Crossing-shaped files -j $j" "$L4R" --recipes "$BX/r" convert bx --raw "$BX" -o "$BX/o$j" -q -j "$j"
done
check_same "escape: -j 1 = -j 3" "$BX/o1/items.tsv" "$BX/o3/items.tsv"
python3 - "$BX" <<'PY'
import re, sys
from l4r_expect import line
d = sys.argv[1]
with open(d + "/items.want", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\tauthor\n")
    for src in open(d + "/BX-Books.csv", encoding="cp1252", newline="").read().split("\r\n")[1:]:
        if not src:
            continue
        parts = [re.sub(r'\\(.)', r'\1', p) for p in re.split(r'(?<=");(?=")', src)]
        f.write(line(p[1:-1] if p.startswith('"') else p for p in parts))
PY
check_same "escape: \\\" is a quote, \\\\ a backslash, ';' inside quotes stays, cp1252 decoded" "$BX/o1/items.tsv" "$BX/items.want"
check_eq "escape: the ratings" "$(tail -n +2 "$BX/o1/interactions.tsv" | tr '\t' ' ' | tr '\n' '|')" "276725 034545104X 0 |276726 0155061224 5 |"
sed 's/"escape": "\\\\"/"escape": "ab"/' "$BX/r/bx.json" >"$BX/bad.json"
mkdir -p "$BX/rb" && cp "$BX/bad.json" "$BX/rb/bx.json"
check_exit 6 "escape: more than one byte is a recipe error" "$L4R" --recipes "$BX/rb" info bx
check_grep "escape: the reason" "expected one byte" "$T/.err"
