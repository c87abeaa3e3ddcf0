# CLI tests: the tmall recipe on l4r-gen's data_format1.zip (IJCAI-15: data_format1/user_log_format1.csv
# with month-day dates, user_info_format1.csv) and IJCAI16_data.zip (ijcai2016_taobao.csv, yyyymmdd
# dates).  Every variant (ijcai15/{all,click,cart,buy,fav}, ijcai16/{all,click,buy}): the action
# filters and rating, the dates (829 and 1111 in 2014, the recipe's time_year; a recipe without it
# refused; impossible dates exit 7), the seq split on time order with same-day ties in file order,
# items.tsv and users.tsv; fetch is manual (exit 9, the steps name the page and the files), fetch
# --from 'data_format1 .zip' (Tianchi's name, with a space) then convert = --raw; IJCAI16_data.zip's
# pinned md5 refuses the fixture (exit 4).  Expected outputs come from python; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate ijcai15" "$GEN" tmall ijcai15 "$F" --lines 5000
check_exit 0 "generate ijcai16" "$GEN" tmall ijcai16 "$F" --lines 4000
check_exit 0 "generate ijcai15 again" "$GEN" tmall ijcai15 "$T/again" --lines 5000
check_same "generator: same arguments, same bytes" "$F/data_format1.zip" "$T/again/data_format1.zip"
Z15="$F/data_format1.zip"
Z16="$F/IJCAI16_data.zip"

python3 - "$F" "$T" <<'PY'
import calendar, csv, io, sys, zipfile
fx, out = sys.argv[1:3]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def write(name, head, rows):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write("\t".join(head) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
IH = ["user_id", "item_id", "rating", "timestamp"]
def seq(tag, rows):
    order, by = [], {}
    for r in rows:
        if r[0] not in by:
            by[r[0]] = []; order.append(r[0])
        by[r[0]].append(r)
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        rr = sorted(by[u], key=lambda x: int(x[3]))
        if len(rr) < 3:
            parts["train"] += rr
        else:
            parts["train"] += rr[:-2]; parts["valid"].append(rr[-2]); parts["test"].append(rr[-1])
    for k, rr in parts.items():
        write(f"{tag}-{k}.want", IH, rr)
def first_rows(rows, key, cols):
    seen, res = set(), []
    for r in rows:
        if r[key] not in seen:
            seen.add(r[key]); res.append([r[key]] + [r[c] for c in cols])
    return res
def table(z, name):
    raw = z.read(name).decode()
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    return raw, rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]

z = zipfile.ZipFile(f"{fx}/data_format1.zip")
fact("15_layout", z.namelist() == ["data_format1/"] + [f"data_format1/{n}" for n in
     ("user_log_format1.csv", "user_info_format1.csv", "train_format1.csv", "test_format1.csv")])
raw, head, log = table(z, "data_format1/user_log_format1.csv")
fact("15_header", head == ["user_id", "item_id", "cat_id", "seller_id", "brand_id", "time_stamp", "action_type"])
fact("15_example_row", raw.split("\n")[1] == "328862,323294,833,2882,2661,829,0")
ts = [r["time_stamp"] for r in log]
fact("15_three_digit_dates", any(len(t) == 3 for t in ts))
fact("15_four_digit_dates", any(len(t) == 4 for t in ts))
fact("15_double11_peak", ts.count("1111") > len(ts) / 10)
fact("15_no_padding", not any(t.startswith("0") for t in ts))
fact("15_empty_brand", any(r["brand_id"] == "" for r in log))
fact("15_four_actions", {r["action_type"] for r in log} == {"0", "1", "2", "3"})
ids = [r["user_id"] for r in log]
fact("15_users_not_in_id_order", ids != sorted(ids, key=int))
def mmdd(t):
    return str(calendar.timegm((2014, int(t[:-2]), int(t[-2:]), 0, 0, 0)))
allr = [(r["user_id"], r["item_id"], r["action_type"], mmdd(r["time_stamp"])) for r in log]
fact("15_same_day_ties", sum(1 for a, b in zip(allr, allr[1:]) if a[0] == b[0] and a[3] == b[3]) > 50)
write("ijcai15-all.want", IH, allr)
seq("ijcai15-all", allr)
for act, code in (("click", "0"), ("cart", "1"), ("buy", "2"), ("fav", "3")):
    keep = [(a, b, "1", d) for a, b, c, d in allr if c == code]
    write(f"ijcai15-{act}.want", IH, keep)
    open(f"{out}/ijcai15-{act}.filtered", "w").write(f"{len(allr) - len(keep)}\n")
    seq(f"ijcai15-{act}", keep)
