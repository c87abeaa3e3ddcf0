# CLI tests: the ninerec recipe on l4r-gen's plain files of every NineRec dataset (Bili_2M,
# Bili_500K, QB, TN, Bili_Food, Bili_Dance, Bili_Movie, Bili_Cartoon, Bili_Music, DY, KU):
# <DS>_behaviour.tsv ("user<TAB>item item ...", exploded, the order is the order), <DS>_pair.csv
# in both column orders (item,user,timestamp as the authors' reader has it; user,item,timestamp as
# the README says), told apart by the ids' prefixes (u... users, v... items), without time in QB (two
# fields) and TN (an empty third), and <DS>_item.csv (item, Chinese text, English text, quoted;
# KU with a stray fourth field).  Every expected output is computed by python from the fixture;
# -j 1 = -j 3; the pairs' seq split on time equals the sequence file's on position; a first record
# that fits no order (or two) is an error; the manual fetch (exit 9 naming the
# Drive file and the files, --from, convert of the fetched copy = --raw); list and info.
. "$(dirname "$0")/../lib.sh"

ALL="Bili_2M Bili_500K QB TN Bili_Food Bili_Dance Bili_Movie Bili_Cartoon Bili_Music DY KU"
UF="Bili_2M QB TN Bili_Food"
F="$T/fx"
mkdir -p "$F/uf"
for d in $ALL; do
  check_exit 0 "generate $d" "$GEN" ninerec "$d" "$F/$d"
done
for d in $UF; do
  check_exit 0 "generate $d user-first" "$GEN" ninerec "$d" "$F/uf/$d" user-first
done
check_exit 0 "generate QB again" "$GEN" ninerec QB "$F/again"
check_same "generator: same arguments, same bytes" "$F/QB/QB_pair.csv" "$F/again/QB_pair.csv"
check_exit 0 "generate DY with --lines 9000 --users 600 --items 4000" "$GEN" ninerec DY "$F/big" \
  --lines 9000 --users 600 --items 4000
check_eq "generator: --lines is exact" "$(wc -l <"$F/big/DY_pair.csv")" 9000
check_eq "generator: --users is exact" "$(wc -l <"$F/big/DY_behaviour.tsv")" 600
check_eq "generator: QB's first line is the README's" "$(head -1 "$F/QB/QB_behaviour.tsv")" \
  "$(printf 'u14500\tv17551 v165612 v288299 v14633 v350433')"
check_eq "generator: QB's first item is the README's" "$(head -1 "$F/QB/QB_item.csv")" \
  'v17551,韩国电影，《女教师》,"Korean Movie, The Governess"'

timed() { case $1 in QB | TN) return 1 ;; *) return 0 ;; esac; }

for d in $ALL; do
  for j in 1 3; do
    check_exit 0 "$d/seq -j $j" "$L4R" convert ninerec --variant "$d/seq" --raw "$F/$d/${d}_behaviour.tsv" \
      -o "$T/$d-seq-$j" -q -j "$j" --block-size 4096
    check_exit 0 "$d (pairs) -j $j" "$L4R" convert ninerec --variant "$d" --raw "$F/$d/${d}_pair.csv" \
      -o "$T/$d-$j" -q -j "$j" --block-size 4096
  done
  for o in "$d" "$d-seq"; do
    check_same "$o: -j 1 and -j 3 write the same interactions" "$T/$o-1/interactions.tsv" "$T/$o-3/interactions.tsv"
  done
  python3 - "$F/$d" "$d" "$T/$d" <<'PY'
import csv, sys
from l4r_expect import line
d, ds, out = sys.argv[1:]
H = "user_id\titem_id\trating\ttimestamp\n"
with open(out + ".seqinter", "w", encoding="utf-8") as f:
    f.write(H)
    for l in open(f"{d}/{ds}_behaviour.tsv", encoding="utf-8"):
        u, items = l.rstrip("\n").split("\t")
        f.write("".join(line([u, i, "1", ""]) for i in items.split(" ")))
