# CLI tests: the netflix recipe.  l4r-gen writes both layouts (Kaggle's archive.zip with
# combined_data_1..4.txt and movie_titles.csv; the 2006 nf_prize_dataset.tar.gz > download/
# training_set.tar > mv_*.txt); python checks their shape (the real example line, one rating per
# customer and movie, probe a subset of the training pairs, qualifying disjoint from them, both
# layouts the same ratings, Latin-1 titles with commas and NULL years) and computes, from its own
# parse of the 'MovieID:' blocks, every output the tool must write: interactions, items, probe and
# qualifying, and the leave-one-out split with ties in file order.  The tool: convert reads the
# blocks ("block_header") over several files ("paths": the four combined_data files, the glob over
# mv_*.txt) with the same bytes for -j 1, 2 and 3 and blocks cut inside movies; both layouts give
# the same interactions; errors name the file and line; fetch exits 9 naming the page and file;
# fetch --from unpacks both layouts; a changed mv file is caught; info shows the new vocabulary.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate kaggle" "$GEN" netflix kaggle "$F/k" --lines 3000
check_exit 0 "generate original" "$GEN" netflix original "$F/o" --lines 3000
check_exit 0 "generate kaggle again" "$GEN" netflix kaggle "$F/k2" --lines 3000
check_same "generator: same arguments, same bytes" "$F/k/archive.zip" "$F/k2/archive.zip"
check_exit 0 "generator: scales with --lines/--users/--items" "$GEN" netflix kaggle "$F/big" --lines 5000 --users 700 --items 120
check_exit 0 "generate kaggle with few customers (same-day ties)" "$GEN" netflix kaggle "$F/ties" --lines 3000 --users 40
KZ="$F/k/archive.zip"
OT="$F/o/nf_prize_dataset.tar.gz"

python3 - "$KZ" "$OT" "$F/big/archive.zip" "$T" "$F/ties/archive.zip" <<'PY'
import calendar, io, re, sys, tarfile, zipfile
from l4r_expect import line
kz, ot, bigz, out, tiesz = sys.argv[1:6]
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
def ts(d):
    return calendar.timegm((int(d[:4]), int(d[5:7]), int(d[8:10]), 0, 0, 0))
def write(name, header, rows):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.write(header)
        for r in rows:
            f.write(line(r))
write("inter.want", "user_id\titem_id\trating\ttimestamp\n", [(c, m, r, ts(d)) for m, c, r, d in kr])
write("probe.want", "user_id\titem_id\n", [(c, m) for m, c in probe])
write("qual.want", "user_id\titem_id\ttimestamp\n", [(c, m, ts(d)) for m, c, d in qual])
# leave-one-out on the few-customers fixture: users in order of first appearance, each user's rows
# in time order, equal times in file order (a stable sort); last -> test, second last -> valid
tz = zipfile.ZipFile(tiesz)
tr = []
for i in range(1, 5):
    tr += blocks(tz.read(f"combined_data_{i}.txt").decode(), 3)
byuser = {}
for m, c, r, d in tr:
    byuser.setdefault(c, []).append((c, m, r, ts(d)))
fact("ties_exist", any(len({t for *_, t in rows}) < len(rows) for rows in byuser.values()))
fact("ties_unsorted_in_file", any([t for *_, t in rows] != sorted(t for *_, t in rows) for rows in byuser.values()))
split = {"train": [], "valid": [], "test": []}
for rows in byuser.values():
    rows = sorted(rows, key=lambda x: x[3])
    if len(rows) < 3:
        split["train"] += rows
        continue
    split["train"] += rows[:-2]
    split["valid"].append(rows[-2])
    split["test"].append(rows[-1])
for k, rows in split.items():
    write(f"{k}.want", "user_id\titem_id\trating\ttimestamp\n", rows)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts")" 23

