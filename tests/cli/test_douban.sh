# CLI tests: the douban recipe on l4r-gen's Kaggle-shaped archives.  Two unrelated datasets of one
# name: DMSC (archive.zip > DMSC.csv, RFC CSV with a header; film names with commas, comments with
# commas, doubled quotes, TABs, LF and CRLF inside quotes, empty comments, usernames with commas;
# listed film by film, so not in time order) and the DTCDR movie/book/music dump (archive.zip >
# 'douban_dataset(text information)/', TAB-separated with every field quoted, dates or date-times).
# Every expected output is computed by python's csv module from the archives; -j 1 = -j 3; the seq
# split follows time; the optional tables need --with; the variants are manual (exit 9 naming the
# page and file), fetch --from then convert = convert --raw; info says which Douban each is.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate dmsc" "$GEN" douban dmsc "$F/dmsc" --lines 4000
check_exit 0 "generate dtcdr" "$GEN" douban dtcdr "$F/dtcdr" --lines 1500
check_exit 0 "generate dmsc again" "$GEN" douban dmsc "$F/again" --lines 4000
check_same "generator: same arguments, same bytes" "$F/dmsc/archive.zip" "$F/again/archive.zip"
check_exit 0 "generator: another seed" "$GEN" douban dmsc "$F/seed7" --lines 4000 --seed 7
check_not "generator: another seed, other bytes" cmp -s "$F/dmsc/archive.zip" "$F/seed7/archive.zip"
check_exit 0 "generator: scales with --lines/--users/--items" "$GEN" douban dtcdr "$F/big" --lines 5000 --users 300 --items 900
DZ="$F/dmsc/archive.zip"
TZ="$F/dtcdr/archive.zip"

python3 - "$DZ" "$TZ" "$F/big/archive.zip" "$T" <<'PY'
import calendar, csv, io, sys, time, zipfile
from l4r_expect import write_tsv
dz, tz, bigz, out = sys.argv[1:5]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def text(v):
    return v.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def ts(s):
    fmt = "%Y-%m-%d %H:%M:%S" if " " in s else "%Y-%m-%d"
    return str(calendar.timegm(time.strptime(s, fmt)))
def write(name, head, rows):
    write_tsv(f"{out}/{name}", head, rows)
IH = ["user_id", "item_id", "rating", "timestamp"]
def seq(tag, inter):
    order, by = [], {}
    for r in inter:
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
def rows_of(z, name, delim):
    raw = z.read(name)
    rd = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=delim)
    head = next(rd)
    return raw, head, [dict(zip(head, r)) for r in rd]

# DMSC
z = zipfile.ZipFile(dz)
fact("dmsc_layout", z.namelist() == ["DMSC.csv"])
raw, head, rows = rows_of(z, "DMSC.csv", ",")
fact("dmsc_header", head == ["ID", "Movie_Name_EN", "Movie_Name_CN", "Crawl_Date", "Number", "Username", "Date", "Star", "Comment", "Like"])
fact("dmsc_rows", len(rows) == 4000)
inter = [(r["Username"], r["Movie_Name_EN"], r["Star"], ts(r["Date"])) for r in rows]
write("dmsc-inter.want", IH, inter)
seen, items = set(), []
for r in rows:
    if r["Movie_Name_EN"] not in seen:
        seen.add(r["Movie_Name_EN"])
        items.append((r["Movie_Name_EN"], text(r["Movie_Name_CN"])))
write("dmsc-items.want", ["item_id", "title"], items)
write("dmsc-comments.want", IH + ["comment", "like", "id"],
      [(r["Username"], r["Movie_Name_EN"], r["Star"], ts(r["Date"]), text(r["Comment"]), r["Like"], r["ID"]) for r in rows])
seq("dmsc", inter)
com = [r["Comment"] for r in rows]
fact("dmsc_comma_in_film", any("," in r["Movie_Name_EN"] for r in rows))
fact("dmsc_comma_in_user", any("," in r["Username"] for r in rows))
fact("dmsc_lf_in_comment", any("\n" in c and "\r" not in c for c in com))
fact("dmsc_crlf_in_comment", any("\r\n" in c for c in com))
fact("dmsc_tab_in_comment", any("\t" in c for c in com))
fact("dmsc_quote_in_comment", any('"' in c for c in com) and b'""' in raw)
fact("dmsc_empty_comment", any(c == "" for c in com))
fact("dmsc_chinese", any(ord(ch) > 0x4e00 for c in com for ch in c))
fact("dmsc_multiline_records", raw.count(b"\n") > len(rows) + 50)
fact("dmsc_users_repeat_across_films", any(len({i for u, i, _, _ in inter if u == x}) > 3 for x in {r[0] for r in inter[:50]}))
byu = {}
for u, i, _, t in inter:
    byu.setdefault(u, []).append(int(t))
fact("dmsc_not_time_ordered", sum(1 for v in byu.values() for a, b in zip(v, v[1:]) if a > b) > 100)
fact("dmsc_same_day_ties", sum(len(v) - len(set(v)) for v in byu.values()) > 0)
fact("dmsc_few_films", len(items) == 28)

