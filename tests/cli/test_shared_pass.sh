# CLI tests: the tables of one archive read in one pass (l4r_source_move_to).  Yelp's gzip tar
# holds business (items), review (interactions) and user (users) in that order; convert reads them
# in that order and moves the one source on from member to member instead of inflating the
# archive once per table.  Checked: the same bytes and digests as a run that opens each table
# afresh (L4R_NO_SHARED_PASS=1), the manifest's digest is the whole file's, and the archive checks
# still see every entry: a second copy of a member taken earlier in the pass (between two tables,
# or at the end), a member that is also a directory, a tar in another order (the pass falls back
# to a new source), a tar without the users file (a warning, as before).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate" "$GEN" yelp json "$F/json" --lines 3000
Z="$F/json/Yelp-JSON.zip"

# ---- one pass over the zip's tar: same bytes, same digests ----
check_exit 0 "zip: convert" "$L4R" convert yelp --raw "$Z" -o "$T/one" --accept-license
cp "$T/.err" "$T/one.err"
check_grep "zip: the reviews are read on from the businesses" \
  "yelp_academic_dataset_review.json': read on from '.*yelp_academic_dataset_business.json', in the same pass" "$T/one.err"
check_grep "zip: the users are read on from the reviews" \
  "yelp_academic_dataset_user.json': read on from '.*yelp_academic_dataset_review.json', in the same pass" "$T/one.err"
L4R_NO_SHARED_PASS=1 check_exit 0 "zip: convert, a source per table" "$L4R" convert yelp --raw "$Z" -o "$T/each" --accept-license
check_nogrep "zip: L4R_NO_SHARED_PASS opens each table afresh" "same pass" "$T/.err"
for f in interactions.tsv items.tsv users.tsv; do
  check_same "zip: $f the same either way" "$T/one/$f" "$T/each/$f"
done
zsha=$(sha256sum "$Z" | cut -d' ' -f1)
zbytes=$(wc -c <"$Z" | tr -d ' ')
/usr/bin/python3 - "$T/one/manifest.json" "$T/each/manifest.json" "$zsha" "$zbytes" >"$T/digests" <<'PY'
import json, sys
one, each = (json.load(open(p))["inputs"] for p in sys.argv[1:3])
sha, size = sys.argv[3], int(sys.argv[4])
for role in ("items", "interactions", "users"):
    print(role, one[role]["sha256"] == sha and one[role]["bytes"] == size,
          {k: v for k, v in one[role].items()} == {k: v for k, v in each[role].items()})
PY
check_eq "zip: every table's digest is the zip's, and the manifests' inputs agree" "$(cat "$T/digests")" \
  "items True True
interactions True True
users True True"

