# CLI tests: the lastfm recipe on l4r-gen's archives.  HetRec 2011 Last.fm-2K
# (hetrec2011-lastfm-2k.zip, files at the zip's root, TAB-separated with header lines): the plays
# (weight as rating, no time), the tag assignments (millisecond times, not in time order within a
# user; tag id as rating), the tags as items (tags.dat in Windows-1252), artists.dat with stray '"'
# in names.  Last.fm-1K (lastfm-dataset-1K.tar.gz): the play log (no header, ISO-8601 Z, newest
# first per user, empty MusicBrainz ids, a TAB inside some track names) and userid-profile.tsv.
# Every expected output is computed by python from the files in the archives; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate hetrec-2k" "$GEN" lastfm hetrec-2k "$F"
check_exit 0 "generate 1k" "$GEN" lastfm 1k "$F" --lines 4000
Z="$F/hetrec2011-lastfm-2k.zip"
K="$F/lastfm-dataset-1K.tar.gz"
check_eq "zip: the files sit at the root (no folder)" "$(python3 -c 'import sys, zipfile; print(" ".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$Z")" \
  "artists.dat readme.txt tags.dat user_artists.dat user_friends.dat user_taggedartists-timestamps.dat user_taggedartists.dat"

lf() { "$L4R" convert lastfm "$@"; }
for v in hetrec-2k/plays hetrec-2k/tagged hetrec-2k/tags 1k; do
  n=$(echo "$v" | tr / -)
  in=$Z; [ "$v" = 1k ] && in=$K
  for j in 1 3; do
    check_exit 0 "$v -j $j" lf --variant "$v" --raw "$in" -o "$T/$n-$j" -q -j "$j" --block-size 4096
  done
  for f in interactions items; do
    check_same "$v: -j 1 and -j 3 write the same $f.tsv" "$T/$n-1/$f.tsv" "$T/$n-3/$f.tsv"
  done
done

python3 - "$Z" "$K" "$T" <<'PY'
import calendar, sys, tarfile, time, zipfile
from l4r_expect import write_tsv
z = zipfile.ZipFile(sys.argv[1])
out = sys.argv[3]
def table(name, enc="utf-8"):
    lines = z.read(name).decode(enc).split("\n")
    assert lines[-1] == ""
    return [l.split("\t") for l in lines[1:-1]]   # header dropped, split on TAB only (no quoting)
H = "user_id\titem_id\trating\ttimestamp\n"
def write(name, head, rows):
    write_tsv(f"{out}/{name}", head.rstrip("\n").split("\t"), rows)
