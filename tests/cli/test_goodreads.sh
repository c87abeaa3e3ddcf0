# CLI tests: the goodreads recipe (UCSD Book Graph) on l4r-gen's file sets.  csv: the integer CSV
# without time and its two id maps (as users.tsv and items.tsv); dedup: the JSON shelvings with
# Goodreads dates ("Sun Jul 30 07:44:10 -0700 2017", newest first per user, some empty date_added,
# odd offsets both sides of UTC) and the books (authors and popular shelves as lists of objects,
# descriptions with line breaks and TABs, non-ASCII as \u escapes); two genre subsets through the
# variant set.  Every expected output is computed from the fixture by python (its own JSON reader
# and datetime.strptime); -j 1 = -j 3; the seq split follows time on the JSON and the file on the
# CSV; the date rule is checked line by line against python, weekday trap included; fetch goes
# through a file:// mirror (the recipe's own mirror host too).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
for k in csv dedup poetry romance; do
  check_exit 0 "generate $k" "$GEN" goodreads "$k" "$F/$k" --lines 3000
done
check_eq "fixture: the CSV header of datasets.md" "$(head -1 "$F/csv/goodreads_interactions.csv")" "user_id,book_id,is_read,rating,is_reviewed"
check_eq "fixture: the user map header" "$(head -1 "$F/csv/user_id_map.csv")" "user_id_csv,user_id"
check_eq "fixture: the book map header" "$(head -1 "$F/csv/book_id_map.csv")" "book_id_csv,book_id"
gzip -dc "$F/dedup/goodreads_interactions_dedup.json.gz" | head -1 >"$T/first"
check_grep "fixture: the first shelving carries the date datasets.md quotes" '"date_added": "Sun Jul 30 07:44:10 -0700 2017"' "$T/first"
check_exit 0 "generator: same arguments, same bytes" "$GEN" goodreads dedup "$F/again" --lines 3000
for f in goodreads_interactions_dedup.json.gz goodreads_books.json.gz goodreads_book_authors.json.gz; do
  check_same "generator is deterministic ($f)" "$F/dedup/$f" "$F/again/$f"
done

gr() { "$L4R" convert goodreads "$@"; }
for j in 1 3; do
  check_exit 0 "csv -j $j (the directory)" gr --variant csv --raw "$F/csv" -o "$T/csv$j" -q -j "$j" --block-size 4096
  check_exit 0 "dedup -j $j (the directory)" gr --variant dedup --raw "$F/dedup" -o "$T/dedup$j" -q -j "$j" --block-size 4096
  check_exit 0 "genre/poetry -j $j (the interactions file, books beside it)" \
    gr --variant genre/poetry --raw "$F/poetry/goodreads_interactions_poetry.json.gz" -o "$T/poetry$j" -q -j "$j" --block-size 4096
  check_exit 0 "genre/romance -j $j" gr --variant genre/romance --raw "$F/romance" -o "$T/romance$j" -q -j "$j" --block-size 4096
done
for v in csv dedup poetry romance; do
  for f in interactions items; do
    check_same "$v: -j 1 and -j 3 write the same $f.tsv" "$T/${v}1/$f.tsv" "$T/${v}3/$f.tsv"
  done
done
check_same "csv: -j 1 and -j 3 write the same users.tsv" "$T/csv1/users.tsv" "$T/csv3/users.tsv"

# The independent reading: python's json and datetime.strptime.
python3 - "$F" "$T" <<'PY'
import csv, gzip, json, sys
from l4r_expect import write_tsv
from datetime import datetime
F, out = sys.argv[1], sys.argv[2]
FMT = "%a %b %d %H:%M:%S %z %Y"
facts = {}
def ts(s):
    d = datetime.strptime(s, FMT)
    assert d.strftime("%a") == s[:3], s          # the fixture's weekdays are the dates' own
    return int(d.timestamp())
def clean(s):
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")
def write(name, head, rows):
    write_tsv(f"{out}/{name}", head, rows)