# ---- tars of other shapes, made from the generated one ----
/usr/bin/python3 - "$Z" "$F" <<'PY'
import gzip, io, os, sys, tarfile, zipfile
zpath, out = sys.argv[1:3]
inner = zipfile.ZipFile(zpath).read("Yelp JSON/yelp_dataset.tar")
src = tarfile.open(fileobj=io.BytesIO(inner), mode="r:gz")
data = {m.name: src.extractfile(m).read() for m in src.getmembers() if m.isfile()}
B, R, U = ("yelp_academic_dataset_%s.json" % n for n in ("business", "review", "user"))
def write(name, entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for n, body in entries:
            ti = tarfile.TarInfo(n)
            ti.mtime = 1642550400
            if body is None:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.size = len(body)
                t.addfile(ti, io.BytesIO(body))
    os.makedirs(f"{out}/{name}", exist_ok=True)
    with open(f"{out}/{name}/yelp_dataset.tar", "wb") as f:
        f.write(gzip.compress(buf.getvalue(), mtime=0))
write("plain", [(B, data[B]), (R, data[R]), (U, data[U])])
write("dup-end", [(B, data[B]), (R, data[R]), (U, data[U]), (B, data[B])])
write("dup-between", [(B, data[B]), (R, data[R]), ("x.json", b"{}\n"), (R, data[R][:100]), (U, data[U])])
write("dir-clash", [(B, data[B]), (R, data[R]), (B + "/x", b"x"), (U, data[U])])
write("reordered", [(U, data[U]), (B, data[B]), (R, data[R])])
write("no-users", [(B, data[B]), (R, data[R])])
PY

check_exit 0 "plain tar: convert" "$L4R" convert yelp --raw "$F/plain/yelp_dataset.tar" -o "$T/plain" --accept-license
check_grep "plain tar: one pass" "read on from" "$T/.err"
for f in interactions.tsv items.tsv users.tsv; do
  check_same "plain tar: $f as from the zip" "$T/plain/$f" "$T/one/$f"
done

check_exit 5 "dup-end: a second business file after the users is an ambiguous archive (exit 5)" \
  "$L4R" convert yelp --raw "$F/dup-end/yelp_dataset.tar" -o "$T/dup-end" -q --accept-license
check_grep "dup-end: the message names the member taken first in the pass, and both entries" \
  "it holds 'yelp_academic_dataset_business.json' twice (entries 1 and 4)" "$T/.err"
check_not "dup-end: nothing published" test -e "$T/dup-end"

check_exit 5 "dup-between: a second review file before the users is an ambiguous archive (exit 5)" \
  "$L4R" convert yelp --raw "$F/dup-between/yelp_dataset.tar" -o "$T/dup-between" -q --accept-license
check_grep "dup-between: the message names the reviews and both entries" \
  "it holds 'yelp_academic_dataset_review.json' twice (entries 2 and 4)" "$T/.err"

check_exit 5 "dir-clash: the business file that is also a directory is ambiguous (exit 5)" \
  "$L4R" convert yelp --raw "$F/dir-clash/yelp_dataset.tar" -o "$T/dir-clash" -q --accept-license
check_grep "dir-clash: the message says it is a file and a directory" \
  "'yelp_academic_dataset_business.json' is a file (entry 1) and a directory (entry 3)" "$T/.err"

check_exit 0 "reordered: users first, still converts" "$L4R" convert yelp --raw "$F/reordered/yelp_dataset.tar" -o "$T/reordered" --accept-license
check_grep "reordered: the reviews still follow the businesses in the pass" \
  "yelp_academic_dataset_review.json': read on from" "$T/.err"
check_nogrep "reordered: the users, before them, are read from a new source" \
  "yelp_academic_dataset_user.json': read on from" "$T/.err"
for f in interactions.tsv items.tsv users.tsv; do
  check_same "reordered: $f as from the zip" "$T/reordered/$f" "$T/one/$f"
done

check_exit 0 "no-users: converts" "$L4R" convert yelp --raw "$F/no-users/yelp_dataset.tar" -o "$T/no-users" --accept-license
check_grep "no-users: the warning says users.tsv is not written" \
  "no member 'yelp_academic_dataset_user.json' in archive .*users.tsv is not written" "$T/.err"
check_not "no-users: no users.tsv" test -e "$T/no-users/users.tsv"
check_same "no-users: interactions as from the zip" "$T/no-users/interactions.tsv" "$T/one/interactions.tsv"
/usr/bin/python3 - "$T/no-users/manifest.json" "$(sha256sum "$F/no-users/yelp_dataset.tar" | cut -d' ' -f1)" >"$T/nu" <<'PY'
import json, sys
inp = json.load(open(sys.argv[1]))["inputs"]
print(sorted(inp), all(inp[r]["sha256"] == sys.argv[2] for r in inp))
PY
check_eq "no-users: the manifest has the two tables read, with the tar's digest" "$(cat "$T/nu")" \
  "['interactions', 'items'] True"

# -j 1 takes the same path
check_exit 0 "zip -j 1: convert" "$L4R" convert yelp --raw "$Z" -o "$T/j1" -j 1 -q --accept-license
for f in interactions.tsv items.tsv users.tsv; do
  check_same "zip -j 1: $f the same" "$T/j1/$f" "$T/one/$f"
done

