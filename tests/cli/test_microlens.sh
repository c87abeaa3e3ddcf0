# CLI tests: the microlens recipe on l4r-gen's plain files of the 50k, 100k and 1M releases:
# *_pairs.csv (header "user,item,timestamp", milliseconds, rows not in time order), *_pairs.tsv
# ("user<TAB>item item ...", time-sorted, no time) and the titles (50k: a real CSV with a header;
# 100k and 1M: no header, commas and unbalanced '"' in titles: split at the first comma).  Every
# expected output is computed by python from the same files; -j 1 = -j 3; the CSV's seq split
# equals the sequence file's; 100k is fetched through a file:// mirror (no digests: pinned).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
for v in 50k 100k 1m; do
  check_exit 0 "generate $v" "$GEN" microlens "$v" "$F/$v"
done
up() { case $1 in 1m) echo 1M ;; *) echo "$1" ;; esac; }
title() { case $1 in 50k) echo MicroLens-50k_titles.csv ;; 100k) echo MicroLens-100k_title_en.csv ;; 1m) echo MicroLens-1M_title.csv ;; esac; }

for v in 50k 100k 1m; do
  U=$(up $v)
  for j in 1 3; do
    check_exit 0 "$v -j $j" "$L4R" convert microlens --variant "$v" --raw "$F/$v/MicroLens-${U}_pairs.csv" \
      -o "$T/$v-$j" -q -j "$j" --block-size 4096
    check_exit 0 "$v/seq -j $j" "$L4R" convert microlens --variant "$v/seq" --raw "$F/$v/MicroLens-${U}_pairs.tsv" \
      -o "$T/$v-seq-$j" -q -j "$j" --block-size 4096
  done
  for o in "$v" "$v-seq"; do
    check_same "$o: -j 1 and -j 3 write the same interactions" "$T/$o-1/interactions.tsv" "$T/$o-3/interactions.tsv"
  done
  python3 - "$F/$v" "$U" "$(title $v)" "$T/$v" <<'PY'