pairs = list(csv.reader(open(f"{d}/{ds}_pair.csv", encoding="utf-8", newline="")))
timed = ds not in ("QB", "TN")
with open(out + ".inter", "w", encoding="utf-8") as f:
    f.write(H)
    for r in pairs:
        i, u = r[0], r[1]
        f.write(line([u, i, "1", int(r[2]) if timed else ""]))
items = list(csv.reader(open(f"{d}/{ds}_item.csv", encoding="utf-8", newline="")))
with open(out + ".items", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\ttitle_en\n" + "".join(line(r[:3]) for r in items))
facts = [len(set(len(r) for r in pairs)) == 1 and len(pairs[0]),
         sum(1 for r in items if len(r) > 3),
         sum(1 for r in items if "," in r[1] or "," in r[2]),
         sum(1 for r in items if '"' in r[2]),
         0]
if timed:   # users whose rows, in file order, are not in time order
    by = {}
    for r in pairs:
        by.setdefault(r[1], []).append(int(r[2]))
    facts[-1] = sum(1 for l in by.values() if l != sorted(l))
open(out + ".facts", "w").write(" ".join(map(str, facts)) + "\n")
PY
  read nfields extra comma quote unsorted <"$T/$d.facts"
  check_same "$d/seq: one row per item, in sequence order, no time" "$T/$d-seq-1/interactions.tsv" "$T/$d.seqinter"
  check_same "$d: pairs read item first: user, item, 1, time" "$T/$d-1/interactions.tsv" "$T/$d.inter"
  check_same "$d: items.tsv: item, Chinese title, English title_en" "$T/$d-1/items.tsv" "$T/$d.items"
  check_same "$d/seq: the same items" "$T/$d-seq-1/items.tsv" "$T/$d.items"
  check "$d fixture: texts with a comma (quoted)" test "$comma" -gt 5
  check "$d fixture: English texts with \"\" quotes" test "$quote" -gt 0
  case $d in
  QB) check_eq "QB fixture: two fields per pair (no time)" "$nfields" 2 ;;
  TN) check_eq "TN fixture: an empty third field (no time)" "$nfields" 3
    check_grep "TN: the empty third fields are dropped and counted" '"extra_fields_ignored": [1-9]' "$T/TN-1/manifest.json" ;;
  *) check_eq "$d fixture: item, user, time" "$nfields" 3
    check "$d fixture: rows not in time order" test "$unsorted" -gt 10 ;;
  esac
  if [ "$d" = KU ]; then
    check "KU fixture: item rows with a fourth field" test "$extra" -gt 0
    check_grep "KU: the fourth fields are dropped and counted" '"extra_fields_ignored": [1-9]' "$T/KU-1/manifest.json"
  fi
  if timed "$d"; then
    # the pairs' seq split (by time) and the sequence file's (by position) hold the same rows
    check_exit 0 "$d --split seq" "$L4R" convert ninerec --variant "$d" --raw "$F/$d/${d}_pair.csv" -o "$T/$d-s" -q --split seq
    check_exit 0 "$d/seq --split seq" "$L4R" convert ninerec --variant "$d/seq" --raw "$F/$d/${d}_behaviour.tsv" \
      -o "$T/$d-ss" -q --split seq
    for k in train valid test; do
      cut -f1,2 "$T/$d-s/$k.tsv" | LC_ALL=C sort >"$T/a.$k"
      cut -f1,2 "$T/$d-ss/$k.tsv" | LC_ALL=C sort >"$T/b.$k"
      check_same "$d seq $k: the pairs' time order = the sequence file's order" "$T/a.$k" "$T/b.$k"
    done
  else
    check_same "$d: the untimed pairs in file order = the sequence file" "$T/$d-1/interactions.tsv" "$T/$d.seqinter"
  fi
done