# convert --raw archive.zip: the blocks over the four files, items, and --with the side tables
check_exit 0 "kaggle: convert --raw archive.zip" "$L4R" convert netflix --raw "$KZ" -o "$T/k1" -q -j 1
check_same "kaggle: interactions as python reads the blocks (movie from the 'N:' line, date at UTC midnight)" "$T/k1/interactions.tsv" "$T/inter.want"
check_same "kaggle: items split at the first two commas, Latin-1 to UTF-8, NULL year copied" "$T/k1/items.tsv" "$T/titles.want"
check "kaggle: probe and qualifying only when asked" test ! -e "$T/k1/probe.tsv" -a ! -e "$T/k1/qualifying.tsv"
check_grep "manifest: four files" '"files": 4' "$T/k1/manifest.json"
check_grep "manifest: the files named in order" 'archive.zip:combined_data_1.txt, .*archive.zip:combined_data_4.txt' "$T/k1/manifest.json"
check_exit 0 "kaggle: -j 3 with 256-byte blocks (cut inside movie blocks)" "$L4R" convert netflix --raw "$KZ" -o "$T/k3" -q -j 3 --block-size 256 --with probe,qualifying
check_same "kaggle: -j 1 and -j 3 give the same bytes" "$T/k3/interactions.tsv" "$T/k1/interactions.tsv"
check_exit 0 "kaggle: -j 2 with 100-byte blocks" "$L4R" convert netflix --raw "$KZ" -o "$T/k2" -q -j 2 --block-size 100
check_same "kaggle: -j 2 the same bytes" "$T/k2/interactions.tsv" "$T/k1/interactions.tsv"
check_same "probe: side table, movie from the block header, no rating" "$T/k3/probe.tsv" "$T/probe.want"
check_same "qualifying: side table with its dates, apart from interactions" "$T/k3/qualifying.tsv" "$T/qual.want"
check_eq "probe/qualifying: not in interactions.tsv" "$(wc -l <"$T/k3/interactions.tsv")" 3001

# leave-one-out on time, ties in file order
check_exit 0 "split seq on the few-customers fixture" "$L4R" convert netflix --raw "$F/ties/archive.zip" -o "$T/s" -q --split seq -j 3 --block-size 300
for k in train valid test; do
  check_same "split seq: $k.tsv (time order, same-day ratings in file order)" "$T/s/$k.tsv" "$T/$k.want"
done

# errors: a record before any header line; a missing combined_data file
mkdir -p "$T/bad" "$T/miss"
(cd "$T/bad" && unzip -q "$KZ")
(cd "$T/miss" && unzip -q "$KZ" && rm combined_data_3.txt)
printf '1488844,3,2005-09-06\n' | cat - "$T/bad/combined_data_3.txt" >"$T/bad/c3" && mv "$T/bad/c3" "$T/bad/combined_data_3.txt"
check_exit 7 "error: a record before the first 'N:' line (exit 7)" "$L4R" convert netflix --raw "$T/bad" -o "$T/e1" -q
check_grep "error: names the file and line" "combined_data_3.txt' line 1: a record before the first block header line" "$T/.err"
check "error: nothing written" test ! -e "$T/e1"
check_exit 0 "a lone combined_data file given to --raw is the table" "$L4R" convert netflix --raw "$T/miss/combined_data_1.txt" -o "$T/one" -q
check_eq "a lone file: its own ratings" "$(sed 1d "$T/one/interactions.tsv" | wc -l)" "$(grep -vc ':$' "$T/miss/combined_data_1.txt")"
check_exit 8 "error: a missing combined_data file (exit 8)" "$L4R" convert netflix --raw "$T/miss" -o "$T/e2" -q
check_grep "error: names the missing file" "combined_data_3.txt" "$T/.err"
# the tarball itself: its inner training_set.tar streamed, the mv_*.txt entries in one pass
check_exit 0 "original: convert --raw the tarball itself" "$L4R" convert netflix --variant original --raw "$OT" -o "$T/ot" -q -j 3 --block-size 128
check_same "original tarball: the same interactions as kaggle (and python)" "$T/ot/interactions.tsv" "$T/inter.want"
check_same "original tarball: the same items" "$T/ot/items.tsv" "$T/titles.want"
NMV=$(grep -c '' "$T/titles.want" | awk '{print $1 - 1}')
check_grep "original tarball manifest: the entries read" "\"files\": $NMV," "$T/ot/manifest.json"
check_grep "original tarball manifest: the tarball's sha256" "\"sha256\": \"$(sha256sum "$OT" | cut -c1-64)\"" "$T/ot/manifest.json"
check_grep "original tarball manifest: the chain and the glob" "nf_prize_dataset.tar.gz:download/training_set.tar/training_set/mv_\*.txt" "$T/ot/manifest.json"
# the inner tar given itself: movie_titles.txt beside it (as unpacking the outer one leaves it), or not
mkdir -p "$T/in1/download" "$T/in2"
(cd "$T/in1" && tar xzf "$OT")
cp "$T/in1/download/training_set.tar" "$T/in2/"
check_exit 0 "original: --raw training_set.tar, movie_titles.txt beside it" "$L4R" convert netflix --variant original \
  --raw "$T/in1/download/training_set.tar" -o "$T/oi1" -q
