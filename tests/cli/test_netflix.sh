# CLI tests: the netflix recipe, fetch-only because the recipe vocabulary cannot carry a 'MovieID:'
# block header onto the rows below it.  l4r-gen writes both layouts (Kaggle's archive.zip with
# combined_data_1..4.txt and movie_titles.csv; the 2006 nf_prize_dataset.tar.gz > download/
# training_set.tar > mv_*.txt); python checks their shape (the real example line, one rating per
# customer and movie, probe a subset of the training pairs, qualifying disjoint from them, both
# layouts the same ratings, Latin-1 titles with commas and NULL years).  The tool: fetch exits 9
# naming the page and file; fetch --from unpacks both layouts (the inner tar into a directory of its
# name); convert refuses (exit 6) with --raw and after the fetch; info shows the terms and the gap;
# the titles mapping the notes promise (extra_fields last, iso-8859-1) is checked through a
# test-only recipe against python's split at the first two commas.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate kaggle" "$GEN" netflix kaggle "$F/k" --lines 3000
check_exit 0 "generate original" "$GEN" netflix original "$F/o" --lines 3000
check_exit 0 "generate kaggle again" "$GEN" netflix kaggle "$F/k2" --lines 3000
check_same "generator: same arguments, same bytes" "$F/k/archive.zip" "$F/k2/archive.zip"
check_exit 0 "generator: scales with --lines/--users/--items" "$GEN" netflix kaggle "$F/big" --lines 5000 --users 700 --items 120
KZ="$F/k/archive.zip"
OT="$F/o/nf_prize_dataset.tar.gz"

python3 - "$KZ" "$OT" "$F/big/archive.zip" "$T" <<'PY'
import io, re, sys, tarfile, zipfile
kz, ot, bigz, out = sys.argv[1:5]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def blocks(text, ncols):
    """'N:' lines open a block; the other lines belong to the last one opened."""
    movie, rows = None, []
    for line in text.split("\n")[:-1]:
        if re.fullmatch(r"[0-9]+:", line):
            movie = line[:-1]
            continue
        parts = line.split(",")
        assert movie is not None and len(parts) == ncols, line
        rows.append((movie, *parts))
    return rows
z = zipfile.ZipFile(kz)
fact("kaggle_layout", z.namelist() == ["README"] + [f"combined_data_{i}.txt" for i in range(1, 5)] +
     ["movie_titles.csv", "probe.txt", "qualifying.txt"])
first = z.read("combined_data_1.txt").decode()
fact("real_first_lines", first.startswith("1:\n1488844,3,2005-09-06\n"))
kr = []
for i in range(1, 5):
    kr += blocks(z.read(f"combined_data_{i}.txt").decode(), 3)
fact("ratings_count", len(kr) == 3000)
fact("movies_ascend_over_files", [int(m) for m, *_ in kr] == sorted(int(m) for m, *_ in kr))
fact("one_rating_per_pair", len({(m, c) for m, c, _, _ in kr}) == len(kr))
fact("ratings_1_5", {r for _, _, r, _ in kr} == {"1", "2", "3", "4", "5"})
fact("dates_iso", all(re.fullmatch(r"(1999|200[0-5])-[01][0-9]-[0-3][0-9]", d) for *_, d in kr))
pairs = {(m, c) for m, c, _, _ in kr}
probe = blocks(z.read("probe.txt").decode(), 1)
qual = blocks(z.read("qualifying.txt").decode(), 2)
fact("probe_in_training", probe and all(p in pairs for p in probe))
fact("qualifying_apart", qual and not any((m, c) in pairs for m, c, _ in qual))
fact("qualifying_dated", all(re.fullmatch(r"2005-12-[0-3][0-9]", d) for *_, d in qual))
t = tarfile.open(ot, "r:gz")
fact("original_layout", t.getnames() == ["download", "download/README", "download/movie_titles.txt",
     "download/probe.txt", "download/qualifying.txt", "download/rmse.pl", "download/training_set.tar"])
inner = tarfile.open(fileobj=io.BytesIO(t.extractfile("download/training_set.tar").read()))
names = [n for n in inner.getnames() if n.endswith(".txt")]
nmovies = len({m for m, *_ in kr})
fact("mv_files", names == [f"training_set/mv_{m:07d}.txt" for m in range(1, nmovies + 1)])
orr = []
for n in names:
    txt = inner.extractfile(n).read().decode()
    fact_ok = txt.startswith(f"{int(n[-11:-4])}:\n")
    if not fact_ok:
        orr = None
        break
    orr += blocks(txt, 3)
fact("mv_header_is_file_name", orr is not None)
fact("layouts_same_ratings", orr == kr)
fact("titles_same", t.extractfile("download/movie_titles.txt").read() == z.read("movie_titles.csv"))
fact("probe_same", t.extractfile("download/probe.txt").read() == z.read("probe.txt"))
raw = z.read("movie_titles.csv")
fact("titles_latin1", b"\xe9" in raw and raw.decode("latin-1").encode("utf-8") != raw)
titles = [l.split(",", 2) for l in raw.decode("latin-1").split("\n")[:-1]]
fact("titles_commas", any("," in tt for _, _, tt in titles))
fact("titles_null_year", any(y == "NULL" for _, y, _ in titles))
fact("titles_every_movie", [int(i) for i, _, _ in titles] == list(range(1, nmovies + 1)))
with open(f"{out}/titles.want", "w", encoding="utf-8") as f:
    f.write("item_id\ttitle\tyear\n")
    for i, y, tt in titles:
        f.write(f"{i}\t{tt}\t{y}\n")