H = ["user_id", "item_id", "rating", "timestamp"]
def seq(rows):
    users, by = [], {}
    for r in rows:
        if r[0] not in by:
            by[r[0]] = []
            users.append(r[0])
        by[r[0]].append(r)
    parts = {"train": [], "valid": [], "test": []}
    for u in users:
        rr = sorted(by[u], key=lambda r: int(r[3])) if rows and rows[0][3] != "" else by[u]
        if len(rr) < 3:
            parts["train"] += rr
        else:
            parts["train"] += rr[:-2]
            parts["valid"].append(rr[-2])
            parts["test"].append(rr[-1])
    return parts

# csv: ids as written, no time; the maps as side tables
rows = list(csv.reader(open(f"{F}/csv/goodreads_interactions.csv", newline="")))
assert rows[0] == ["user_id", "book_id", "is_read", "rating", "is_reviewed"]
inter = [(u, b, r, "") for u, b, rd, r, rv in rows[1:]]
write("csv-inter.want", H, inter)
for k, rr in seq(inter).items():
    write(f"csv-{k}.want", H, rr)
m = list(csv.reader(open(f"{F}/csv/book_id_map.csv", newline="")))
write("csv-items.want", ["item_id", "title", "goodreads_book_id"], [(c, "", b) for c, b in m[1:]])
m = list(csv.reader(open(f"{F}/csv/user_id_map.csv", newline="")))
write("csv-users.want", ["user_id", "goodreads_user_id"], m[1:])
facts["csv_rating0"] = sum(1 for r in inter if r[2] == "0")

ICOLS = ["item_id", "title", "authors", "description", "shelves", "publication_year", "language_code",
         "num_pages", "average_rating", "ratings_count", "isbn", "work_id"]
def book_row(b):
    return [b["book_id"], clean(b["title"]), "|".join(a["author_id"] for a in b["authors"]),
            clean(b["description"]), "|".join(s["name"] for s in b["popular_shelves"]),
            b["publication_year"], b["language_code"], b["num_pages"], b["average_rating"],
            b["ratings_count"], b["isbn"], b["work_id"]]
def json_set(name, inter_file, books_file):
    recs = [json.loads(l) for l in gzip.open(inter_file, "rt", encoding="utf-8")]
    kept = [r for r in recs if r["date_added"] != ""]
    inter = [(r["user_id"], r["book_id"], str(r["rating"]), str(ts(r["date_added"]))) for r in kept]
    write(f"{name}-inter.want", H, inter)
    for k, rr in seq(inter).items():
        write(f"{name}-{k}.want", H, rr)
    books = [json.loads(l) for l in gzip.open(books_file, "rt", encoding="utf-8")]
    write(f"{name}-items.want", ICOLS, [book_row(b) for b in books])
    facts[f"{name}_empty"] = len(recs) - len(kept)
    return recs, inter, books
recs, inter, books = json_set("dedup", f"{F}/dedup/goodreads_interactions_dedup.json.gz", f"{F}/dedup/goodreads_books.json.gz")
for g in ("poetry", "romance"):
    json_set(g, f"{F}/{g}/goodreads_interactions_{g}.json.gz", f"{F}/{g}/goodreads_books_{g}.json.gz")
dates = [r[k] for r in recs for k in ("date_added", "date_updated", "read_at", "started_at") if r[k]]
facts["pos"] = sum(1 for d in dates if d.split()[4][0] == "+")
facts["neg"] = sum(1 for d in dates if d.split()[4][0] == "-")
facts["not_pacific"] = sum(1 for d in dates if d.split()[4] not in ("-0700", "-0800"))
facts["empty_read_at"] = sum(1 for r in recs if r["read_at"] == "")
facts["rating0"] = sum(1 for r in inter if r[2] == "0")
facts["desc"] = sum(1 for a, b in zip(inter, inter[1:]) if a[0] == b[0] and int(a[3]) > int(b[3]))
facts["ties"] = sum(1 for a, b in zip(inter, inter[1:]) if a[0] == b[0] and a[3] == b[3])
facts["tabs"] = sum(1 for b in books if "\t" in b["description"])
facts["nl"] = sum(1 for b in books if "\n" in b["description"])
facts["multi_authors"] = sum(1 for b in books if len(b["authors"]) > 1)
facts["no_authors"] = sum(1 for b in books if not b["authors"])
raw = gzip.open(f"{F}/dedup/goodreads_books.json.gz", "rt").read()
facts["u_escapes"] = raw.count("\\u")
facts["nonascii_raw"] = sum(1 for c in raw if ord(c) > 127)
# the ids of the CSV world and the JSON world agree (same made-up world, two id spaces)
umap = dict(csv.reader(open(f"{F}/csv/user_id_map.csv", newline="")))
facts["same_world"] = int(umap["0"] == recs[0]["user_id"])
with open(f"{out}/facts", "w") as f:
    f.write(" ".join(f"{k}={v}" for k, v in facts.items()) + "\n")
