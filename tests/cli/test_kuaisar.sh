# CLI tests: the kuaisar recipe on l4r-gen's archives (KuaiSAR_v2.zip, KuaiSAR.zip; folder with
# rec_inter.csv, src_inter.csv, user_features.csv, item_features.csv, social_network.csv).  Every
# variant (v2/rec, v2/search, small/rec, small/search): clicks only by default (a "negatives"
# filter), every row with --keep-negatives (rating 0); millisecond times written as floats,
# in exact scientific notation and in the short 7-digit form; a fraction of a millisecond is exit
# 7; batches sharing one timestamp (seq split ties in file order); a click written "1.0"; another
# top folder in the zip (unzip and --raw the folder); fetch through a file:// mirror.  Every
# expected output is computed by python from the archives; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate v2" "$GEN" kuaisar v2 "$F" --lines 5000 --ratings 3000
check_exit 0 "generate small" "$GEN" kuaisar small "$F" --lines 2500 --ratings 1500
check_exit 0 "generate v2 again" "$GEN" kuaisar v2 "$T/again" --lines 5000 --ratings 3000
check_same "generator: same arguments, same bytes" "$F/KuaiSAR_v2.zip" "$T/again/KuaiSAR_v2.zip"

python3 - "$F" "$T" <<'PY'
import calendar, csv, io, sys, time, zipfile
from decimal import Decimal
fx, out = sys.argv[1:3]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def write(name, head, rows):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write("\t".join(head) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
def ms_to_s(v):
    d = Decimal(v)
    assert d == d.to_integral_value(), v
    return str(int(d) // 1000)
IH = ["user_id", "item_id", "rating", "timestamp"]
ITEMH = ["item_id", "title", "caption", "author_id", "item_type", "upload_time", "upload_type"] + \
        [f"category_{i}" for i in range(1, 5)] + [f"category_{i}_zh" for i in range(1, 5)]
LV = ["first", "second", "third", "fourth"]

def seq(tag, rows):
    order, by = [], {}
    for r in rows:
        if r[0] not in by:
            by[r[0]] = []
            order.append(r[0])
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

for rel, zname, folder in (("v2", "KuaiSAR_v2.zip", "KuaiSAR_v2"), ("small", "KuaiSAR.zip", "KuaiSAR_final")):
    z = zipfile.ZipFile(f"{fx}/{zname}")
    fact(f"{rel}_layout", z.namelist() == [f"{folder}/"] + [f"{folder}/{n}" for n in
         ("rec_inter.csv", "src_inter.csv", "social_network.csv", "user_features.csv", "item_features.csv")])
    def table(name):
        raw = z.read(f"{folder}/{name}").decode("utf-8")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        return raw, rows[0], rows[1:]
    raw, head, rec = table("rec_inter.csv")
    fact(f"{rel}_rec_header", head == ["user_id", "item_id", "playing_time", "duration_ms", "time", "timestamp", "click",
                                       "forward", "like", "follow", "search", "search_item_related"])
    C = {h: i for i, h in enumerate(head)}
    if rel == "v2":
        fact("rec_first_line", raw.split("\n")[1] == "1,1,60792.0,45400.0,2023-05-22 15:53:20,1.684742e+12,1,1,1,1,1,1")
        fact("sci_short", sum(1 for r in rec if "e+" in r[C["timestamp"]] and len(r[C["timestamp"]]) == 12) > 20)
        fact("sci_long", sum(1 for r in rec if "e+" in r[C["timestamp"]] and len(r[C["timestamp"]]) > 12) > 20)
        fact("float_ms", sum(1 for r in rec if r[C["timestamp"]].endswith(".0")) > 1000)
        # the Beijing 'time' column is the same instant, 8 hours ahead of UTC
        fact("beijing_time", all(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(ms_to_s(r[C["timestamp"]])) + 8 * 3600))
                                 == r[C["time"]] for r in rec))
        clicks = sum(1 for r in rec if r[C["click"]] == "1")
        fact("half_clicked", 0.4 < clicks / len(rec) < 0.6)
        fact("batch_ties", sum(1 for a, b in zip(rec, rec[1:]) if a[0] == b[0] and a[C["timestamp"]] == b[C["timestamp"]]) > 500)
        fact("late_rows", sum(1 for a, b in zip(rec, rec[1:]) if Decimal(a[C["timestamp"]]) > Decimal(b[C["timestamp"]])) > 20)
    inter = [(r[0], r[1], r[C["click"]], ms_to_s(r[C["timestamp"]])) for r in rec]
    write(f"{rel}-rec-all.want", IH, inter)
    pos = [r for r in inter if r[2] != "0"]
    write(f"{rel}-rec.want", IH, pos)
    open(f"{out}/{rel}-rec.filtered", "w").write(f"{len(inter) - len(pos)}\n")
    seq(f"{rel}-rec", pos)

    raw, head, src = table("src_inter.csv")
    S = {h: i for i, h in enumerate(head)}
    if rel == "v2":
        fact("src_first_line", raw.split("\n")[1] == '14358,1,2023-05-22 21:58:52,1684763932919,"[20, 34, 3]",USER_INPUT,103656000000,1,VIDEO')
        sess = {}
        for r in src:
            sess.setdefault(r[S["search_session_id"]], []).append(int(r[S["click_cnt"]]))
        fact("sessions_without_click", 0.25 < sum(1 for v in sess.values() if sum(v) == 0) / len(sess) < 0.55)
        fact("keyword_quoted", raw.count(',"[') >= len(src))
        fact("non_video_results", sum(1 for r in src if r[S["item_type"]] in ("USER", "LIVE")) > 100)
        fact("click_cnt_2", any(r[S["click_cnt"]] == "2" for r in src))
    sint = [(r[0], r[S["item_id"]], r[S["click_cnt"]], ms_to_s(r[S["search_session_timestamp"]])) for r in src]
    write(f"{rel}-search-all.want", IH, sint)
    spos = [r for r in sint if r[2] != "0"]
    write(f"{rel}-search.want", IH, spos)
    open(f"{out}/{rel}-search.filtered", "w").write(f"{len(sint) - len(spos)}\n")
    seq(f"{rel}-search", spos)

    raw, head, items = table("item_features.csv")
    I = {h: i for i, h in enumerate(head)}
    if rel == "v2":
        fact("category_with_comma", '"Pets, animals"' in raw)
        fact("empty_caption", any(r[I["caption"]] == "[]" for r in items))
    rows = []
    for r in items:
        cap = " ".join(x.strip() for x in r[I["caption"]].strip("[]").split(",") if x.strip())
        rows.append([r[0], "", cap] + [r[I[k]] for k in ("author_id", "item_type", "upload_time", "upload_type")]
                    + [r[I[f"{l}_level_category_name_en"]] for l in LV] + [r[I[f"{l}_level_category_name"]] for l in LV])
    write(f"{rel}-items.want", ITEMH, rows)
    raw, head, users = table("user_features.csv")
    write(f"{rel}-users.want", head, users)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts" | tr -d ' ')" 19

