# CLI tests: the tenrec recipe on l4r-gen's scenario files (QK-video.csv, QB-video.csv,
# QK-article.csv, QB-article.csv, as the unpacked 'Tenrec/' folder).  Every variant: clicks only by
# default (a "negatives" filter, click in 1 / 1.0), every exposure with --keep-negatives (rating 0);
# no time column, so the timestamp is empty on every row, the file order is each user's order and
# the seq split's test item is the user's last row in the file; --split time: is refused; items.tsv
# and users.tsv from the item's and user's first row; the misspelt QB-artilce.csv by --raw and
# --from; fetch is manual (exit 9, the steps name the page and the file), fetch --from then convert
# = convert --raw.  Every expected output is computed by python from the fixture; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/Tenrec"
check_exit 0 "generate the package folder" "$GEN" tenrec all "$F" --lines 4000
check_exit 0 "generate it again" "$GEN" tenrec all "$T/again" --lines 4000
for n in QK-video QB-video QK-article QB-article; do
  check_same "generator: same arguments, same bytes ($n)" "$F/$n.csv" "$T/again/$n.csv"
done
check_exit 0 "generate one file, scaled" "$GEN" tenrec QB-video "$T/one" --lines 900 --users 20 --items 50 --seed 9
check_eq "generator: --lines is exact" "$(($(wc -l <"$T/one/QB-video.csv") - 1))" 900
check_eq "generator: --users is exact" "$(tail -n +2 "$T/one/QB-video.csv" | cut -d, -f1 | sort -u | wc -l | tr -d ' ')" 20

python3 - "$F" "$T" <<'PY'
import csv, sys
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
            by[r[0]] = []
            order.append(r[0])
        by[r[0]].append(r)
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        rr = by[u]  # no time: the file order is the order
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
            seen.add(r[key])
            res.append([r[key]] + [r[c] for c in cols])
    return res

for v in ("QK-video", "QB-video", "QK-article", "QB-article"):
    raw = open(f"{fx}/{v}.csv", encoding="utf-8").read()
    rows = list(csv.DictReader(raw.splitlines()))
    users = [r["user_id"] for r in rows]
    blocks = [u for i, u in enumerate(users) if i == 0 or users[i - 1] != u]
    fact(f"{v}_user_blocks_contiguous", len(blocks) == len(set(blocks)))
    fact(f"{v}_user_ids_ascend", [int(u) for u in blocks] == sorted(int(u) for u in blocks))
    fact(f"{v}_no_time_column", not any("time" in h and h not in ("watching_times", "read_time") for h in rows[0]))
    allr = [(r["user_id"], r["item_id"], r["click"], "") for r in rows]
    pos = [x for x in allr if x[2] in ("1", "1.0")]
    write(f"{v}.want", IH, pos)
    write(f"{v}-all.want", IH, [(a, b, c if c in ("1", "1.0") else "0", d) for a, b, c, d in allr])
    open(f"{out}/{v}.filtered", "w").write(f"{len(allr) - len(pos)}\n")
    seq(v, pos)
    if v.endswith("video"):
        fact(f"{v}_clicks_and_skips", {r["click"] for r in rows} == {"0", "1"})
        fact(f"{v}_null_category", any(r["video_category"] == "\\N" for r in rows))
        cats = {}
        for r in rows:
            cats.setdefault(r["item_id"], set()).add(r["video_category"])
        fact(f"{v}_item_category_varies", any(len(c) > 1 for c in cats.values()))
        fact(f"{v}_shown_twice", any(a[:2] == b[:2] and a[2] == "0" and b[2] == "1" for a, b in zip(allr, allr[1:])))
        write(f"{v}-items.want", ["item_id", "title", "video_category"],
              [[i, "", c] for i, c in first_rows(rows, "item_id", ["video_category"])])
        write(f"{v}-users.want", ["user_id", "gender", "age"], first_rows(rows, "user_id", ["gender", "age"]))
    else:
        fact(f"{v}_click_written_as_float", {r["click"] for r in rows} == {"1.0"})
        if v == "QK-article":
            ic = ["category_first", "category_second", "item_score1", "item_score2", "item_score3"]
            write(f"{v}-items.want", ["item_id", "title"] + ic,
                  [[x[0], ""] + x[1:] for x in first_rows(rows, "item_id", ic)])
            write(f"{v}-users.want", ["user_id", "gender", "age"], first_rows(rows, "user_id", ["gender", "age"]))
    if v == "QK-video":
        fact("real_first_line", raw.split("\n")[1] == "1,4,0,0,0,0,1,0,1,4")
        fact("header", raw.split("\n")[0] == "user_id,item_id,click,follow,like,share,video_category,watching_times,gender,age")
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts" | tr -d ' ')" 24