PY
fact() { tr ' ' '\n' <"$T/facts" | sed -n "s/^$1=//p"; }
check "fixture: some date_added are empty" test "$(fact dedup_empty)" -gt 0
check "fixture: offsets on both sides of UTC" test "$(fact pos)" -gt 0 -a "$(fact neg)" -gt 1000
check "fixture: offsets other than Pacific" test "$(fact not_pacific)" -gt 0
check "fixture: read_at is often empty" test "$(fact empty_read_at)" -gt 500
check "fixture: many shelvings without a rating (0)" test "$(fact rating0)" -gt 500
check "fixture: date_added descends within users (upstream's order)" test "$(fact desc)" -gt 1000
check "fixture: some shelvings share a second" test "$(fact ties)" -gt 0
check "fixture: descriptions with TABs and line breaks" test "$(fact tabs)" -gt 0 -a "$(fact nl)" -gt 0
check "fixture: books with several authors and with none" test "$(fact multi_authors)" -gt 0 -a "$(fact no_authors)" -gt 0
check "fixture: non-ASCII written as \\u escapes only" test "$(fact u_escapes)" -gt 0 -a "$(fact nonascii_raw)" -eq 0
check_eq "fixture: the CSV's user 0 is the JSON's first user" "$(fact same_world)" 1

check_same "csv: CSV ids, rating as written (0 kept), empty timestamp" "$T/csv1/interactions.tsv" "$T/csv-inter.want"
check "csv: rating 0 rows are kept" test "$(fact csv_rating0)" -gt 500
check_same "csv: items.tsv is book_id_map.csv (CSV id, Goodreads id)" "$T/csv1/items.tsv" "$T/csv-items.want"
check_same "csv: users.tsv is user_id_map.csv (CSV id, 32-hex id)" "$T/csv1/users.tsv" "$T/csv-users.want"
check_grep "csv: manifest says there is no time" '"time": "none"' "$T/csv1/manifest.json"
for v in dedup poetry romance; do
  check_same "$v: user, book, rating (0 kept), date_added to UTC; empty dates dropped" "$T/${v}1/interactions.tsv" "$T/$v-inter.want"
  check_same "$v: books as items (author ids and shelf names joined by '|', text cleaned)" "$T/${v}1/items.tsv" "$T/$v-items.want"
  check_grep "$v: the dropped empty dates are counted" "\"filtered_out\": $(fact "${v}_empty")" "$T/${v}1/manifest.json"
done
check "genre subsets are smaller than the complete file" test "$(wc -l <"$T/poetry1/interactions.tsv")" -lt "$(wc -l <"$T/dedup1/interactions.tsv")"
check_eq "dedup: the first row, at datasets.md's date (1501425850)" "$(sed -n 2p "$T/dedup1/interactions.tsv" | cut -f3,4)" "$(printf '0\t1501425850')"

# seq: by date_added on the JSON (newest first in the file), by file position on the CSV
for v in dedup csv; do
  check_exit 0 "$v --split seq" gr --variant "$v" --raw "$F/$v" -o "$T/seq-$v" -q --split seq -j 3 --block-size 4096
  for k in train valid test; do
    check_same "$v seq $k" "$T/seq-$v/$k.tsv" "$T/$v-$k.want"
  done