write("ijcai15-items.want", ["item_id", "title", "cat_id", "seller_id", "brand_id"],
      [[x[0], ""] + x[1:] for x in first_rows(log, "item_id", ["cat_id", "seller_id", "brand_id"])])
_, uh, ui = table(z, "data_format1/user_info_format1.csv")
fact("15_user_info_header", uh == ["user_id", "age_range", "gender"])
fact("15_user_info_empty", any(r["age_range"] == "" or r["gender"] == "" for r in ui))
write("ijcai15-users.want", ["user_id", "age_range", "gender"], first_rows(ui, "user_id", ["age_range", "gender"]))

z = zipfile.ZipFile(f"{fx}/IJCAI16_data.zip")
fact("16_layout", z.namelist() == ["ijcai2016_taobao.csv", "ijcai2016_koubei_train", "ijcai2016_koubei_test",
                                   "ijcai2016_merchant_info"])
raw, head, log = table(z, "ijcai2016_taobao.csv")
open(f"{out}/ijcai2016_taobao.csv", "w").write(raw)
fact("16_header", head == ["use_ID", "sel_ID", "ite_ID", "cat_ID", "act_ID", "time"])
days = {r["time"] for r in log}
fact("16_no_1_to_20_november", not any("20151101" <= d <= "20151120" for d in days))
fact("16_window", min(days) >= "20150701" and max(days) <= "20151130" and "20151130" in days)
def ymd(t):
    return str(calendar.timegm((int(t[:4]), int(t[4:6]), int(t[6:]), 0, 0, 0)))
allr = [(r["use_ID"], r["ite_ID"], r["act_ID"], ymd(r["time"])) for r in log]
write("ijcai16-all.want", IH, allr)
seq("ijcai16-all", allr)
for act, code in (("click", "0"), ("buy", "1")):
    keep = [(a, b, "1", d) for a, b, c, d in allr if c == code]
    write(f"ijcai16-{act}.want", IH, keep)
    open(f"{out}/ijcai16-{act}.filtered", "w").write(f"{len(allr) - len(keep)}\n")
    seq(f"ijcai16-{act}", keep)
write("ijcai16-items.want", ["item_id", "title", "cat_id", "seller_id"],
      [[x[0], ""] + x[1:] for x in first_rows(log, "ite_ID", ["cat_ID", "sel_ID"])])
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts" | tr -d ' ')" 17

