# CLI tests: the taobao recipe on l4r-gen's UserBehavior.csv.zip (one member, UserBehavior.csv, no
# header).  Every variant (pv, the default; buy; cart; fav; all): the behaviour filter and its
# filtered_out count, Unix seconds as they are (timestamps far outside the crawl window, before
# 1970 too, kept), the seq split on time order (rows out of order in the file, same-second ties in
# file order), items.tsv from each item's first row; fetch is manual (exit 9, the steps name the
# page and the file), fetch --from then convert = convert --raw of the zip = --raw of the unzipped
# CSV.  Every expected output is computed by python from the zip; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate" "$GEN" taobao "$F" --lines 6000
check_exit 0 "generate again" "$GEN" taobao "$T/again" --lines 6000
check_same "generator: same arguments, same bytes" "$F/UserBehavior.csv.zip" "$T/again/UserBehavior.csv.zip"
Z="$F/UserBehavior.csv.zip"

python3 - "$Z" "$T" <<'PY'
import csv, io, sys, zipfile
zpath, out = sys.argv[1:3]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def write(name, head, rows):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write("\t".join(head) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
IH = ["user_id", "item_id", "rating", "timestamp"]
z = zipfile.ZipFile(zpath)
fact("layout", z.namelist() == ["UserBehavior.csv"])
raw = z.read("UserBehavior.csv").decode()
open(f"{out}/UserBehavior.csv", "w").write(raw)
rows = list(csv.reader(io.StringIO(raw, newline="")))
fact("first_lines", raw.split("\n")[:3] == ["1,2268318,2520377,pv,1511544070", "1,2333346,2520771,pv,1511561733",
                                            "1,2576651,149192,pv,1511572885"])
fact("no_header", rows[0][0].isdigit())
fact("five_columns", all(len(r) == 5 for r in rows))
fact("behaviours", {r[3] for r in rows} == {"pv", "buy", "cart", "fav"})
ts = [int(r[4]) for r in rows]
fact("before_1970", any(t < 0 for t in ts))
fact("year_2037", any(t > 2100000000 for t in ts))
fact("before_window", any(0 < t < 1511539200 for t in ts))
fact("out_of_order", sum(1 for a, b in zip(rows, rows[1:]) if a[0] == b[0] and int(a[4]) > int(b[4])) > 20)
fact("same_second", sum(1 for a, b in zip(rows, rows[1:]) if a[0] == b[0] and a[4] == b[4]) > 20)
users = [r[0] for r in rows]
blocks = [u for i, u in enumerate(users) if i == 0 or users[i - 1] != u]
fact("user_blocks", len(blocks) == len(set(blocks)))
seen, items = set(), []
for r in rows:
    if r[1] not in seen:
        seen.add(r[1]); items.append([r[1], "", r[2]])
write("items.want", ["item_id", "title", "category_id"], items)
for v in ("pv", "buy", "cart", "fav", "all"):
    keep = [r for r in rows if v == "all" or r[3] == v]
    inter = [(r[0], r[1], "1", r[4]) for r in keep]
    write(f"{v}.want", IH, inter)
    open(f"{out}/{v}.filtered", "w").write(f"{len(rows) - len(keep)}\n")
    order, by = [], {}
    for x in inter:
        if x[0] not in by:
            by[x[0]] = []; order.append(x[0])
        by[x[0]].append(x)
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        rr = sorted(by[u], key=lambda x: int(x[3]))
        if len(rr) < 3:
            parts["train"] += rr
        else:
            parts["train"] += rr[:-2]; parts["valid"].append(rr[-2]); parts["test"].append(rr[-1])
    for k, rr in parts.items():
        write(f"{v}-{k}.want", IH, rr)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts" | tr -d ' ')" 11

tb() { "$L4R" convert taobao "$@"; }
for v in pv buy cart fav all; do
  for j in 1 3; do
    check_exit 0 "$v -j $j" tb --variant "$v" --raw "$Z" -o "$T/$v-$j" -q -j "$j" --block-size 4096
  done
  check_same "$v: -j 1 = -j 3" "$T/$v-1/interactions.tsv" "$T/$v-3/interactions.tsv"
  check_same "$v: the rows of that behaviour, rating 1, Unix seconds as written" "$T/$v-1/interactions.tsv" "$T/$v.want"
  check_grep "$v: manifest counts the other behaviours filtered out" "\"filtered_out\": $(cat "$T/$v.filtered")" "$T/$v-1/manifest.json"
  check_same "$v: items.tsv, the category of each item's first row" "$T/$v-1/items.tsv" "$T/items.want"
  check_exit 0 "$v --split seq" tb --variant "$v" --raw "$Z" -o "$T/$v-seq" -q --split seq -j 3 --block-size 4096
  for k in train valid test; do
    check_same "$v seq $k: time order, ties in file order" "$T/$v-seq/$k.tsv" "$T/$v-$k.want"
  done
done
check_eq "pv: the first real line" "$(sed -n 2p "$T/pv-1/interactions.tsv")" "$(printf '1\t2268318\t1\t1511544070')"
check_grep "all: a timestamp before 1970 is kept as it is" "$(printf '\t-21349')" "$T/all-1/interactions.tsv"
check_eq "all = the four behaviours together" "$(($(wc -l <"$T/all-1/interactions.tsv") - 1))" \
  "$(($(cat "$T/pv-1/interactions.tsv" "$T/buy-1/interactions.tsv" "$T/cart-1/interactions.tsv" "$T/fav-1/interactions.tsv" | grep -vc '^user_id')))"
check_exit 0 "--raw the unzipped UserBehavior.csv" tb --raw "$T/UserBehavior.csv" -o "$T/csv" -q
check_same "--raw the CSV = --raw the zip" "$T/csv/interactions.tsv" "$T/pv.want"
check_same "--raw the CSV: items.tsv from it" "$T/csv/items.tsv" "$T/items.want"
check_exit 0 "stats reads a split" "$L4R" stats "$T/pv-seq"

# a behaviour the recipe does not know is dropped by 'all' (and counted), not taken as an interaction
python3 - "$T/UserBehavior.csv" "$T/odd" <<'PY'
import os, sys, zipfile
lines = open(sys.argv[1]).read().split("\n")
lines[5] = lines[5].replace(",pv,", ",click,").replace(",cart,", ",click,").replace(",fav,", ",click,").replace(",buy,", ",click,")
os.makedirs(sys.argv[2], exist_ok=True)
with zipfile.ZipFile(f"{sys.argv[2]}/UserBehavior.csv.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("UserBehavior.csv", "\n".join(lines))
PY
check_exit 0 "all: a row of an unknown behaviour" tb --variant all --raw "$T/odd/UserBehavior.csv.zip" -o "$T/oddo" -q
check_grep "all: it is filtered out and counted" '"filtered_out": 1' "$T/oddo/manifest.json"
check_eq "all: one row fewer" "$(($(wc -l <"$T/oddo/interactions.tsv") + 1))" "$(wc -l <"$T/all-1/interactions.tsv" | tr -d ' ')"

# gated: fetch is manual
for v in pv buy cart fav all; do
  check_exit 9 "$v: fetch without --from is manual (exit 9)" "$L4R" fetch taobao --variant "$v"
  check_grep "$v: the steps name the Tianchi page" "https://tianchi.aliyun.com/dataset/649" "$T/.err"
  check_grep "$v: the steps name the file and the --from command" "fetch taobao --variant $v --from UserBehavior.csv.zip" "$T/.err"
done
check_exit 9 "convert without --raw of an unfetched variant: exit 9" tb -o "$T/nf" -q
check_exit 0 "fetch pv --from UserBehavior.csv.zip" "$L4R" fetch taobao --variant pv --from "$Z" -q
check "fetch: unpacked" test -f "$LLM4REC_DATA_HOME/taobao/pv/UserBehavior.csv"
check_exit 0 "convert the fetched pv (the default)" tb -o "$T/pvf" -q -j 3
check_same "fetched = --raw" "$T/pvf/interactions.tsv" "$T/pv.want"
check_same "fetched items = --raw" "$T/pvf/items.tsv" "$T/items.want"
check_exit 0 "fetch buy --from a differently named copy (one file, one --from)" \
  sh -c "cp '$Z' '$T/download.zip' && '$L4R' fetch taobao --variant buy --from '$T/download.zip' -q"
check_exit 0 "convert the fetched buy" tb --variant buy -o "$T/buyf" -q
check_same "fetched buy = --raw" "$T/buyf/interactions.tsv" "$T/buy.want"
check_exit 5 "fetch --from the unzipped CSV: not the zip the recipe names (exit 5)" \
  "$L4R" fetch taobao --variant cart --from "$T/UserBehavior.csv" -q
check_not "nothing left behind" test -e "$LLM4REC_DATA_HOME/taobao/cart/UserBehavior.csv"

check_exit 0 "list" "$L4R" list
for v in pv buy cart fav all; do
  check_grep "list: $v" "$(printf 'taobao\t%s\t' "$v")" "$T/.out"
done
check_grep "list: pv is the default" "$(printf 'taobao\tpv\t\\*')" "$T/.out"
check_exit 0 "info" "$L4R" info taobao
check_grep "info: the terms" "terms:       https://tianchi.aliyun.com/dataset/649" "$T/.out"
check_grep "info: the license" "Tianchi's dataset terms" "$T/.out"
check_grep "info: gated" "manual download (gated):" "$T/.out"
check_grep "info: the filter" 'behavior_type == "pv"' "$T/.out"
check_grep "info: the url" "https://alicloud-dev.oss-cn-hangzhou.aliyuncs.com/UserBehavior.csv.zip" "$T/.out"