tc() { "$L4R" convert tenrec "$@"; }
for v in QK-video QB-video QK-article QB-article; do
  for j in 1 3; do
    check_exit 0 "$v -j $j" tc --variant "$v" --raw "$F/$v.csv" -o "$T/$v-$j" -q -j "$j" --block-size 4096
  done
  check_same "$v: -j 1 and -j 3 write the same interactions.tsv" "$T/$v-1/interactions.tsv" "$T/$v-3/interactions.tsv"
  check_same "$v: the clicks in file order, rating = click, timestamp empty" "$T/$v-1/interactions.tsv" "$T/$v.want"
  check_grep "$v: manifest says the source has no time" '"time": "none"' "$T/$v-1/manifest.json"
  check_grep "$v: manifest counts the non-clicks filtered out" "\"filtered_out\": $(cat "$T/$v.filtered")" "$T/$v-1/manifest.json"
  check_exit 0 "$v --keep-negatives" tc --variant "$v" --raw "$F/$v.csv" -o "$T/$v-neg" -q --keep-negatives -j 3 --block-size 4096
  check_same "$v --keep-negatives: every row, non-clicks with rating 0" "$T/$v-neg/interactions.tsv" "$T/$v-all.want"
  check_exit 0 "$v --split seq" tc --variant "$v" --raw "$F/$v.csv" -o "$T/$v-seq" -q --split seq -j 3 --block-size 4096
  for k in train valid test; do
    check_same "$v seq $k: each user's last rows in the file are valid and test" "$T/$v-seq/$k.tsv" "$T/$v-$k.want"
  done
  check_exit 2 "$v --split time: is refused (no time to cut at)" \
    tc --variant "$v" --raw "$F/$v.csv" -o "$T/$v-time" -q --split time:1500000000,1600000000
done
for v in QK-video QB-video QK-article; do
  check_same "$v: items.tsv from each item's first row (no titles upstream)" "$T/$v-1/items.tsv" "$T/$v-items.want"
  check_same "$v: users.tsv from each user's first row" "$T/$v-1/users.tsv" "$T/$v-users.want"
  check_same "$v: -j 1 = -j 3 for items.tsv" "$T/$v-1/items.tsv" "$T/$v-3/items.tsv"
done
check "QB-article: no items.tsv (its header is not published)" test ! -e "$T/QB-article-1/items.tsv"
check_eq "every timestamp is empty, never 0" \
  "$(cat "$T"/Q?-*-1/interactions.tsv "$T"/Q?-*-seq/test.tsv | grep -v '^user_id' | cut -f4 | sort -u | tr -d '\n')" ""
check_eq "QK-video: user 1's first click (the real line is a skip, click 0)" \
  "$(sed -n 2p "$T/QK-video-1/interactions.tsv" | cut -f1,3)" "$(printf '1\t1')"
check_grep "QK-video --keep-negatives: the real line, rating 0, empty timestamp" "$(printf '^1\t4\t0\t$')" "$T/QK-video-neg/interactions.tsv"
check_eq "QK-article: rating copied as written (1.0)" "$(sed -n 2p "$T/QK-article-1/interactions.tsv" | cut -f3)" "1.0"
check_exit 0 "stats reads a split without time" "$L4R" stats "$T/QB-video-seq"
check_grep "stats: first and last are none" "none" "$T/.out"

# the package folder: --raw finds every table in it by name
check_exit 0 "QK-article --raw the 'Tenrec/' folder" tc --variant QK-article --raw "$F" -o "$T/dir" -q
check_same "--raw folder = --raw file" "$T/dir/interactions.tsv" "$T/QK-article.want"
check_same "--raw folder: items found" "$T/dir/items.tsv" "$T/QK-article-items.want"