# the README's column order, user first: told from the ids (columns_by_prefix), per file
for d in $UF; do
  check_exit 0 "$d on a user,item file" "$L4R" convert ninerec --variant "$d" \
    --raw "$F/uf/$d/${d}_pair.csv" -o "$T/$d-uf" -q -j 3 --block-size 4096
  python3 - "$F/uf/$d/${d}_pair.csv" "$d" "$T/$d.ufinter" <<'PY'
import csv, sys
from l4r_expect import line
path, ds, out = sys.argv[1:]
pairs = list(csv.reader(open(path, encoding="utf-8", newline="")))
# the first record tells the order: the field that starts with 'u' is the user, 'v' the item
first = pairs[0]
if first[0].startswith("u") and first[1].startswith("v"):
    ui, ii = 0, 1
elif first[0].startswith("v") and first[1].startswith("u"):
    ui, ii = 1, 0
else:
    sys.exit("undecidable fixture")
timed = ds not in ("QB", "TN")
with open(out, "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\trating\ttimestamp\n")
    for r in pairs:
        f.write(line([r[ui], r[ii], "1", int(r[2]) if timed else ""]))
PY
  check_eq "$d fixture: the user-first file starts with a user" "$(head -c1 "$F/uf/$d/${d}_pair.csv")" u
  check_same "$d: a user,item file gives python's rows" "$T/$d-uf/interactions.tsv" "$T/$d.ufinter"
  check_same "$d: the same interactions as the item,user file" "$T/$d-uf/interactions.tsv" "$T/$d.inter"
  check_exit 0 "$d on a user,item file, said on stderr" "$L4R" convert ninerec --variant "$d" \
    --raw "$F/uf/$d/${d}_pair.csv" -o "$T/$d-uf2"
  check_grep "$d: the order found is said" "column order by prefix: user = field 1, item = field 2" "$T/.err"
done
# a first record that fits neither order is an error that says so (a header line is one)
mkdir -p "$T/bad"
cp "$F/Bili_Food/Bili_Food_item.csv" "$T/bad/"
{ echo "v20000,v20001,1599472273"; cat "$F/Bili_Food/Bili_Food_pair.csv"; } >"$T/bad/Bili_Food_pair.csv"
check_exit 7 "a pair file whose first record has no user: exit 7" "$L4R" convert ninerec --variant Bili_Food \
  --raw "$T/bad" -o "$T/xbad" -q
check_grep "exit 7 names the file and the record" \
  "Bili_Food_pair.csv' line 1: cannot tell the column order from the first record 'v20000,v20001,1599472273': no order" "$T/.err"
check_grep "exit 7 names the prefixes" '"columns_by_prefix": {"user": "u", "item": "v"}' "$T/.err"
{ echo "user_id,item_id,timestamp"; cat "$F/Bili_Food/Bili_Food_pair.csv"; } >"$T/bad/Bili_Food_pair.csv"
check_exit 7 "a pair file with a header line: exit 7" "$L4R" convert ninerec --variant Bili_Food \
  --raw "$T/bad" -o "$T/xbad" -q
# several files of one table, each in its own order; two orders fitting; the key's checks
mkdir -p "$T/rc" "$T/two"
cp "$F/Bili_Food/Bili_Food_pair.csv" "$T/two/a.csv"
cp "$F/uf/Bili_Food/Bili_Food_pair.csv" "$T/two/b.csv"
cat >"$T/rc/two.json" <<'JSON'
{"schema": 1, "dataset": "two", "title": "t", "license": "l", "default_variant": "ab",
 "variants": {
  "ab": {"description": "d", "files": [{"url": "file:///a.csv", "name": "a.csv"}, {"url": "file:///b.csv", "name": "b.csv"}],
         "interactions": {"paths": ["a.csv", "b.csv"], "format": "csv", "columns": ["item", "user", "timestamp"],
                          "columns_by_prefix": {"user": "u", "item": "v"},
                          "fields": {"user_id": "user", "item_id": "item", "timestamp": "timestamp"}, "time": "unix_s"}},
  "xx": {"description": "d", "files": [{"url": "file:///a.csv", "name": "a.csv"}],
         "interactions": {"path": "a.csv", "format": "csv", "columns": ["item", "user", "timestamp"],
                          "columns_by_prefix": {"user": "u", "item": "u"},
                          "fields": {"user_id": "user", "item_id": "item"}}}}}