import csv, sys
from l4r_expect import line
d, up, tname, out = sys.argv[1:]
H = "user_id\titem_id\trating\ttimestamp\n"
lines = open(f"{d}/MicroLens-{up}_pairs.csv", encoding="utf-8").read().split("\n")
assert lines[0] == "user,item,timestamp" and lines[-1] == ""
rows = [l.split(",") for l in lines[1:-1]]
with open(out + ".inter", "w") as f:
    f.write(H + "".join(line([u, i, "1", int(ms) // 1000]) for u, i, ms in rows))
with open(out + ".seqinter", "w") as f:
    f.write(H)
    for l in open(f"{d}/MicroLens-{up}_pairs.tsv", encoding="utf-8"):
        u, items = l.rstrip("\n").split("\t")
        f.write("".join(line([u, i, "1", ""]) for i in items.split(" ")))
if tname.endswith("_titles.csv"):
    t = list(csv.reader(open(f"{d}/{tname}", encoding="utf-8", newline="")))[1:]
else:   # not CSV: everything after the first comma is the title, quotes and commas included
    t = [l.rstrip("\n").split(",", 1) for l in open(f"{d}/{tname}", encoding="utf-8")]
with open(out + ".items", "w") as f:
    f.write("item_id\ttitle\n" + "".join(line([i, x]) for i, x in t))
# the CSV's items per user, sorted by time, must be the sequence file's items (the same data)
by, users = {}, []
for u, i, ms in rows:
    if u not in by:
        by[u] = []
        users.append(u)
    by[u].append((int(ms), i))
with open(out + ".sorted", "w") as f:
    for u in users:
        f.write(u + "\t" + " ".join(i for _, i in sorted(by[u])) + "\n")
unsorted = sum(1 for a, b in zip(rows, rows[1:]) if a[0] == b[0] and int(a[2]) > int(b[2]))
odd = sum(1 for _, x in t if x.count('"') % 2 == 1)
comma = sum(1 for _, x in t if "," in x)
open(out + ".facts", "w").write(f"{unsorted} {odd} {comma}\n")
PY
  read unsorted odd comma <"$T/$v.facts"
  check "$v fixture: pairs rows not in time order" test "$unsorted" -gt 100
  check "$v fixture: titles with an unbalanced '\"'" test "$odd" -gt 5
  check "$v fixture: titles with a comma" test "$comma" -gt 5
  check_same "$v: user, item, 1, ms floored to seconds, source order" "$T/$v-1/interactions.tsv" "$T/$v.inter"
  check_same "$v/seq: one row per item, in sequence order, no time" "$T/$v-seq-1/interactions.tsv" "$T/$v.seqinter"
  check_same "$v: titles (unbalanced quotes, commas) as upstream wrote them" "$T/$v-1/items.tsv" "$T/$v.items"
  check_same "$v/seq: the same titles" "$T/$v-seq-1/items.tsv" "$T/$v.items"
  sort -k1,1n "$T/$v.sorted" >"$T/$v.sorted.n"
  awk '{ print }' "$F/$v/MicroLens-${U}_pairs.tsv" | sort -k1,1n >"$T/$v.tsv.n"
  check_same "$v: the CSV sorted by time per user is the sequence file" "$T/$v.sorted.n" "$T/$v.tsv.n"
done
check_grep "1m: the titles split at the first comma are counted" '"extra_fields_in_last": [1-9]' "$T/1m-1/manifest.json"

# the seq split: by time in the CSV variant, by position in the sequence variant; both agree
check_exit 0 "100k --split seq" "$L4R" convert microlens --variant 100k --raw "$F/100k/MicroLens-100k_pairs.csv" -o "$T/s" -q --split seq
check_exit 0 "100k/seq --split seq" "$L4R" convert microlens --variant 100k/seq --raw "$F/100k/MicroLens-100k_pairs.tsv" -o "$T/ss" -q --split seq
for k in train valid test; do
  cut -f1,2 "$T/s/$k.tsv" >"$T/a.$k"
  cut -f1,2 "$T/ss/$k.tsv" >"$T/b.$k"
  check_same "seq $k: the CSV's time order = the sequence file's order" "$T/a.$k" "$T/b.$k"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/s"
check_exit 0 "stats reads the timeless split" "$L4R" stats "$T/ss"
check_exit 2 "100k/seq: a time split is refused (no time)" "$L4R" convert microlens --variant 100k/seq \
  --raw "$F/100k/MicroLens-100k_pairs.tsv" -o "$T/x" -q --split time:2021-12-01

check_exit 0 "list shows every variant" "$L4R" list
for v in 50k 50k/seq 100k 100k/seq 1m 1m/seq; do
  check_grep "list: microlens $v" "$(printf 'microlens\t%s\t' "$v")" "$T/.out"
done
check_exit 0 "info 1m" "$L4R" info microlens --variant 1m
check_grep "info 1m: direct URL" "https://recsys.westlake.edu.cn/MicroLens-1M-Dataset/MicroLens-1M_title.csv" "$T/.out"
check_grep "info 1m: extra_fields last" '"extra_fields": "last"' "$T/.out"

# fetch through a file:// mirror (plain files, no digests: pinned on the first fetch)
M="$T/mirror/recsys.westlake.edu.cn/MicroLens-100k-Dataset"
mkdir -p "$M"
cp "$F/100k/MicroLens-100k_pairs.csv" "$F/100k/MicroLens-100k_title_en.csv" "$M/"
check_exit 0 "fetch 100k through a file:// mirror" "$L4R" fetch microlens --mirror "file://$T/mirror" -q
check_exit 0 "convert the fetched 100k" "$L4R" convert microlens -o "$T/f" -q
check_same "fetched = --raw" "$T/f/interactions.tsv" "$T/100k.inter"
check_same "fetched items = --raw" "$T/f/items.tsv" "$T/100k.items"