# gated: fetch is manual
for v in QK-video QB-video QK-article QB-article; do
  check_exit 9 "$v: fetch without --from is manual (exit 9)" "$L4R" fetch tenrec --variant "$v"
  check_grep "$v: the steps name the licence page" "https://static.qblv.qq.com/qblv/h5/algo-frontend/tenrec_dataset.html" "$T/.err"
  check_grep "$v: the steps name the file and the --from command" "fetch tenrec --variant $v --from $v.csv" "$T/.err"
done
check_exit 9 "QK-video: a mirror does not make it downloadable" "$L4R" fetch tenrec --mirror "file://$T/mirror"
check_exit 9 "convert without --raw of an unfetched variant: exit 9" tc --variant QB-video -o "$T/nf" -q
check_not "nothing half-fetched" test -e "$LLM4REC_DATA_HOME/tenrec/QB-video/QB-video.csv"
# the README's misspelt name
mkdir -p "$T/dl"
cp "$F/QB-article.csv" "$T/dl/QB-artilce.csv"
check_exit 0 "QB-article --raw QB-artilce.csv (the README's spelling)" tc --variant QB-article --raw "$T/dl/QB-artilce.csv" -o "$T/misspelt" -q
check_same "QB-artilce.csv = QB-article.csv" "$T/misspelt/interactions.tsv" "$T/QB-article.want"
check_exit 0 "fetch QB-article --from QB-artilce.csv" "$L4R" fetch tenrec --variant QB-article --from "$T/dl/QB-artilce.csv" -q
check "fetch: stored under the recipe's name" test -f "$LLM4REC_DATA_HOME/tenrec/QB-article/QB-article.csv"
check_exit 0 "convert the fetched QB-article" tc --variant QB-article -o "$T/qbaf" -q
check_same "QB-article fetched = --raw" "$T/qbaf/interactions.tsv" "$T/QB-article.want"

check_exit 0 "fetch QK-video --from the file" "$L4R" fetch tenrec --variant QK-video --from "$F/QK-video.csv" -q
check_exit 0 "fetch QK-video again: already fetched" "$L4R" fetch tenrec --variant QK-video -q
check_exit 0 "convert the fetched QK-video (default variant)" tc -o "$T/qkf" -q -j 3
check_same "QK-video fetched = --raw (interactions)" "$T/qkf/interactions.tsv" "$T/QK-video-1/interactions.tsv"
check_same "QK-video fetched = --raw (items)" "$T/qkf/items.tsv" "$T/QK-video-1/items.tsv"
check_same "QK-video fetched = --raw (users)" "$T/qkf/users.tsv" "$T/QK-video-1/users.tsv"
cp "$F/QB-video.csv" "$T/dl/QB-video.csv"
printf '1,2,0,0,0,0,1,0,1,4\n' >>"$T/dl/QB-video.csv"
check_exit 0 "fetch QB-video --from a copy (no digest upstream: pinned in the lock file)" "$L4R" fetch tenrec --variant QB-video --from "$T/dl/QB-video.csv" -q
check_exit 4 "fetch --force --from another QB-video.csv: differs from the pin (exit 4)" \
  "$L4R" fetch tenrec --variant QB-video --force --from "$F/QB-video.csv" -q

check_exit 0 "list" "$L4R" list
for v in QK-video QB-video QK-article QB-article; do
  check_grep "list: $v" "$(printf 'tenrec\t%s\t' "$v")" "$T/.out"
done
check_grep "list: QK-video is the default" "$(printf 'tenrec\tQK-video\t\\*')" "$T/.out"
check_exit 0 "info" "$L4R" info tenrec
check_grep "info: the license" "CC BY-NC 4.0" "$T/.out"
check_grep "info: the terms (the licence page)" "terms:       https://static.qblv.qq.com/qblv/h5/algo-frontend/tenrec_dataset.html" "$T/.out"
check_grep "info: gated" "manual download (gated):" "$T/.out"
check_grep "info: the negatives filter" 'click in \["1", "1.0"\]  (drops the negatives; convert --keep-negatives keeps them)' "$T/.out"
check_grep "info: no time" "time:      none" "$T/.out"
check_exit 0 "info QB-article" "$L4R" info tenrec --variant QB-article
check_grep "info: the misspelling" "QB-artilce.csv" "$T/.out"