JSON
check_exit 0 "two files in two orders, one table" "$L4R" --recipes "$T/rc" convert two --raw "$T/two" -o "$T/tw" -q
{ cat "$T/Bili_Food.inter"; tail -n +2 "$T/Bili_Food.inter"; } >"$T/tw.expect"
check_same "each file's order told on its own" "$T/tw/interactions.tsv" "$T/tw.expect"
echo "u1,u2,1" >"$T/two/a.csv"
check_exit 7 "two orders fit: exit 7" "$L4R" --recipes "$T/rc" convert two --variant xx --raw "$T/two/a.csv" -o "$T/tx" -q
check_grep "two orders fit: said" "more than one order of the columns fits" "$T/.err"
sed 's/"columns_by_prefix": {"user": "u", "item": "v"}/"columns_by_prefix": {"user": "u", "itm": "v"}/' "$T/rc/two.json" >"$T/rc/x"
mv "$T/rc/x" "$T/rc/two.json"
check_exit 6 "columns_by_prefix naming no column: exit 6" "$L4R" --recipes "$T/rc" list
check_grep "the unknown column is named" "columns_by_prefix.itm: 'itm' is not one of the table's columns" "$T/.err"
sed 's/"columns_by_prefix": {"user": "u", "itm": "v"}/"header": true, "columns_by_prefix": {"user": "u", "item": "v"}/' "$T/rc/two.json" >"$T/rc/x"
mv "$T/rc/x" "$T/rc/two.json"
check_exit 6 "columns_by_prefix with a header: exit 6" "$L4R" --recipes "$T/rc" list
check_grep "with a header: said" 'not allowed with "header": true' "$T/.err"
check_exit 2 "QB (no time): a time split is refused" "$L4R" convert ninerec --variant QB \
  --raw "$F/QB/QB_pair.csv" -o "$T/x" -q --split time:2020-01-01

# list and info
check_exit 0 "list" "$L4R" list
for d in $ALL; do
  for s in "" /seq; do
    check_grep "list: ninerec $d$s" "$(printf 'ninerec\t%s\t' "$d$s")" "$T/.out"
  done
done
check_grep "list: QB/seq is the default" "$(printf 'ninerec\tQB/seq\t\052')" "$T/.out"
check_exit 0 "info Bili_Food" "$L4R" info ninerec --variant Bili_Food
check_grep "info: the license" "no license file ships with it" "$T/.out"
check_grep "info: the Downstream Drive file is the url" "url:     https://drive.google.com/file/d/15RlthgPczrFbP4U7l6QflSImK5wSGP5K/view?usp=sharing" "$T/.out"
check_grep "info: the columns, item first" "columns:   item, user, timestamp" "$T/.out"
check_grep "info: the order told by the ids" "told by the ids (recipe key columns_by_prefix)" "$T/.out"
check_grep "info: the prefixes" "by prefix: user 'u...', item 'v...' (these columns' order in each file" "$T/.out"
check_grep "info: the citation" "zhang2024ninerec" "$T/.out"
check_exit 0 "info --json Bili_Food" "$L4R" info ninerec --variant Bili_Food --json
cp "$T/.out" "$T/info.json"
check_exit 0 "info --json: columns_by_prefix" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["interactions"]
assert t["columns_by_prefix"] == {"user": "u", "item": "v"}, t' "$T/info.json"
check_exit 0 "info Bili_2M" "$L4R" info ninerec --variant Bili_2M
check_grep "info: the Source Drive file" "https://drive.google.com/file/d/1fR5XB-dC0CDsyZ4BvtUJJn7i3OnWJa-9/view?usp=sharing" "$T/.out"
check_exit 6 "the /user-first variants are gone (the order is told by the ids)" "$L4R" info ninerec --variant Bili_2M/user-first