done
check_exit 2 "csv: a time split is refused (no time)" gr --variant csv --raw "$F/csv" -o "$T/x" -q --split time:2015-01-01
check_exit 0 "stats reads the dedup split" "$L4R" stats "$T/seq-dedup"

# The date rule, line by line against python: offsets both ways, across midnight, a space-padded
# day, an empty date (filtered), then the weekday trap and a missing key.
D="$T/dates"
mkdir -p "$D"
line() { printf '{"user_id": "u%s", "book_id": "%s", "rating": %s, "date_added": "%s"}\n' "$1" "$2" "$3" "$4"; }
{
  line 1 10 5 "Sun Jul 30 07:44:10 -0700 2017"
  line 1 11 0 "Thu Jan 05 23:59:59 -0800 2017"
  line 2 12 4 "Mon Jul 03 07:44:10 +0530 2017"
  line 2 13 3 "Sat Jan 01 02:00:00 +1000 2011"
  line 3 14 0 "Wed Mar 01 00:00:00 +0000 2017"
  line 3 15 2 "Wed Mar 01 00:00:00 -0000 2017"
  line 4 16 1 "Mon Jul  3 07:44:10 +0545 2017"
  line 4 17 1 ""
  line 5 18 4 "Fri Dec 31 23:30:00 -0930 1999"
} >"$D/goodreads_interactions_poetry.json"
check_exit 0 "dates: convert the hand-written lines" gr --variant genre/poetry --raw "$D/goodreads_interactions_poetry.json" -o "$T/d" -q
check_grep "dates: no books file beside it is a warning" "goodreads_books_poetry.json.gz" "$T/.err"
python3 - "$D/goodreads_interactions_poetry.json" >"$T/dates.want" <<'PY'
import json, sys
from datetime import datetime
print("user_id\titem_id\trating\ttimestamp")
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["date_added"]:
        t = int(datetime.strptime(r["date_added"], "%a %b %d %H:%M:%S %z %Y").timestamp())
        print(f'{r["user_id"]}\t{r["book_id"]}\t{r["rating"]}\t{t}')
PY
check_same "dates: every line as python's strptime reads it" "$T/d/interactions.tsv" "$T/dates.want"
check_grep "dates: -0700 adds 7 hours (07:44:10 -> 14:44:10 UTC)" "$(printf 'u1\t10\t5\t1501425850')" "$T/d/interactions.tsv"
check_grep "dates: +1000 goes back across midnight into 2010" "$(printf 'u2\t13\t3\t1293811200')" "$T/d/interactions.tsv"
check_grep "dates: the empty date_added is filtered and counted" '"filtered_out": 1' "$T/d/manifest.json"
# datasets.md's other example, "Tue Jan 20 18:50:49 -0800 2023", names a Tuesday that was a Friday:
# python's strptime takes it anyway, the converter refuses it
check_eq "weekday trap: python reads the date, ignoring the weekday" \
  "$(python3 -c 'from datetime import datetime as d; print(d.strptime("Tue Jan 20 18:50:49 -0800 2023", "%a %b %d %H:%M:%S %z %Y").strftime("%a"))')" Fri
mkdir -p "$D/wd"
{
  line 1 10 5 "Sun Jul 30 07:44:10 -0700 2017"
  line 1 11 4 "Tue Jan 20 18:50:49 -0800 2023"
} >"$D/wd/goodreads_interactions_poetry.json"
check_exit 7 "weekday trap: a weekday that is not the date's is a parse error" \
  gr --variant genre/poetry --raw "$D/wd/goodreads_interactions_poetry.json" -o "$T/wd" -q
check_grep "weekday trap: the message names the line" "line 2" "$T/.err"
check_exit 0 "weekday trap: --max-errors 1 skips it" \
  gr --variant genre/poetry --raw "$D/wd/goodreads_interactions_poetry.json" -o "$T/wd" -q --max-errors 1
