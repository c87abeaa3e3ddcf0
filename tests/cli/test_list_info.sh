# tests/cli/test_list_info.sh — `list` and `info`: text and JSON output of the built-in recipes,
# --recipes DIR and $LLM4REC_RECIPES, and the errors with their exit codes (usage 2, recipe 6).
. "$(dirname "$0")/../lib.sh"
PY=${PYTHON:-python3}
unset LLM4REC_RECIPES

# ---- list ---------------------------------------------------------------------------------------
check_exit 0 "list runs" "$L4R" list
cp "$T/.out" "$T/list.txt"
check_eq "list: ml-1m line (tab-separated, default marked)" \
  "$(grep -P '^movielens\tml-1m\t' "$T/list.txt" | cut -f1-3)" "$(printf 'movielens\tml-1m\t*')"
check_eq "list: ml-100k is not the default" \
  "$(grep -P '^movielens\tml-100k\t' "$T/list.txt" | cut -f3)" ""
check_eq "list: every line has 4 tab-separated fields" \
  "$(awk -F'\t' 'NF != 4' "$T/list.txt" | wc -l | tr -d ' ')" "0"
check_eq "list: 8 MovieLens variants" "$(grep -c '^movielens	' "$T/list.txt")" "8"
check_eq "list: 533 Amazon variants" "$(grep -c '^amazon	' "$T/list.txt")" "533"
NREC=$(ls "$TOP"/recipes/*.json | wc -l | tr -d ' ')
check_eq "list: exactly one default per dataset" "$(cut -f1,3 "$T/list.txt" | grep -c '	\*$')" "$NREC"
check_grep "list: amazon default" "$(printf '^amazon\t2014/reviews_Beauty_5\t\\*\t')" "$T/list.txt"
for v in 2014/reviews_Video_Games_5 2014/reviews_Books 2014/ratings_Amazon_Instant_Video 2018/All_Beauty_5 \
         2018/AMAZON_FASHION 2018/ratings/Prime_Pantry 2023/Unknown 2023/0core/Amazon_Fashion 2023/5core/Video_Games; do
  check_grep "list: amazon $v" "$(printf '^amazon\t%s\t' "$v")" "$T/list.txt"
done
check_nogrep "list: no 2018 Beauty (only 2014 has it)" "$(printf '^amazon\t2018/Beauty')" "$T/list.txt"

# the available names, from recipes/ (a new family adds itself here)
# (in the registry's order: sorted by file name, so amazon-m2.json comes before amazon.json)
AVAIL=$(for f in "$TOP"/recipes/*.json; do basename "$f"; done | LC_ALL=C sort | sed 's/\.json$//' | paste -sd, - | sed 's/,/, /g')
check_exit 0 "list DATASET" "$L4R" list movielens
check_eq "list movielens: only movielens lines" "$(cut -f1 "$T/.out" | sort -u)" "movielens"
check_exit 6 "list unknown dataset: exit 6" "$L4R" list nosuch
check_grep "list unknown dataset: names the available ones" "unknown dataset 'nosuch'; available: $AVAIL" "$T/.err"
check_exit 2 "list unknown option: exit 2" "$L4R" list --bogus
check_exit 2 "list two datasets: exit 2" "$L4R" list movielens amazon
check_exit 0 "list --help" "$L4R" list --help
check_grep "list --help on stdout" "usage: llm4rec-data list" "$T/.out"

# ---- list --json --------------------------------------------------------------------------------
check_exit 0 "list --json runs" "$L4R" list --json
cp "$T/.out" "$T/list.json"
check_eq "list --json: valid JSON with every variant" \
  "$($PY -c 'import json,sys; a=json.load(open(sys.argv[1])); print(len(a))' "$T/list.json")" "$(wc -l <"$T/list.txt" | tr -d ' ')"
check_eq "list --json: ml-1m entry" \
  "$($PY -c '
import json,sys
a=json.load(open(sys.argv[1]))
v=[x for x in a if x["dataset"]=="movielens" and x["variant"]=="ml-1m"][0]
f=v["files"][0]
print(v["default"], v["gated"], f["name"], f["url"], f["size"], f["md5"], f["sha256"], sorted(v))
' "$T/list.json")" \
  "True False ml-1m.zip https://files.grouplens.org/datasets/movielens/ml-1m.zip 5917549 c4d9eecfca2ab87c1945afe126590906 a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20 ['dataset', 'default', 'description', 'files', 'gated', 'variant']"
check_eq "list --json: unknown size and checksums are null" \
  "$($PY -c '
import json,sys
a=json.load(open(sys.argv[1]))
v=[x for x in a if x["variant"]=="ml-32m"][0]["files"][0]
print(v["size"], v["sha256"])
' "$T/list.json")" "238950008 None"
check_eq "list --json equals list (same variants, same order)" \
  "$($PY -c 'import json,sys; [print(x["dataset"]+"\t"+x["variant"]) for x in json.load(open(sys.argv[1]))]' "$T/list.json")" \
  "$(cut -f1,2 "$T/list.txt")"
check_exit 0 "list --json DATASET" "$L4R" list --json amazon
check_eq "list --json amazon: 533 entries, one default" \
  "$($PY -c 'import json,sys; a=json.load(open(sys.argv[1])); print(len(a), sum(x["default"] for x in a))' "$T/.out")" "533 1"

# ---- info ---------------------------------------------------------------------------------------
check_exit 0 "info movielens (default variant)" "$L4R" info movielens
cp "$T/.out" "$T/info.txt"
check_grep "info: default variant shown" "^variant: *ml-1m (default)" "$T/info.txt"
check_grep "info: url" "url: *https://files.grouplens.org/datasets/movielens/ml-1m.zip" "$T/info.txt"
check_grep "info: size" "size: *5917549 bytes" "$T/info.txt"
check_grep "info: md5" "md5: *c4d9eecfca2ab87c1945afe126590906" "$T/info.txt"
check_grep "info: sha256" "sha256: *a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20" "$T/info.txt"
check_grep "info: archive" "archive, unpacked" "$T/info.txt"
check_grep "info: table path" "path: *ml-1m/ratings.dat" "$T/info.txt"
check_grep "info: delimiter" "delimiter '::', no header" "$T/info.txt"
check_grep "info: movies encoding" "encoding iso-8859-1" "$T/info.txt"
check_grep "info: time" "time: *unix_s" "$T/info.txt"
check_grep "info: license" "GroupLens" "$T/info.txt"
check_grep "info: BibTeX verbatim" "^@article{harper2015movielens,$" "$T/info.txt"
check_grep "info: doi" "doi       = {10.1145/2827872}" "$T/info.txt"
check_grep "info: other variants listed" "^  ml-100k	" "$T/info.txt"

check_exit 0 "info --variant ml-100k" "$L4R" info movielens --variant ml-100k
check_grep "info ml-100k: tab delimiter shown as \\t" "delimiter '\\\\t'" "$T/.out"
check_grep "info ml-100k: genre flags" "joined with '|' into genres: unknown, Action" "$T/.out"
check_nogrep "info --variant: no list of other variants" "other variants" "$T/.out"
check_exit 0 "info ml-32m" "$L4R" info movielens --variant ml-32m
check_grep "info ml-32m: unknown sha256 said so" "sha256: *unknown" "$T/.out"
check_exit 0 "info amazon" "$L4R" info amazon
check_grep "info amazon: many variants summarised" "other variants (532): see 'llm4rec-data list amazon'" "$T/.out"
check_grep "info amazon: python-literal items (the format table's one name)" "format: *python-literal" "$T/.out"
check_exit 0 "info amazon 2018 ratings" "$L4R" info amazon --variant 2018/ratings/Video_Games
check_grep "info 2018 ratings: item column first" "columns: *item, user, rating, timestamp" "$T/.out"
check_grep "info 2018 ratings: mirror" "mirror: *https://datarepo.eng.ucsd.edu/mcauley_group/data/amazon_v2/categoryFilesSmall/Video_Games.csv" "$T/.out"
check_grep "info 2018 ratings: sha256 from known_files" "c3fec1cce4ee67f0d51f8b53a7e294d8bbe6f75ca1d8732256e900b3c46606d8" "$T/.out"

check_exit 0 "info --json" "$L4R" info movielens --variant ml-10m --json
check_eq "info --json: fields" \
  "$($PY -c '
import json,sys
o=json.load(open(sys.argv[1]))
t=o["interactions"]
print(o["variant"], o["default"], o["gated"], o["files"][0]["size"], o["files"][0]["unpack"], t["path"], t["delimiter"], t["header"], t["columns"], t["fields"]["item_id"], t["time"], o["items"]["encoding"], "ml-1m" in o["variants"], o["citation"].startswith("@article{harper2015movielens,"))
' "$T/.out")" \
  "ml-10m False False None True ml-10M100K/ratings.dat :: False ['UserID', 'MovieID', 'Rating', 'Timestamp'] MovieID unix_s iso-8859-1 True True"
check_eq "info --json: the format's one name" \
  "$($PY -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["interactions"]["format"], o["items"]["format"])' "$T/.out")" \
  "delimited delimited"

check_exit 6 "info unknown dataset: exit 6" "$L4R" info nosuch
check_grep "info unknown dataset: message" "unknown dataset 'nosuch'; available: $AVAIL" "$T/.err"
check_exit 6 "info unknown variant: exit 6" "$L4R" info movielens --variant ml-huge
check_grep "info unknown variant: lists the variants" "has no variant 'ml-huge'; available: ml-100k, ml-1m, ml-10m" "$T/.err"
check_exit 6 "info unknown amazon variant: exit 6" "$L4R" info amazon --variant Beauty
check_grep "info unknown amazon variant: count and hint" "it has 533 variants, see 'llm4rec-data list amazon'" "$T/.err"
check_grep "info unknown amazon variant: suggestion" "did you mean 2014/reviews_Beauty_5" "$T/.err"
check_exit 2 "info without dataset: exit 2" "$L4R" info
check_exit 2 "info --variant without value: exit 2" "$L4R" info movielens --variant
check_exit 0 "info --help" "$L4R" info --help
check_grep "info --help on stdout" "usage: llm4rec-data info" "$T/.out"
check_exit 0 "help info" "$L4R" help info

# ---- --recipes DIR and $LLM4REC_RECIPES ---------------------------------------------------------
R="$T/recipes"
mkdir -p "$R"
cat > "$R/toy.json" <<'EOF'
{"schema": 1, "dataset": "toy", "title": "Toy", "license": "CC0", "default_variant": "small",
 "comment": "a user's own recipe",
 "variants": {"small": {"description": "a toy", "manual": ["1. log in", "2. download toy.csv"],
   "files": [{"url": "file:///nowhere/toy.csv"}],
   "interactions": {"path": "toy.csv", "format": "csv", "header": true,
                    "fields": {"user_id": "u", "item_id": "i"}}}}}
EOF
check_exit 0 "list --recipes DIR" "$L4R" list --recipes "$R"
check_eq "list --recipes: only the directory's recipes" "$(cat "$T/.out")" "$(printf 'toy\tsmall\t*\ta toy')"
check_exit 0 "global --recipes before the command" "$L4R" --recipes "$R" list --json
check_eq "list --json: gated variant" "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["gated"])' "$T/.out")" "True"
check_exit 0 "info of a gated variant" env LLM4REC_RECIPES="$R" "$L4R" info toy
check_grep "info: manual steps shown" "2. download toy.csv" "$T/.out"
check_grep "info: recipe path" "recipe: *$R/toy.json" "$T/.out"
check_exit 6 "LLM4REC_RECIPES replaces the built-ins" env LLM4REC_RECIPES="$R" "$L4R" info movielens

printf '{"schema": 1, "dataset": "bad", "title": "B", "license": "L", "default_variant": "v", "variants": {"v": {"description": "d", "files": [{"url": "https://x/y", "md5": "123"}]}}}\n' > "$R/bad.json"
check_exit 6 "invalid recipe: exit 6" "$L4R" list --recipes "$R"
check_grep "invalid recipe: file and JSON path named" "bad.json: \$.variants.v.files\[0\].md5: expected 32 hexadecimal digits" "$T/.err"
check_eq "invalid recipe: nothing on stdout" "$(wc -c < "$T/.out" | tr -d ' ')" "0"
check_exit 6 "missing recipe directory: exit 6" "$L4R" list --recipes "$T/none"
check_grep "missing recipe directory: message" "cannot open recipe directory" "$T/.err"

# ---- info: what changes the data (filters, extra_fields, time_fraction, nested archives) --------
# A synthetic recipe that says every one of them, in the older format spellings (delim, pylit):
# info prints the format table's names for them, each filter as the recipe writes it, the
# non-default modes, and the file's unpacked_size and unpack_nested; --json gives the recipe's
# own filter objects back.
D="$T/details"
mkdir -p "$D"
cat > "$D/syn.json" <<'EOF2'
{"schema": 1, "dataset": "syn", "title": "Synthetic", "license": "CC0", "default_variant": "v",
 "variants": {
  "v": {"description": "every detail",
   "files": [{"url": "https://example.org/a.zip", "unpack": true, "unpacked_size": 3145728,
              "unpack_nested": ["A/inner.tar", "A/inner.tar/deep.tgz"]},
             {"url": "https://example.org/items.txt"}],
   "interactions": {"path": "A/inner.tar/deep.tgz/r.csv", "format": "delim", "delimiter": ",",
     "columns": ["u", "i", "click", "label", "stars", "t"],
     "fields": {"user_id": "u", "item_id": "i", "timestamp": "t"}, "time": "unix_s",
     "extra_fields": "ignore", "time_fraction": "floor",
     "filter": [{"column": "click", "op": "==", "value": "1"},
                {"column": "label", "op": "in", "value": ["1", "2\"x"]},
                {"column": "stars", "op": ">=", "value": 4},
                {"column": "stars", "op": "<", "value": 4.75}]},
   "items": {"path": "items.txt", "format": "pylit", "fields": {"item_id": "i"},
     "filter": [{"column": "kind", "op": "!=", "value": "ad"}]}},
  "plain": {"description": "none of them", "files": [{"url": "https://example.org/b.zip", "unpack": true}],
   "interactions": {"path": "r.csv", "format": "csv", "header": true, "fields": {"user_id": "u", "item_id": "i"}}}}}
EOF2
check_exit 0 "info of a recipe with filters and nested archives" "$L4R" --recipes "$D" info syn
cp "$T/.out" "$T/syn.txt"
check_eq "info: the interactions block (alias delim shown as delimited, filters as written, modes)" \
  "$(sed -n '/^interactions:/,/^items:/p' "$T/syn.txt")" \
  'interactions:
  path:      A/inner.tar/deep.tgz/r.csv
  format:    delimited, delimiter '"','"', no header, encoding utf-8
  columns:   u, i, click, label, stars, t
  fields:    user_id <- u, item_id <- i, timestamp <- t
  time:      unix_s
  filter:    click == "1"
             label in ["1", "2\"x"]
             stars >= 4
             stars < 4.75
  extra:     "extra_fields": "ignore" (fields past the columns are dropped, and counted)
  fraction:  "time_fraction": "floor" (Unix times with a fraction are floored, and counted)
items:'
check_eq "info: the items table (alias pylit shown as python-literal, its filter)" \
  "$(sed -n '/^items:/,/^$/p' "$T/syn.txt" | sed -n '3p;6p')" \
  '  format:    python-literal, encoding utf-8
  filter:    kind != "ad"'
check_eq "info: the archive's unpacked size and the archives inside it" \
  "$(sed -n '/^  a.zip$/,/^  items.txt$/p' "$T/syn.txt" | grep -A2 '^    unpacks:')" \
  '    unpacks: 3145728 bytes (3.0 MiB)
    nested:  A/inner.tar (an archive, unpacked into a directory of that name)
             A/inner.tar/deep.tgz (an archive, unpacked into a directory of that name)'
check_eq "info: a plain file says neither" \
  "$(sed -n '/^  items.txt$/,/^$/p' "$T/syn.txt" | grep -c 'unpacks:\|nested:')" "0"
check_exit 0 "info of a variant without any of them" "$L4R" --recipes "$D" info syn --variant plain
for w in "filter:" "extra:" "fraction:" "unpacks:" "nested:"; do
  check_nogrep "info without them: no '$w' line" "^ *$w" "$T/.out"
done
check_exit 0 "info --json of the recipe with filters" "$L4R" --recipes "$D" info syn --json
check_eq "info --json: filters, modes and nested archives as the recipe gives them" \
  "$($PY -c '
import json,sys
o=json.load(open(sys.argv[1])); r=json.load(open(sys.argv[2]))["variants"]["v"]
t=o["interactions"]; f=o["files"]
print(t["filter"]==r["interactions"]["filter"], o["items"]["filter"]==r["items"]["filter"],
      t["extra_fields"], t["time_fraction"], o["items"]["extra_fields"], o["items"]["time_fraction"],
      t["format"], o["items"]["format"], f[0]["unpacked_size"], f[0]["unpack_nested"], f[1]["unpacked_size"], f[1]["unpack_nested"])
' "$T/.out" "$D/syn.json")" \
  "True True ignore floor error error delimited python-literal 3145728 ['A/inner.tar', 'A/inner.tar/deep.tgz'] None []"
check_exit 0 "info --json of a variant without filters" "$L4R" --recipes "$D" info syn --variant plain --json
check_eq "info --json without filters: an empty list and the defaults" \
  "$($PY -c 'import json,sys; t=json.load(open(sys.argv[1]))["interactions"]; print(t["filter"], t["extra_fields"], t["time_fraction"])' "$T/.out")" \
  "[] error error"