# DTCDR
z = zipfile.ZipFile(tz)
D = "douban_dataset(text information)/"
fact("dtcdr_layout", sorted(z.namelist()) == sorted([D] + [D + n for n in [
    "moviereviews_cleaned.txt", "movies_cleaned.txt", "bookreviews_cleaned.txt", "books_cleaned.txt",
    "musicreviews_cleaned.txt", "music_cleaned.txt", "users_cleaned.txt"]]))
for dom in ["movie", "book", "music"]:
    raw, head, rows = rows_of(z, D + dom + "reviews_cleaned.txt", "\t")
    fact(f"dtcdr_{dom}_quoted", raw.split(b"\n")[0].startswith(b'"user_id"\t"' + dom.encode() + b'_id"'))
    inter = [(r["user_id"], r[dom + "_id"], r["rating"], ts(r["time"])) for r in rows]
    write(f"{dom}-inter.want", IH, inter)
    write(f"{dom}-reviews.want", IH + ["labels", "comment", "useful_num"],
          [(r["user_id"], r[dom + "_id"], r["rating"], ts(r["time"]), text(r["labels"]), text(r["comment"]), r["useful_num"]) for r in rows])
    seq(dom, inter)
    fact(f"dtcdr_{dom}_breaks", any("\n" in r["comment"] for r in rows) and any("\t" in r["comment"] for r in rows))
    fact(f"dtcdr_{dom}_time_shape", all((" " in r["time"]) == (dom == "music") for r in rows))
raw, head, users = rows_of(z, D + "users_cleaned.txt", "\t")
write("users.want", ["user_id", "living_place", "join_time"], [(u["UID"], text(u["living_place"]), u["join_time"]) for u in users])
fact("dtcdr_empty_place", any(u["living_place"] == "" for u in users))
big = zipfile.ZipFile(bigz)
_, _, brows = rows_of(big, D + "bookreviews_cleaned.txt", "\t")
_, _, busers = rows_of(big, D + "users_cleaned.txt", "\t")
fact("gen_scales", len(brows) == 5000 and len(busers) == 300 and len({r["book_id"] for r in brows}) > 300)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts")" 28

dc() { "$L4R" convert douban "$@"; }
# DMSC: multi-line CSV records across 4 KiB blocks
for j in 1 3; do
  check_exit 0 "dmsc --raw archive.zip --with comments -j $j" dc --raw "$DZ" -o "$T/d$j" -q -j "$j" --block-size 4096 --with comments
done
for f in interactions items comments; do
  check_same "dmsc: -j 1 and -j 3 write the same $f.tsv" "$T/d1/$f.tsv" "$T/d3/$f.tsv"
done
check_same "dmsc: user = Username, item = Movie_Name_EN, Star, Date as UTC midnight" "$T/d1/interactions.tsv" "$T/dmsc-inter.want"
check_same "dmsc: items = one row per film, title = Movie_Name_CN" "$T/d1/items.tsv" "$T/dmsc-items.want"
check_same "dmsc: comments.tsv (text with TABs and line breaks as spaces, Like, ID)" "$T/d1/comments.tsv" "$T/dmsc-comments.want"
check_grep "dmsc: the manifest counts the comments table" '"comments"' "$T/d1/manifest.json"
check_exit 0 "dmsc without --with" dc --raw "$DZ" -o "$T/dn" -q
check_not "dmsc: comments.tsv only with --with comments" test -e "$T/dn/comments.tsv"
check_same "dmsc: the interactions do not depend on --with" "$T/dn/interactions.tsv" "$T/dmsc-inter.want"
check_exit 0 "dmsc --split seq" dc --raw "$DZ" -o "$T/dseq" -q --split seq
for k in train valid test; do
  check_same "dmsc seq $k: by date (the file lists film by film), ties in file order" "$T/dseq/$k.tsv" "$T/dmsc-$k.want"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/dseq"

# a header that is not DMSC's (a renamed column) is refused, naming the column
python3 - "$DZ" "$T/bad.zip" <<'PY'
import sys, zipfile
d = zipfile.ZipFile(sys.argv[1]).read("DMSC.csv")
with zipfile.ZipFile(sys.argv[2], "w") as z:
    z.writestr("DMSC.csv", d.replace(b",Username,", b",User,", 1))
PY
check_exit 7 "dmsc: a copy without the Username column is refused" dc --raw "$T/bad.zip" -o "$T/bad" -q
check_grep "dmsc: the message names the column" "Username" "$T/.err"