big = zipfile.ZipFile(bigz)
br = []
for i in range(1, 5):
    br += blocks(big.read(f"combined_data_{i}.txt").decode(), 3)
fact("gen_scales", len(br) == 5000 and len({m for m, *_ in br}) == 120 and len({c for _, c, _, _ in br}) > 300)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts")" 21

# convert refuses: no interactions table (the gap), for both layouts
check_exit 6 "kaggle: convert --raw is refused (block format not expressible)" "$L4R" convert netflix --raw "$KZ" -o "$T/c" -q
check_grep "kaggle: the message says why" "no interaction table" "$T/.err"
check_exit 6 "original: convert --raw is refused" "$L4R" convert netflix --variant original --raw "$OT" -o "$T/c" -q

# info: terms, manual steps, and the gap stated with the needed syntax
check_exit 0 "info kaggle" "$L4R" info netflix
check_grep "info: terms" "terms:       https://www.kaggle.com/datasets/netflix-inc/netflix-prize-data" "$T/.out"
check_grep "info: not convertible" "interactions: not convertible yet" "$T/.out"
check_grep "info: the gap, exactly" "cannot carry a value from a header line onto the rows" "$T/.out"
check_grep "info: the needed syntax" '"block_header": {"suffix": ":", "as": "movie"}' "$T/.out"
check_grep "info: probe and qualifying kept apart" "must stay apart from it" "$T/.out"
check_grep "info: license" "non-commercial research only" "$T/.out"
check_exit 0 "info original" "$L4R" info netflix --variant original
check_grep "info original: the nested tar" "download/training_set.tar" "$T/.out"

# manual fetch, then --from
check_exit 9 "kaggle: fetch is manual (Kaggle login), exit 9" "$L4R" fetch netflix
check_grep "kaggle: the page" "sign in at https://www.kaggle.com/datasets/netflix-inc/netflix-prize-data" "$T/.err"
check_grep "kaggle: the file and the --from command" "fetch netflix --variant kaggle --from archive.zip" "$T/.err"
check_exit 9 "original: fetch is manual, exit 9" "$L4R" fetch netflix --variant original
check_grep "original: the file and the --from command" "fetch netflix --variant original --from nf_prize_dataset.tar.gz" "$T/.err"
check_exit 0 "kaggle: fetch --from archive.zip" "$L4R" fetch netflix --from "$KZ" -q
D="$LLM4REC_DATA_HOME/netflix/kaggle"
check "kaggle: combined_data_4.txt unpacked" test -f "$D/combined_data_4.txt"
check_exit 6 "kaggle: convert after the fetch is still refused" "$L4R" convert netflix -o "$T/c" -q
check_exit 0 "original: fetch --from nf_prize_dataset.tar.gz" "$L4R" fetch netflix --variant original --from "$OT" -q
D="$LLM4REC_DATA_HOME/netflix/original"
check "original: training_set.tar unpacked into a directory of its name" test -f "$D/download/training_set.tar/training_set/mv_0000001.txt"
check_eq "original: mv_0000001.txt begins with the real example" "$(head -2 "$D/download/training_set.tar/training_set/mv_0000001.txt" | tr '\n' ' ')" "1: 1488844,3,2005-09-06 "
check "original: probe.txt kept beside, not mixed in" test -f "$D/download/probe.txt"

# the titles mapping the notes describe, through a test-only recipe (a stand-in interactions table:
# the vocabulary needs one before it takes items)
mkdir -p "$T/r"
cat >"$T/r/nftitles.json" <<'J'
{"schema": 1, "dataset": "nftitles", "title": "t", "license": "l", "default_variant": "v",
 "variants": {"v": {"description": "stand-in", "files": [{"url": "https://example.org/movie_titles.csv"}],
   "interactions": {"path": "movie_titles.csv", "format": "delimited", "delimiter": ",", "encoding": "iso-8859-1",
                    "columns": ["MovieID", "YearOfRelease", "Title"], "extra_fields": "last",
                    "fields": {"user_id": "MovieID", "item_id": "MovieID"}},
   "items": {"path": "movie_titles.csv", "format": "delimited", "delimiter": ",", "encoding": "iso-8859-1",
             "columns": ["MovieID", "YearOfRelease", "Title"], "extra_fields": "last",
             "fields": {"item_id": "MovieID", "title": "Title", "year": "YearOfRelease"}}}}}
J
check_exit 0 "titles: the promised items mapping reads movie_titles.csv" "$L4R" --recipes "$T/r" convert nftitles --raw "$KZ" -o "$T/t" -q
check_same "titles: split at the first two commas, Latin-1 to UTF-8, NULL year copied" "$T/t/items.tsv" "$T/titles.want"