check_eq "weekday trap: only the good row is left" "$(tail -n +2 "$T/wd/interactions.tsv")" "$(printf 'u1\t10\t5\t1501425850')"
mkdir -p "$D/nokey"
printf '{"user_id": "u1", "book_id": "10", "rating": 5}\n' >"$D/nokey/goodreads_interactions_poetry.json"
check_exit 7 "a missing date_added key is a parse error, not a drop" \
  gr --variant genre/poetry --raw "$D/nokey/goodreads_interactions_poetry.json" -o "$T/nk" -q

check_exit 0 "list shows the variants" "$L4R" list
for v in csv dedup authors genre/children genre/comics_graphic genre/fantasy_paranormal genre/history_biography \
  genre/mystery_thriller_crime genre/poetry genre/romance genre/young_adult; do
  check_grep "list: $v" "$(printf 'goodreads\t%s\t' "$v")" "$T/.out"
done
check_exit 0 "info dedup" "$L4R" info goodreads --variant dedup
check_grep "info: the UCSD URL" "https://datarepo.eng.ucsd.edu/mcauley_group/gdrive/goodreads/goodreads_interactions_dedup.json.gz" "$T/.out"
check_grep "info: the mcauleylab mirror" "https://mcauleylab.ucsd.edu/public_datasets/gdrive/goodreads/goodreads_books.json.gz" "$T/.out"
check_grep "info: the time format" "ctime_offset" "$T/.out"
check_grep "info: the empty-date filter" 'date_added != ""' "$T/.out"
check_grep "info: the license's terms of use" "academic use only" "$T/.out"
check_grep "info: the RecSys'18 citation" "Item Recommendation on Monotonic Behavior Chains" "$T/.out"
check_exit 0 "info genre/young_adult" "$L4R" info goodreads --variant genre/young_adult
check_grep "info: a genre file under byGenre/" "gdrive/goodreads/byGenre/goodreads_books_young_adult.json.gz" "$T/.out"

# fetch the default variant through a file:// mirror of the UCSD host, then convert the fetched copy
M="$T/mirror/datarepo.eng.ucsd.edu/mcauley_group/gdrive/goodreads/byGenre"
mkdir -p "$M"
cp "$F/poetry/goodreads_interactions_poetry.json.gz" "$F/poetry/goodreads_books_poetry.json.gz" "$M/"
check_exit 0 "fetch the default (genre/poetry) through the mirror (no digests: pinned)" \
  "$L4R" fetch goodreads --mirror "file://$T/mirror" -q
check_exit 0 "convert the fetched copy" gr -o "$T/fetched" -q
check_same "fetched = --raw (interactions)" "$T/fetched/interactions.tsv" "$T/poetry-inter.want"
check_same "fetched = --raw (items)" "$T/fetched/items.tsv" "$T/poetry-items.want"
# the csv files only on the recipe's mirror host: fetch falls back to it
M2="$T/mirror2/mcauleylab.ucsd.edu/public_datasets/gdrive/goodreads"
mkdir -p "$M2"
cp "$F/csv/goodreads_interactions.csv" "$F/csv/user_id_map.csv" "$F/csv/book_id_map.csv" "$M2/"
check_exit 0 "fetch csv from the recipe's second host (mcauleylab) through the mirror" \
  "$L4R" fetch goodreads --variant csv --mirror "file://$T/mirror2" -q
check_grep "the stamp records the mcauleylab URL" "mcauleylab.ucsd.edu/public_datasets/gdrive/goodreads/user_id_map.csv" "$(cat "$T/.out")/.l4r-fetched.json"
check_exit 0 "convert the fetched csv" gr --variant csv -o "$T/fcsv" -q
check_same "fetched csv = the python reading" "$T/fcsv/interactions.tsv" "$T/csv-inter.want"
check_same "fetched csv users" "$T/fcsv/users.tsv" "$T/csv-users.want"
check_exit 6 "convert authors: refused, a fetch-only variant has no interactions" \
  gr --variant authors --raw "$F/dedup/goodreads_book_authors.json.gz" -o "$T/a" -q
check_grep "convert authors: the message says why" "no interaction table" "$T/.err"