check_same "training_set.tar: the same interactions" "$T/oi1/interactions.tsv" "$T/inter.want"
check_same "training_set.tar: the items from the file beside it" "$T/oi1/items.tsv" "$T/titles.want"
check_exit 0 "original: --raw training_set.tar alone" "$L4R" convert netflix --variant original --raw "$T/in2/training_set.tar" -o "$T/oi2" -q
check_same "training_set.tar alone: the same interactions" "$T/oi2/interactions.tsv" "$T/inter.want"
check_grep "training_set.tar alone: the missing titles are a warning" "no 'movie_titles.txt' next to the input; items.tsv is not written" "$T/.err"
# entries out of name order, or one twice: refused (a glob is read in name order, in one pass)
python3 - "$T/in2/training_set.tar" "$T/in2" <<'PY'
import io, sys, tarfile
src, out = sys.argv[1:]
t = tarfile.open(src)
members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
def write(name, order):
    with tarfile.open(f"{out}/{name}/training_set.tar", "w", format=tarfile.USTAR_FORMAT) as w:
        for m, data in order:
            w.addfile(m, io.BytesIO(data) if data is not None else None)
import os
os.makedirs(f"{out}/swap"); os.makedirs(f"{out}/twice")
files = [x for x in members if x[1] is not None]
dirs = [x for x in members if x[1] is None]
write("swap", dirs + [files[1], files[0]] + files[2:])
write("twice", dirs + files[:3] + [files[2]] + files[3:])
print(files[0][0].name, files[1][0].name)
PY
check_exit 5 "entries out of name order: exit 5" "$L4R" convert netflix --variant original --raw "$T/in2/swap/training_set.tar" -o "$T/ox" -q
check_grep "out of order: says which and what to do" "holds 'training_set/mv_0000001.txt' (entry 3) after 'training_set/mv_0000002.txt' (entry 2)" "$T/.err"
check_grep "out of order: unpack" "unpack it (fetch --from does) and give --raw the directory" "$T/.err"
check "out of order: nothing written" test ! -e "$T/ox"
check_exit 5 "an entry twice: exit 5" "$L4R" convert netflix --variant original --raw "$T/in2/twice/training_set.tar" -o "$T/ox" -q
check_grep "an entry twice: ambiguous" "it holds 'training_set/mv_0000003.txt' twice" "$T/.err"

# original unpacked by hand, inner tar too: --raw DIR
mkdir -p "$T/ou"
(cd "$T/ou" && tar xzf "$OT" && mkdir download/ts && tar xf download/training_set.tar -C download/ts && rm download/training_set.tar && mv download/ts download/training_set.tar)
check_exit 0 "original: --raw the unpacked directory" "$L4R" convert netflix --variant original --raw "$T/ou" -o "$T/o1" -q -j 3 --block-size 128
check_same "original: the same interactions as kaggle (and python)" "$T/o1/interactions.tsv" "$T/inter.want"
check_same "original: the same items" "$T/o1/items.tsv" "$T/titles.want"
check_grep "original manifest: one file per movie" "\"files\": $(grep -c '' "$T/titles.want" | awk '{print $1 - 1}')" "$T/o1/manifest.json"

