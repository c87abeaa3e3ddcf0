# CLI tests: the gowalla recipe on l4r-gen's SNAP-shaped check-ins (loc-gowalla_totalCheckins.txt.gz:
# TAB-separated, no header, ISO-8601 "Z" times, newest first within each user, some rows with 0 or
# out-of-range coordinates) and friendship list.  Every expected output is computed from the
# fixture by python; -j 1 and -j 3 must write the same bytes; the seq split must follow time, not
# the file's order; fetch goes through a file:// mirror (the check-ins' pinned sha256 refuses the
# fixture; the edges, without a digest, are fetched and pinned).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
CK="$F/loc-gowalla_totalCheckins.txt.gz"
check_exit 0 "generate the check-ins" "$GEN" gowalla checkins --lines 3000 --gzip -o "$CK"
check_exit 0 "generate the friendships" "$GEN" gowalla edges --users 200 --gzip -o "$F/loc-gowalla_edges.txt.gz"
check_eq "fixture: the real first line of datasets.md comes first" "$(gzip -dc "$CK" | head -1)" \
  "$(printf '0\t2010-10-19T23:55:27Z\t30.2359091167\t-97.7951395833\t22847')"
check_exit 0 "generator: same arguments, same bytes" "$GEN" gowalla checkins --lines 3000 --gzip -o "$F/again.gz"
check_same "generator is deterministic" "$CK" "$F/again.gz"

gw() { "$L4R" convert gowalla "$@"; }
for j in 1 3; do
  check_exit 0 "checkins -j $j" gw --raw "$CK" -o "$T/o$j" -q -j "$j" --block-size 4096
done
check_same "-j 1 and -j 3 write the same interactions" "$T/o1/interactions.tsv" "$T/o3/interactions.tsv"
check_same "-j 1 and -j 3 write the same items" "$T/o1/items.tsv" "$T/o3/items.tsv"

# The independent reading: python parses the ISO-8601 times itself.
python3 - "$CK" "$T" <<'PY'
import calendar, gzip, sys, time
rows = [l.rstrip("\n").split("\t") for l in gzip.open(sys.argv[1], "rt", encoding="utf-8")]
def ts(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))
with open(sys.argv[2] + "/inter.want", "w") as f:
    f.write("user_id\titem_id\trating\ttimestamp\n")
    for u, t, lat, lon, loc in rows:
        f.write(f"{u}\t{loc}\t1\t{ts(t)}\n")
seen = set()
with open(sys.argv[2] + "/items.want", "w") as f:
    f.write("item_id\ttitle\tlatitude\tlongitude\n")
    for u, t, lat, lon, loc in rows:
        if loc not in seen:
            seen.add(loc)
            f.write(f"{loc}\t\t{lat}\t{lon}\n")
# seq split: per user in order of first appearance, rows sorted by time (stable: ties keep the
# file's order); last -> test, second last -> valid; users with < 3 rows wholly in train.
users, by = [], {}
for i, (u, t, lat, lon, loc) in enumerate(rows):
    if u not in by:
        by[u] = []
        users.append(u)
    by[u].append((ts(t), loc))
out = {k: open(f"{sys.argv[2]}/{k}.want", "w") for k in ("train", "valid", "test")}
for f in out.values():
    f.write("user_id\titem_id\trating\ttimestamp\n")
for u in users:
    r = sorted(by[u], key=lambda x: x[0])
    parts = [("train", r)] if len(r) < 3 else [("train", r[:-2]), ("valid", r[-2:-1]), ("test", r[-1:])]
    for k, rr in parts:
        for t, loc in rr:
            out[k].write(f"{u}\t{loc}\t1\t{t}\n")
# facts about the fixture the checks below rely on
desc = sum(1 for a, b in zip(rows, rows[1:]) if a[0] == b[0] and ts(a[1]) > ts(b[1]))
ties = sum(1 for a, b in zip(rows, rows[1:]) if a[0] == b[0] and a[1] == b[1])
garbage = sum(1 for r in rows if (r[2], r[3]) == ("0.0", "0.0") or abs(float(r[2])) > 90 or abs(float(r[3])) > 180)
open(sys.argv[2] + "/facts", "w").write(f"{desc} {ties} {garbage}\n")
PY
read desc ties garbage <"$T/facts"
check "fixture: times descend within users (the SNAP order)" test "$desc" -gt 1000
check "fixture: some check-ins share a second" test "$ties" -gt 0
check "fixture: some rows have 0 or out-of-range coordinates" test "$garbage" -gt 0
check_same "interactions: user, location, 1, ISO-8601 Z as Unix seconds, in source order" "$T/o1/interactions.tsv" "$T/inter.want"
check_same "items: one row per location, the first check-in's coordinates, garbage kept as text" "$T/o1/items.tsv" "$T/items.want"

# time DESCENDING in the source: the split must order by time, not by the file
for j in 1 3; do
  check_exit 0 "--split seq -j $j" gw --raw "$CK" -o "$T/s$j" -q --split seq -j "$j" --block-size 4096
done
for k in train valid test; do
  check_same "seq $k: by time, not by source order (newest-first file)" "$T/s1/$k.tsv" "$T/$k.want"
  check_same "seq $k: -j 1 = -j 3" "$T/s1/$k.tsv" "$T/s3/$k.tsv"
done
check_eq "seq: user 0's test item is its latest check-in (the real first line)" \
  "$(awk -F'\t' '$1 == "0"' "$T/s1/test.tsv")" "$(printf '0\t22847\t1\t1287532527')"
check_exit 0 "stats reads the split" "$L4R" stats "$T/s1"
check_grep "stats: interactions counted" "3000" "$T/.out"

check_exit 0 "info shows the variant" "$L4R" info gowalla
check_grep "info: check-ins URL" "https://snap.stanford.edu/data/loc-gowalla_totalCheckins.txt.gz" "$T/.out"
check_grep "info: pinned sha256" "c1c3e19effba649b6c89aeab3c1f9459fad88cfdc2b460fc70fd54e295d83ea0" "$T/.out"
check_exit 0 "info edges" "$L4R" info gowalla --variant edges
check_grep "info edges: fetch only" "loc-gowalla_edges.txt.gz" "$T/.out"

# fetch through a file:// mirror
M="$T/mirror/snap.stanford.edu/data"
mkdir -p "$M"
cp "$CK" "$F/loc-gowalla_edges.txt.gz" "$M/"
check_exit 4 "fetch: the fixture does not match the real file's sha256 (exit 4)" \
  "$L4R" fetch gowalla --mirror "file://$T/mirror" -q
check_grep "fetch: the mismatch is named" "sha256" "$T/.err"
check_exit 0 "fetch edges through the mirror (no digest: pinned in the lock file)" \
  "$L4R" fetch gowalla --variant edges --mirror "file://$T/mirror" -q
check_same "fetched edges are the mirror's bytes" "$(cat "$T/.out")/loc-gowalla_edges.txt.gz" "$F/loc-gowalla_edges.txt.gz"
check_exit 6 "convert edges: refused, a user-user graph has no interactions table" \
  "$L4R" convert gowalla --variant edges --raw "$F/loc-gowalla_edges.txt.gz" -o "$T/e" -q
check_grep "convert edges: the message says why" "no interaction table" "$T/.err"