tm() { "$L4R" convert tmall "$@"; }
for v in ijcai15/all ijcai15/click ijcai15/cart ijcai15/buy ijcai15/fav ijcai16/all ijcai16/click ijcai16/buy; do
  n=$(echo "$v" | tr / -)
  rel=${v%/*}
  z=$Z15
  [ "$rel" = ijcai16 ] && z=$Z16
  for j in 1 3; do
    check_exit 0 "$v -j $j" tm --variant "$v" --raw "$z" -o "$T/$n-$j" -q -j "$j" --block-size 4096
  done
  check_same "$v: -j 1 = -j 3" "$T/$n-1/interactions.tsv" "$T/$n-3/interactions.tsv"
  check_same "$v: interactions (dates at midnight UTC)" "$T/$n-1/interactions.tsv" "$T/$n.want"
  check_same "$v: items.tsv from each item's first row" "$T/$n-1/items.tsv" "$T/$rel-items.want"
  [ -f "$T/$n.filtered" ] &&
    check_grep "$v: manifest counts the other actions filtered out" "\"filtered_out\": $(cat "$T/$n.filtered")" "$T/$n-1/manifest.json"
  check_exit 0 "$v --split seq" tm --variant "$v" --raw "$z" -o "$T/$n-seq" -q --split seq -j 3 --block-size 4096
  for k in train valid test; do
    check_same "$v seq $k: time order, same-day actions in file order" "$T/$n-seq/$k.tsv" "$T/$n-$k.want"
  done
done
for v in ijcai15/all ijcai15/buy; do
  n=$(echo "$v" | tr / -)
  check_same "$v: users.tsv from user_info_format1.csv (empty values kept)" "$T/$n-1/users.tsv" "$T/ijcai15-users.want"
done
check_eq "ijcai15: the example row, 829 = 2014-08-29, action 0" "$(sed -n 2p "$T/ijcai15-all-1/interactions.tsv")" \
  "$(printf '328862\t323294\t0\t1409270400')"
check_grep "ijcai15: 1111 = 2014-11-11 00:00 UTC" "$(printf '\t1415664000$')" "$T/ijcai15-all-1/interactions.tsv"
check_eq "ijcai15/all: rating = action_type, the four codes" \
  "$(tail -n +2 "$T/ijcai15-all-1/interactions.tsv" | cut -f3 | sort -u | tr '\n' ' ')" "0 1 2 3 "
check_eq "ijcai16/buy: rating 1" "$(tail -n +2 "$T/ijcai16-buy-1/interactions.tsv" | cut -f3 | sort -u | tr '\n' ' ')" "1 "
check_exit 0 "stats reads a split" "$L4R" stats "$T/ijcai15-all-seq"

# the date traps: impossible month-days and dates, a recipe without time_year
python3 - "$Z15" "$T/ijcai2016_taobao.csv" "$T" <<'PY'
import sys, zipfile
z15, csv16, out = sys.argv[1:4]
z = zipfile.ZipFile(z15)
log = z.read("data_format1/user_log_format1.csv").decode().split("\n")
def put15(name, k, value):
    lines = list(log)
    f = lines[k].split(",")
    f[5] = value
    lines[k] = ",".join(f)
    with zipfile.ZipFile(f"{out}/{name}", "w", zipfile.ZIP_DEFLATED) as zo:
        for n in z.namelist():
            if n.endswith("user_log_format1.csv"):
                zo.writestr(n, "\n".join(lines))
            else:
                zo.writestr(n, z.read(n))
put15("feb30.zip", 7, "230")
put15("nov31.zip", 9, "1131")
put15("month13.zip", 9, "1301")
lines = open(csv16).read().split("\n")
f = lines[4].split(","); f[5] = "20150229"; lines[4] = ",".join(f)
open(f"{out}/leap16.csv", "w").write("\n".join(lines))
PY
check_exit 7 "ijcai15: 230 (30 February) is refused" tm --raw "$T/feb30.zip" -o "$T/x" -q
check_grep "the message names the line and the value" "line 8.*'230'" "$T/.err"
check_exit 7 "ijcai15: 1131 (31 November) is refused" tm --raw "$T/nov31.zip" -o "$T/x" -q
check_grep "the message names the line and the value" "line 10.*'1131'" "$T/.err"
check_exit 7 "ijcai15: 1301 (month 13) is refused" tm --raw "$T/month13.zip" -o "$T/x" -q
check_exit 7 "ijcai16: 20150229 (2015 is no leap year) is refused" tm --variant ijcai16/all --raw "$T/leap16.csv" -o "$T/x" -q
check_grep "the message names the line and the value" "line 5.*'20150229'" "$T/.err"
mkdir -p "$T/noyear"
python3 - "$HERE/../recipes/tmall.json" "$T/noyear/tmall.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for v in r["variants"].values():
    v["interactions"].pop("time_year", None)
json.dump(r, open(sys.argv[2], "w"))
PY
check_exit 6 "a recipe with mmdd but no time_year is refused" "$L4R" --recipes "$T/noyear" info tmall
check_grep "the message names time_year" "time_year" "$T/.err"
mkdir -p "$T/y2015"
sed 's/"time_year": 2014/"time_year": 2015/' "$HERE/../recipes/tmall.json" >"$T/y2015/tmall.json"
check_exit 0 "time_year 2015 instead (a recipe copy)" "$L4R" --recipes "$T/y2015" convert tmall --raw "$Z15" -o "$T/y15" -q
check_eq "the year comes from time_year: 829 = 2015-08-29" "$(sed -n 2p "$T/y15/interactions.tsv" | cut -f4)" 1440806400

# --raw of the unzipped files
mkdir -p "$T/unz"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$Z15" "$T/unz"
check_exit 0 "ijcai15 --raw the unzipped data_format1/ folder" tm --raw "$T/unz/data_format1" -o "$T/unz15" -q
check_same "--raw folder = --raw zip" "$T/unz15/interactions.tsv" "$T/ijcai15-all.want"
check_same "--raw folder: users found" "$T/unz15/users.tsv" "$T/ijcai15-users.want"
check_exit 0 "ijcai16 --raw the unzipped ijcai2016_taobao.csv" tm --variant ijcai16/buy --raw "$T/ijcai2016_taobao.csv" -o "$T/unz16" -q
check_same "--raw the CSV = --raw the zip" "$T/unz16/interactions.tsv" "$T/ijcai16-buy.want"

# gated: fetch is manual
for v in ijcai15/all ijcai15/click ijcai15/cart ijcai15/buy ijcai15/fav; do
  check_exit 9 "$v: fetch without --from is manual (exit 9)" "$L4R" fetch tmall --variant "$v"
  check_grep "$v: the steps name the page" "https://tianchi.aliyun.com/dataset/42" "$T/.err"
  check_grep "$v: the steps name the file, with Tianchi's space" "fetch tmall --variant $v --from 'data_format1 .zip'" "$T/.err"
  check_grep "$v: the steps name the log file" "user_log_format1.csv" "$T/.err"
done
for v in ijcai16/all ijcai16/click ijcai16/buy; do
  check_exit 9 "$v: fetch without --from is manual (exit 9)" "$L4R" fetch tmall --variant "$v"
  check_grep "$v: the steps name the page" "https://tianchi.aliyun.com/dataset/53" "$T/.err"
  check_grep "$v: the steps name the file" "fetch tmall --variant $v --from IJCAI16_data.zip" "$T/.err"
done
cp "$Z15" "$T/data_format1 .zip"
check_exit 0 "fetch ijcai15/all --from 'data_format1 .zip' (the name with a space)" \
  "$L4R" fetch tmall --variant ijcai15/all --from "$T/data_format1 .zip" -q
check "fetch: unpacked into data_format1/" test -f "$LLM4REC_DATA_HOME/tmall/ijcai15/all/data_format1/user_log_format1.csv"
check_exit 0 "convert the fetched default variant" tm -o "$T/f15" -q -j 3
check_same "fetched = --raw (interactions)" "$T/f15/interactions.tsv" "$T/ijcai15-all.want"
check_same "fetched = --raw (users)" "$T/f15/users.tsv" "$T/ijcai15-users.want"
check_exit 4 "ijcai16: the fixture is not the real IJCAI16_data.zip (md5, exit 4)" \
  "$L4R" fetch tmall --variant ijcai16/buy --from "$Z16" -q
check_grep "the message says md5" "md5" "$T/.err"
check_not "nothing left behind" test -e "$LLM4REC_DATA_HOME/tmall/ijcai16/buy/IJCAI16_data.zip"
mkdir -p "$T/nomd5"
sed '/"md5": "c4f4f0b8/d' "$HERE/../recipes/tmall.json" >"$T/nomd5/tmall.json"
check_exit 0 "fetch ijcai16/buy --from the zip (recipe copy without the md5)" \
  "$L4R" --recipes "$T/nomd5" fetch tmall --variant ijcai16/buy --from "$Z16" -q
check_exit 0 "convert the fetched ijcai16/buy" "$L4R" --recipes "$T/nomd5" convert tmall --variant ijcai16/buy -o "$T/f16" -q
check_same "fetched = --raw" "$T/f16/interactions.tsv" "$T/ijcai16-buy.want"

check_exit 0 "list" "$L4R" list
for v in ijcai15/all ijcai15/click ijcai15/cart ijcai15/buy ijcai15/fav ijcai16/all ijcai16/click ijcai16/buy; do
  check_grep "list: $v" "$(printf 'tmall\t%s\t' "$v")" "$T/.out"
done
check_grep "list: ijcai15/all is the default" "$(printf 'tmall\tijcai15/all\t\\*')" "$T/.out"
check_exit 0 "info" "$L4R" info tmall
check_grep "info: the terms" "terms:       https://tianchi.aliyun.com/dataset/42" "$T/.out"
check_grep "info: the time format" "mmdd" "$T/.out"
check_grep "info: the year" "2014" "$T/.out"
check_grep "info: gated" "manual download (gated):" "$T/.out"
check_exit 0 "info ijcai16/click" "$L4R" info tmall --variant ijcai16/click
check_grep "info: its own terms page" "terms:       https://tianchi.aliyun.com/dataset/53" "$T/.out"
check_grep "info: the pinned md5" "c4f4f0b8860984723652d2e91bcddc01" "$T/.out"
check_grep "info: the filter" 'act_ID == "0"' "$T/.out"
check_grep "info: the date format" "yyyymmdd" "$T/.out"