# info: terms, manual steps, the new vocabulary
check_exit 0 "info kaggle" "$L4R" info netflix
check_grep "info: terms" "terms:       https://www.kaggle.com/datasets/netflix-inc/netflix-prize-data" "$T/.out"
check_nogrep "info: no longer fetch-only" "not convertible" "$T/.out"
check_nogrep "info: title no longer says fetch only" "fetch only" "$T/.out"
check_grep "info: the four files" "paths:     combined_data_1.txt, combined_data_2.txt, combined_data_3.txt, combined_data_4.txt" "$T/.out"
check_grep "info: the block header" "a line 'N:' (no delimiter) opens a block; N is column 'movie'" "$T/.out"
check_grep "info: probe and qualifying optional" "probe.tsv (optional: convert --with probe)" "$T/.out"
check_grep "info: license" "non-commercial research only" "$T/.out"
check_exit 0 "info original" "$L4R" info netflix --variant original
check_grep "info original: the glob" "paths:     download/training_set.tar/training_set/mv_\*.txt" "$T/.out"

# manual fetch, then --from, then convert
check_exit 9 "kaggle: fetch is manual (Kaggle login), exit 9" "$L4R" fetch netflix
check_grep "kaggle: the page" "sign in at https://www.kaggle.com/datasets/netflix-inc/netflix-prize-data" "$T/.err"
check_grep "kaggle: the file and the --from command" "fetch netflix --variant kaggle --from archive.zip" "$T/.err"
check_exit 9 "original: fetch is manual, exit 9" "$L4R" fetch netflix --variant original
check_grep "original: the file and the --from command" "fetch netflix --variant original --from nf_prize_dataset.tar.gz" "$T/.err"
check_exit 0 "kaggle: fetch --from archive.zip" "$L4R" fetch netflix --from "$KZ" -q
D="$LLM4REC_DATA_HOME/netflix/kaggle"
check "kaggle: combined_data_4.txt unpacked" test -f "$D/combined_data_4.txt"
check_exit 0 "kaggle: convert after the fetch" "$L4R" convert netflix -o "$T/kf" -q
check_same "kaggle fetched: same interactions" "$T/kf/interactions.tsv" "$T/inter.want"
check_exit 0 "original: fetch --from nf_prize_dataset.tar.gz" "$L4R" fetch netflix --variant original --from "$OT" -q
D="$LLM4REC_DATA_HOME/netflix/original"
check "original: training_set.tar unpacked into a directory of its name" test -f "$D/download/training_set.tar/training_set/mv_0000001.txt"
check_eq "original: mv_0000001.txt begins with the real example" "$(head -2 "$D/download/training_set.tar/training_set/mv_0000001.txt" | tr '\n' ' ')" "1: 1488844,3,2005-09-06 "
check "original: probe.txt kept beside, not mixed in" test -f "$D/download/probe.txt"
check_exit 0 "original: convert after the fetch" "$L4R" convert netflix --variant original -o "$T/of" -q --with probe,qualifying
check_same "original fetched: the same interactions as kaggle" "$T/of/interactions.tsv" "$T/kf/interactions.tsv"
check_same "original fetched: the same probe table" "$T/of/probe.tsv" "$T/probe.want"
# a fetched mv file edited in place is caught by the stamp, file by file
MV="$D/download/training_set.tar/training_set/mv_0000002.txt"
sed 's/,1,/,2,/;s/,3,/,1,/' "$MV" >"$T/mv" && cat "$T/mv" >"$MV"
check_exit 4 "original: an mv file changed after the fetch is refused (exit 4)" "$L4R" convert netflix --variant original -o "$T/og" -q
check_grep "original: names the changed file" "mv_0000002.txt' changed after it was fetched" "$T/.err"