artists = [(i, n, u, p) for i, n, u, p in table("artists.dat")]
write("artists.want", "item_id\ttitle\turl\tpicture_url\n", artists)
write("plays.want", H, [(u, a, w, "") for u, a, w in table("user_artists.dat")])
tas = table("user_taggedartists-timestamps.dat")
write("tagged.want", H, [(u, a, t, str(int(ms) // 1000)) for u, a, t, ms in tas])
write("tags-inter.want", H, [(u, t, a, str(int(ms) // 1000)) for u, a, t, ms in tas])
write("tags-items.want", "item_id\ttitle\n", table("tags.dat", "cp1252"))
# the day/month/year file agrees with the millisecond one (local midnight in Central Europe)
dmy = table("user_taggedartists.dat")
bad = sum(1 for (u, a, t, d, m, y), (_, _, _, ms) in zip(dmy, tas)
          if time.strftime("%Y-%m-%d", time.gmtime(int(ms) // 1000 + 7200)) != f"{int(y):04d}-{int(m):02d}-{int(d):02d}")
# tag assignments are sorted by user, artist, tag: not by time within a user
unsorted = sum(1 for a, b in zip(tas, tas[1:]) if a[0] == b[0] and int(a[3]) > int(b[3]))
quotes = sum(1 for r in artists if r[1].count('"') % 2 == 1)
cp = sum(1 for b in z.read("tags.dat") if 0x80 <= b <= 0x9f)
# seq split of the tagged variant: stable sort by time within each user
users, by = [], {}
for u, a, t, ms in tas:
    if u not in by:
        by[u] = []
        users.append(u)
    by[u].append((int(ms) // 1000, a, t))
rows = {"train": [], "valid": [], "test": []}
for u in users:
    r = sorted(by[u], key=lambda x: x[0])
    parts = [("train", r)] if len(r) < 3 else [("train", r[:-2]), ("valid", r[-2:-1]), ("test", r[-1:])]
    for k, rr in parts:
        rows[k] += [(u, a, t, str(s)) for s, a, t in rr]
for k, rr in rows.items():
    write(f"tagged-{k}.want", H, rr)

# Last.fm-1K
t = tarfile.open(sys.argv[2])
log = t.extractfile("lastfm-dataset-1K/userid-timestamp-artid-artname-traid-traname.tsv").read().decode()
inter, items, seen, tabs, empty = [], [], set(), 0, 0
for l in log.split("\n")[:-1]:
    f = l.split("\t", 5)            # the track name, last, keeps any TAB
    tabs += "\t" in f[5]
    empty += f[2] == ""
    inter.append((f[0], f[3], "1", str(calendar.timegm(time.strptime(f[1], "%Y-%m-%dT%H:%M:%SZ")))))
    if f[3] not in seen:
        seen.add(f[3])
        items.append((f[3], f[3], f[2]))
write("1k-inter.want", H, inter)
write("1k-items.want", "item_id\ttitle\tmbid\n", items)
prof = t.extractfile("lastfm-dataset-1K/userid-profile.tsv").read().decode().split("\n")
assert prof[0] == "#id\tgender\tage\tcountry\tregistered"
write("1k-users.want", "user_id\tgender\tage\tcountry\tregistered\n", [l.split("\t") for l in prof[1:-1]])
desc = sum(1 for a, b in zip(inter, inter[1:]) if a[0] == b[0] and int(a[3]) > int(b[3]))
open(f"{out}/facts", "w").write(f"{bad} {unsorted} {quotes} {cp} {tabs} {empty} {desc}\n")
PY
read bad unsorted quotes cp tabs empty desc <"$T/facts"
check_eq "fixture: user_taggedartists.dat and the ms file give the same days" "$bad" 0
check "fixture: tag times are not in time order within a user" test "$unsorted" -gt 10
check "fixture: artist names with an unbalanced '\"'" test "$quotes" -gt 5
check "fixture: tags.dat holds Windows-1252-only bytes (0x80-0x9F)" test "$cp" -gt 0
check "fixture 1k: track names with a TAB inside" test "$tabs" -gt 0
check "fixture 1k: rows without an artist MusicBrainz id" test "$empty" -gt 100
check "fixture 1k: plays newest first within users" test "$desc" -gt 1000

check_same "plays: user, artist, the weight as rating, no time" "$T/hetrec-2k-plays-1/interactions.tsv" "$T/plays.want"
check_eq "plays: the real first row" "$(sed -n 2p "$T/hetrec-2k-plays-1/interactions.tsv")" "$(printf '2\t51\t13883\t')"
check_same "artists.dat: stray '\"' in names kept, read as TAB-separated (not CSV)" "$T/hetrec-2k-plays-1/items.tsv" "$T/artists.want"
check_grep "artists: the real Metallica row" "$(printf '707\tMetallica\thttp://www.last.fm/music/Metallica\t')" "$T/hetrec-2k-plays-1/items.tsv"
check_grep "plays: manifest says there is no time" '"time": "none"' "$T/hetrec-2k-plays-1/manifest.json"
check_same "tagged: artist as item, tag id as rating, ms floored to seconds" "$T/hetrec-2k-tagged-1/interactions.tsv" "$T/tagged.want"
check_eq "tagged: the real first row (1238536800000 ms)" "$(sed -n 2p "$T/hetrec-2k-tagged-1/interactions.tsv")" "$(printf '2\t52\t13\t1238536800')"
check_same "tagged: artists.dat as items" "$T/hetrec-2k-tagged-1/items.tsv" "$T/artists.want"
check_same "tags: tag as item, artist as rating" "$T/hetrec-2k-tags-1/interactions.tsv" "$T/tags-inter.want"
check_same "tags: tags.dat transcoded from Windows-1252" "$T/hetrec-2k-tags-1/items.tsv" "$T/tags-items.want"
check_grep "tags: cp1252 right quote became U+2019" "$(printf '6\t80\342\200\231s')" "$T/hetrec-2k-tags-1/items.tsv"

check_exit 0 "tagged --split seq" lf --variant hetrec-2k/tagged --raw "$Z" -o "$T/seq" -q --split seq
for k in train valid test; do
  check_same "tagged seq $k: ordered by the tag times, not the file's artist order" "$T/seq/$k.tsv" "$T/tagged-$k.want"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/seq"
check_exit 2 "plays: a time split is refused (no time)" lf --variant hetrec-2k/plays --raw "$Z" -o "$T/x" -q --split time:2009-01-01
check_exit 0 "plays --split seq (source order)" lf --variant hetrec-2k/plays --raw "$Z" -o "$T/pseq" -q --split seq

check_same "1k: user, artist name, 1, ISO-8601 Z; a TAB in the track name shifts nothing" "$T/1k-1/interactions.tsv" "$T/1k-inter.want"
check_same "1k items: artist name, its first MusicBrainz id (may be empty)" "$T/1k-1/items.tsv" "$T/1k-items.want"
check_same "1k users: userid-profile.tsv, '#id' header, empty fields kept" "$T/1k-1/users.tsv" "$T/1k-users.want"
check_grep "1k: the real first play" "$(printf 'user_000001\tDeep Dish\t1\t1241478537')" "$T/1k-1/interactions.tsv"
check_grep "1k: the track-name TABs are counted" '"extra_fields_in_last": [1-9]' "$T/1k-1/manifest.json"
check_exit 0 "1k --split seq" lf --variant 1k --raw "$K" -o "$T/kseq" -q --split seq
check_eq "1k seq: user_000001's test item is its newest play (the real first line)" \
  "$(awk -F'\t' '$1 == "user_000001"' "$T/kseq/test.tsv")" "$(printf 'user_000001\tDeep Dish\t1\t1241478537')"
check_exit 0 "stats reads the 1k split" "$L4R" stats "$T/kseq"

check_exit 0 "info lists the variants" "$L4R" list
check_grep "list: hetrec-2k/tags" "hetrec-2k/tags" "$T/.out"
check_exit 0 "info 1k" "$L4R" info lastfm --variant 1k
check_grep "info 1k: the UPF URL" "https://mtg.upf.edu/static/datasets/last.fm/lastfm-dataset-1K.tar.gz" "$T/.out"
check_grep "info 1k: the Zenodo mirror" "https://zenodo.org/records/6090214/files/lastfm-dataset-1K.tar.gz" "$T/.out"
check_exit 0 "info hetrec-2k/tagged" "$L4R" info lastfm --variant hetrec-2k/tagged
check_grep "info: the pinned sha256" "6738f48195667ff03caaab4d32ca9a3133d8cc026b7c3cdaf6ce1010e913c59c" "$T/.out"

# fetch the 1K archive (no published digest) through a file:// mirror, then convert the unpacked copy
mkdir -p "$T/mirror/mtg.upf.edu/static/datasets/last.fm"
cp "$K" "$T/mirror/mtg.upf.edu/static/datasets/last.fm/"
check_exit 0 "fetch 1k through a file:// mirror" "$L4R" fetch lastfm --variant 1k --mirror "file://$T/mirror" -q
check_exit 0 "convert the fetched 1k" lf --variant 1k -o "$T/kf" -q
check_same "fetched and unpacked = --raw archive" "$T/kf/interactions.tsv" "$T/1k-inter.want"