# the manual fetch
check_exit 9 "fetch QB/seq (default) without --from: exit 9" "$L4R" fetch ninerec -q
check_grep "exit 9 names the Drive file" "https://drive.google.com/file/d/15RlthgPczrFbP4U7l6QflSImK5wSGP5K/view?usp=sharing" "$T/.err"
check_grep "exit 9 names the files" "missing 'QB_behaviour.tsv', 'QB_item.csv'" "$T/.err"
check_grep "exit 9 gives the next command" "fetch ninerec --variant QB/seq --from QB_behaviour.tsv --from QB_item.csv" "$T/.err"
check_grep "exit 9 mentions --from DIR" "or --from DIR, the unpacked folder holding them" "$T/.err"
check_exit 9 "fetch Bili_2M without --from: exit 9" "$L4R" fetch ninerec --variant Bili_2M -q
check_grep "exit 9 names the Source Datasets file" "'Source Datasets' file, https://drive.google.com/file/d/1fR5XB-dC0CDsyZ4BvtUJJn7i3OnWJa-9" "$T/.err"
check_grep "exit 9 names the pairs and the items" "missing 'Bili_2M_pair.csv', 'Bili_2M_item.csv'" "$T/.err"
check_exit 0 "fetch QB/seq --from both files" "$L4R" fetch ninerec --from "$F/QB/QB_behaviour.tsv" --from "$F/QB/QB_item.csv" -q
check_exit 0 "convert the fetched QB/seq" "$L4R" convert ninerec -o "$T/f" -q
check_same "QB/seq: fetched = --raw" "$T/f/interactions.tsv" "$T/QB-seq-1/interactions.tsv"
check_same "QB/seq: fetched items = --raw" "$T/f/items.tsv" "$T/QB.items"
check_exit 0 "fetch Bili_Food --from both files" "$L4R" fetch ninerec --variant Bili_Food \
  --from "$F/Bili_Food/Bili_Food_pair.csv" --from "$F/Bili_Food/Bili_Food_item.csv" -q
check_exit 0 "convert the fetched Bili_Food" "$L4R" convert ninerec --variant Bili_Food -o "$T/ff" -q
check_same "Bili_Food: fetched = --raw" "$T/ff/interactions.tsv" "$T/Bili_Food.inter"
check_same "Bili_Food: fetched items = --raw" "$T/ff/items.tsv" "$T/Bili_Food.items"
# --from DIR: the unpacked dataset folder (covers and the other files beside them are ignored)
mkdir -p "$T/un/KU/KU_cover"
cp "$F/KU/"* "$T/un/KU/"
echo "v20000,https://example.invalid/v20000" >"$T/un/KU/KU_url.csv"
check_exit 0 "fetch KU/seq --from the unpacked folder" "$L4R" fetch ninerec --variant KU/seq --from "$T/un/KU" -q
check_exit 0 "convert the fetched KU/seq" "$L4R" convert ninerec --variant KU/seq -o "$T/fk" -q
check_same "KU/seq: fetched from a directory = --raw" "$T/fk/interactions.tsv" "$T/KU.seqinter"
check_same "KU/seq: fetched items = --raw" "$T/fk/items.tsv" "$T/KU.items"
check_exit 0 "convert --raw DIR (the unpacked folder)" "$L4R" convert ninerec --variant Bili_Food/seq --raw "$F/Bili_Food" -o "$T/fd" -q
check_same "Bili_Food/seq: --raw DIR = --raw FILE" "$T/fd/interactions.tsv" "$T/Bili_Food.seqinter"