# DTCDR: three domains from one archive
for dom in movie book music; do
  for j in 1 3; do
    check_exit 0 "dtcdr/$dom --with reviews -j $j" dc --variant "dtcdr/$dom" --raw "$TZ" -o "$T/$dom$j" -q -j "$j" --block-size 4096 --with reviews
  done
  check_same "dtcdr/$dom: -j 1 = -j 3" "$T/${dom}1/interactions.tsv" "$T/${dom}3/interactions.tsv"
  check_same "dtcdr/$dom: -j 1 = -j 3 (reviews)" "$T/${dom}1/reviews.tsv" "$T/${dom}3/reviews.tsv"
  check_same "dtcdr/$dom: user_id, ${dom}_id, rating, time" "$T/${dom}1/interactions.tsv" "$T/$dom-inter.want"
  check_same "dtcdr/$dom: reviews.tsv (labels, comment, useful_num)" "$T/${dom}1/reviews.tsv" "$T/$dom-reviews.want"
  check_same "dtcdr/$dom: users.tsv from users_cleaned.txt" "$T/${dom}1/users.tsv" "$T/users.want"
  check_not "dtcdr/$dom: no items.tsv (the item files' id is ambiguous)" test -e "$T/${dom}1/items.tsv"
  check_exit 0 "dtcdr/$dom --split seq" dc --variant "dtcdr/$dom" --raw "$TZ" -o "$T/${dom}seq" -q --split seq
  check_same "dtcdr/$dom seq test" "$T/${dom}seq/test.tsv" "$T/$dom-test.want"
  check_same "dtcdr/$dom seq valid" "$T/${dom}seq/valid.tsv" "$T/$dom-valid.want"
done
check "dtcdr/music: date-times keep their seconds (not midnight)" \
  sh -c "awk -F'\t' 'NR > 1 && \$4 % 86400' '$T/music1/interactions.tsv' | grep -q ."

# info says which Douban each variant is
check_exit 0 "info dmsc" "$L4R" info douban
check_grep "info dmsc: which Douban (description)" "Douban DMSC: movie short comments" "$T/.out"
check_grep "info dmsc: which Douban (notes)" "It is NOT the" "$T/.out"
check_grep "info dmsc: the Kaggle page" "https://www.kaggle.com/datasets/utmhikari/doubanmovieshortcomments" "$T/.out"
check_grep "info dmsc: the optional comments table" "comments.tsv (optional: convert --with comments)" "$T/.out"
check_grep "info: license" "non-commercial research only" "$T/.out"
check_grep "info: citation" "DTCDR" "$T/.out"
check_exit 0 "info dtcdr/book" "$L4R" info douban --variant dtcdr/book
check_grep "info dtcdr: which Douban (description)" "DTCDR/GA-DTCDR cross-domain dump" "$T/.out"
check_grep "info dtcdr: not DMSC (notes)" "It is NOT DMSC" "$T/.out"
check_grep "info dtcdr: the reviews file of the domain" "bookreviews_cleaned.txt" "$T/.out"
check_exit 0 "list" "$L4R" list
check_grep "list: the dtcdr variants" "dtcdr/music" "$T/.out"

# manual: fetch without --from exits 9 and says where and what; --from, then convert
for v in dmsc dtcdr/movie; do
  check_exit 9 "$v: fetch is manual (Kaggle login), exit 9" "$L4R" fetch douban --variant "$v"
  check_grep "$v: the message names the file" "archive.zip" "$T/.err"
  check_grep "$v: the message gives the --from command" "fetch douban --variant $v --from archive.zip" "$T/.err"
done
check_exit 9 "dmsc: fetch names the page" "$L4R" fetch douban
check_grep "dmsc: the page" "https://www.kaggle.com/datasets/utmhikari/doubanmovieshortcomments" "$T/.err"
check_exit 9 "dtcdr: fetch names the page" "$L4R" fetch douban --variant dtcdr/book
check_grep "dtcdr: the page" "https://www.kaggle.com/datasets/fengzhujoey/douban-datasetratingreviewside-information" "$T/.err"
check_exit 9 "convert without --raw or a fetched copy: exit 9" dc --variant dtcdr/music -o "$T/nf" -q
check_exit 0 "dmsc: fetch --from archive.zip" "$L4R" fetch douban --from "$DZ" -q
check "dmsc: DMSC.csv unpacked" test -f "$LLM4REC_DATA_HOME/douban/dmsc/DMSC.csv"
check_exit 0 "dmsc: convert the fetched copy --with comments" dc -o "$T/df" -q --with comments
check_same "dmsc: fetched = --raw (interactions)" "$T/df/interactions.tsv" "$T/d1/interactions.tsv"
check_same "dmsc: fetched = --raw (comments)" "$T/df/comments.tsv" "$T/d1/comments.tsv"
check_exit 0 "dtcdr/book: fetch --from archive.zip" "$L4R" fetch douban --variant dtcdr/book --from "$TZ" -q
check_exit 0 "dtcdr/book: convert the fetched copy" dc --variant dtcdr/book -o "$T/bf" -q
check_same "dtcdr/book: fetched = --raw" "$T/bf/interactions.tsv" "$T/book1/interactions.tsv"
check_same "dtcdr/book: fetched users = --raw" "$T/bf/users.tsv" "$T/book1/users.tsv"