kc() { "$L4R" convert kuaisar "$@"; }
for v in v2/rec v2/search small/rec small/search; do
  rel=${v%/*}
  n=$(echo "$v" | tr / -)
  z=$F/KuaiSAR_v2.zip
  [ "$rel" = small ] && z=$F/KuaiSAR.zip
  for j in 1 3; do
    check_exit 0 "$v -j $j" kc --variant "$v" --raw "$z" -o "$T/$n-$j" -q -j "$j" --block-size 4096
  done
  for f in interactions items users; do
    check_same "$v: -j 1 and -j 3 write the same $f.tsv" "$T/$n-1/$f.tsv" "$T/$n-3/$f.tsv"
  done
  check_same "$v: the clicks, rating = the click column, ms floored to seconds" "$T/$n-1/interactions.tsv" "$T/$n.want"
  check_same "$v: items from item_features.csv" "$T/$n-1/items.tsv" "$T/$rel-items.want"
  check_same "$v: users from user_features.csv" "$T/$n-1/users.tsv" "$T/$rel-users.want"
  check_grep "$v: manifest counts the non-clicks filtered out" "\"filtered_out\": $(cat "$T/$n.filtered")" "$T/$n-1/manifest.json"
  check_exit 0 "$v --keep-negatives" kc --variant "$v" --raw "$z" -o "$T/$n-neg" -q --keep-negatives -j 3 --block-size 4096
  check_same "$v --keep-negatives: every row, non-clicks with rating 0" "$T/$n-neg/interactions.tsv" "$T/$n-all.want"
  check_exit 0 "$v --split seq" kc --variant "$v" --raw "$z" -o "$T/$n-seq" -q --split seq
  for k in train valid test; do
    check_same "$v seq $k: time order, a batch's shared timestamp in file order" "$T/$n-seq/$k.tsv" "$T/$n-$k.want"
  done
done
check_eq "v2/rec: the example line, 1.684742e+12 ms = 2023-05-22 07:53:20 UTC" \
  "$(sed -n 2p "$T/v2-rec-1/interactions.tsv")" "$(printf '1\t1\t1\t1684742000')"
check_eq "v2/search: the example line, 1684763932919 ms" \
  "$(sed -n 2p "$T/v2-search-1/interactions.tsv")" "$(printf '14358\t103656000000\t1\t1684763932')"
check_eq "v2/rec --keep-negatives: ratings are 0 and 1 only" \
  "$(tail -n +2 "$T/v2-rec-neg/interactions.tsv" | cut -f3 | sort -u | tr '\n' ' ')" "0 1 "
check_grep "manifest: --keep-negatives is recorded" '"--keep-negatives"' "$T/v2-rec-neg/manifest.json"
check_exit 0 "stats reads a split" "$L4R" stats "$T/v2-rec-seq"

# edited copies of rec_inter.csv: times with a fraction of a millisecond, a click written as 1.0
python3 - "$F/KuaiSAR_v2.zip" "$T" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = sys.argv[2]
rec = z.read("KuaiSAR_v2/rec_inter.csv").decode().split("\n")
def put(name, lines, folder="KuaiSAR_v2"):
    with zipfile.ZipFile(f"{out}/{name}", "w", zipfile.ZIP_DEFLATED) as zo:
        for n in z.namelist():
            m = n.replace("KuaiSAR_v2/", folder + "/", 1)
            if n.endswith("rec_inter.csv"):
                zo.writestr(m, "\n".join(lines))
            elif not n.endswith("/"):
                zo.writestr(m, z.read(n))
# a clicked row (a filtered-out row's time is never read): the first after the example line
k = next(i for i in range(2, len(rec)) if rec[i].split(",")[6] == "1")
open(f"{out}/frac.line", "w").write(f"{k + 1}\n")
def settime(v):
    lines = list(rec)
    f = lines[k].split(",")
    f[5] = v
    lines[k] = ",".join(f)
    return lines
put("frac-sci.zip", settime("1.6847424001235e+12"))
put("frac-dec.zip", settime("1684742400123.5"))
def floatclick(l):
    f = l.split(",")
    if len(f) == 12 and f[6] in ("0", "1"):
        f[6] += ".0"
    return ",".join(f)
put("click-float.zip", [rec[0]] + [floatclick(l) for l in rec[1:]])
put("other-folder.zip", rec, folder="KuaiSR")
PY
check_exit 7 "a time with a fraction of a millisecond (scientific notation) is refused" \
  kc --variant v2/rec --raw "$T/frac-sci.zip" -o "$T/x" -q
check_grep "the message names the line, the value and the key" "line $(cat "$T/frac.line"): .*'1.6847424001235e+12' has a fraction; Unix milliseconds must be whole (recipe key \"time_fraction\"" "$T/.err"
check_exit 7 "a time with a fraction of a millisecond (decimal) is refused" \
  kc --variant v2/rec --raw "$T/frac-dec.zip" -o "$T/x" -q
check_grep "the decimal value is named" "'1684742400123.5' has a fraction" "$T/.err"
check_exit 0 "a click written as 1.0 / 0.0 (a float column)" kc --variant v2/rec --raw "$T/click-float.zip" -o "$T/cf" -q
check_same "click 1.0: the same rows pass the filter (numeric > 0)" \
  "$(cut -f1,2,4 "$T/cf/interactions.tsv" >"$T/cf.a"; echo "$T/cf.a")" "$(cut -f1,2,4 "$T/v2-rec.want" >"$T/cf.b"; echo "$T/cf.b")"
check_eq "click 1.0: the rating is copied as written" "$(sed -n 2p "$T/cf/interactions.tsv" | cut -f3)" "1.0"
check_exit 5 "another top folder in the zip: the member is not found (exit 5)" kc --variant v2/rec --raw "$T/other-folder.zip" -o "$T/x" -q
check_grep "the message names the member looked for" "no member 'KuaiSAR_v2/" "$T/.err"
mkdir -p "$T/unz"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$T/other-folder.zip" "$T/unz"
check_exit 0 "unzipped, --raw the folder whatever its name" kc --variant v2/rec --raw "$T/unz/KuaiSR" -o "$T/of" -q
check_same "--raw folder = --raw zip" "$T/of/interactions.tsv" "$T/v2-rec.want"
check_same "--raw folder: items found in it" "$T/of/items.tsv" "$T/v2-items.want"
check_exit 0 "--raw rec_inter.csv itself (items next to it)" kc --variant v2/rec --raw "$T/unz/KuaiSR/rec_inter.csv" -o "$T/pf" -q
check_same "--raw the plain file = --raw zip" "$T/pf/interactions.tsv" "$T/v2-rec.want"
check_same "--raw the plain file: items.tsv next to it" "$T/pf/items.tsv" "$T/v2-items.want"

check_exit 0 "list" "$L4R" list
for v in v2/rec v2/search small/rec small/search; do
  check_grep "list: $v" "$(printf 'kuaisar\t%s\t' "$v")" "$T/.out"
done
check_grep "list: v2/rec is the default" "$(printf 'kuaisar\tv2/rec\t\\*')" "$T/.out"
check_exit 0 "info v2/rec" "$L4R" info kuaisar
check_grep "info: the Zenodo URL" "https://zenodo.org/record/8181109/files/KuaiSAR_v2.zip" "$T/.out"
check_grep "info: the license" "CC BY-NC-SA 4.0" "$T/.out"
check_grep "info: the filter drops negatives" "click > 0  (drops the negatives; convert --keep-negatives keeps them)" "$T/.out"
check_nogrep "info: no terms to accept" "terms:" "$T/.out"
check_exit 0 "info small/search" "$L4R" info kuaisar --variant small/search
check_grep "info: the small archive" "https://zenodo.org/record/8181109/files/KuaiSAR.zip" "$T/.out"
check_grep "info: the search filter" "click_cnt > 0" "$T/.out"

# fetch through a file:// mirror (no digest published: pinned in the lock file), then convert
mkdir -p "$T/mirror/zenodo.org/record/8181109/files"
cp "$F/KuaiSAR.zip" "$T/mirror/zenodo.org/record/8181109/files/"
check_exit 0 "fetch small/rec through a file:// mirror (no --accept-license needed)" \
  "$L4R" fetch kuaisar --variant small/rec --mirror "file://$T/mirror" -q
check "fetch: unpacked into KuaiSAR_final/" test -f "$LLM4REC_DATA_HOME/kuaisar/small/rec/KuaiSAR_final/rec_inter.csv"
check_exit 0 "convert the fetched small/rec" kc --variant small/rec -o "$T/sf" -q
check_same "fetched = --raw" "$T/sf/interactions.tsv" "$T/small-rec.want"
check_exit 0 "fetch small/search (same archive, its own variant directory)" \
  "$L4R" fetch kuaisar --variant small/search --mirror "file://$T/mirror" -q
check_exit 0 "convert the fetched small/search" kc --variant small/search -o "$T/ssf" -q
check_same "fetched search = --raw" "$T/ssf/interactions.tsv" "$T/small-search.want"
