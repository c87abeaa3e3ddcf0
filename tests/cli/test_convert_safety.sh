#!/bin/sh
# test_convert_safety.sh — convert never deletes what it did not write, serialises runs into one
# -o, clears what a killed run left, and reads exactly the archive member the recipe names (issue
# 13, items 1, 3, 4, 6, 8, 12).
. "$(dirname "$0")/../lib.sh"

raw="$T/ratings.csv"
printf 'userId,movieId,rating,timestamp\n1,10,4.0,100\n1,11,3.5,200\n2,10,5.0,150\n2,12,1.0,300\n3,11,2.0,50\n' >"$raw"
cv() { "$L4R" convert movielens --variant ml-25m --raw "$raw" -q "$@"; }

# ---- item 1: an existing -o is replaced only when it is provably our own output ----
mkdir -p "$T/victim/src"
echo 'console.log(1)' >"$T/victim/src/code.js"
echo '{"name": "web", "version": "1.0.0"}' >"$T/victim/manifest.json"
check_exit 8 "a web project's manifest.json is not ours: exit 8" cv -o "$T/victim"
check "victim/src/code.js is still there" test -f "$T/victim/src/code.js"
check_grep "the refusal says why and how to go on" "output directory '.*victim' holds a manifest.json of another tool.*choose another -o, or pass --force" "$T/.err"

cv -o "$T/ours" >/dev/null 2>&1
check "a first convert writes its output" test -f "$T/ours/manifest.json"
check_exit 0 "the normal re-convert over our own output works" cv -o "$T/ours" --split seq
check "the re-convert replaced the files" test -f "$T/ours/train.tsv"
check_not "the old interactions.tsv is gone" test -e "$T/ours/interactions.tsv"
check_exit 0 "and another, with every sink's files" cv -o "$T/ours" --split seq --format tsv,recbole,sasrec,sequences,jsonl --remap
check_exit 0 "a re-convert over that output works" cv -o "$T/ours"
check "which now holds interactions.tsv" test -f "$T/ours/interactions.tsv"

# our manifest, but the user put a file of their own next to it (the issue's case)
cp -r "$T/ours" "$T/v2" && mkdir -p "$T/v2/src" && echo 'x' >"$T/v2/src/code.js"
check_exit 8 "our manifest plus src/code.js: exit 8" cv -o "$T/v2"
check "src/code.js is still there" test -f "$T/v2/src/code.js"
check_grep "the message names the unlisted file" "output directory '.*v2' holds 'src/code.js', which its manifest.json does not list; it was not written by llm4rec-data: choose another -o, or pass --force" "$T/.err"

cp -r "$T/ours" "$T/v3" && echo notes >"$T/v3/NOTES.txt"
check_exit 8 "our manifest plus an extra file: exit 8" cv -o "$T/v3"
check "the extra file is still there" test -f "$T/v3/NOTES.txt"
cp -r "$T/ours" "$T/v4" && mkdir "$T/v4/empty"
check_exit 8 "our manifest plus an extra empty directory: exit 8" cv -o "$T/v4"
cp -r "$T/ours" "$T/v5" && ln -s /etc "$T/v5/link"
check_exit 8 "our manifest plus a symlink: exit 8" cv -o "$T/v5"
check "the symlink is still there" test -L "$T/v5/link"

mkdir -p "$T/v6" && echo data >"$T/v6/interactions.tsv"
printf '{"tool": "other-tool", "format_version": 1, "outputs": [{"file": "interactions.tsv"}]}\n' >"$T/v6/manifest.json"
check_exit 8 "a manifest from another tool: exit 8" cv -o "$T/v6"
check_grep "which says it is another tool's" "another tool" "$T/.err"
mkdir -p "$T/v7" && echo data >"$T/v7/interactions.tsv"
printf '{"tool": "llm4rec-data", "format_version": 99, "outputs": [{"file": "interactions.tsv"}]}\n' >"$T/v7/manifest.json"
check_exit 8 "a manifest of an unknown format_version: exit 8" cv -o "$T/v7"
check_grep "which names the version" "format_version 99" "$T/.err"
mkdir -p "$T/v8" && echo data >"$T/v8/interactions.tsv"
printf '{"tool": "llm4rec-data", "format_version": 1, "outputs": [{"file": "../interactions.tsv"}]}\n' >"$T/v8/manifest.json"
check_exit 8 "a manifest listing a path outside: exit 8" cv -o "$T/v8"
mkdir -p "$T/v9" && echo '{"tool": "llm4rec-data", "format_' >"$T/v9/manifest.json"
check_exit 8 "a manifest that is not JSON: exit 8" cv -o "$T/v9"
check_grep "which says so" "not valid JSON" "$T/.err"

check_exit 0 "--force replaces a directory that is not ours" cv -o "$T/v2" --force
check_not "and deletes what it held" test -e "$T/v2/src/code.js"
check "leaving our output" test -f "$T/v2/interactions.tsv"
mkdir "$T/empty"
check_exit 0 "an empty directory is filled" cv -o "$T/empty"

# ---- item 8: temporaries of a killed run are removed by the next run into the same -o ----
mkdir -p "$T/p/.out.l4r-tmp.999999/x" "$T/p/.out.l4r-tmp.999998.l4r-old.999998" "$T/p/.out.l4r-tmp.mine" "$T/p/.other.l4r-tmp.5"
echo left >"$T/p/.out.l4r-tmp.999999/x/interactions.tsv"
check_exit 0 "a convert next to a killed run's leftovers" cv -o "$T/p/out"
check_not "the leftover .out.l4r-tmp.PID is removed" test -e "$T/p/.out.l4r-tmp.999999"
check_not "the leftover .out.l4r-tmp.PID.l4r-old.PID is removed" test -e "$T/p/.out.l4r-tmp.999998.l4r-old.999998"
check "a name that only looks similar is kept" test -d "$T/p/.out.l4r-tmp.mine"
check "another output's temporary is kept" test -d "$T/p/.other.l4r-tmp.5"

# ---- item 12: converts into one -o wait for each other ----
"$GEN" ml25m-ratings --rows 20000 -o "$T/big.csv" >/dev/null
bad=0
i=0
while [ $i -lt 20 ]; do
  "$L4R" convert movielens --variant ml-25m --raw "$T/big.csv" -o "$T/race" -q >/dev/null 2>"$T/r1.err" &
  p1=$!
  "$L4R" convert movielens --variant ml-25m --raw "$T/big.csv" -o "$T/race" -q --split seq >/dev/null 2>"$T/r2.err" &
  p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  if [ $r1 != 0 ] || [ $r2 != 0 ] || ! "$L4R" verify "$T/race" >/dev/null 2>&1; then
    bad=$((bad + 1))
    echo "round $i: exit $r1 and $r2: $(cat "$T/r1.err" "$T/r2.err" | head -c 300)"
  fi
  i=$((i + 1))
done
check_eq "20 rounds of two concurrent converts into one -o: all exit 0 and verify" "$bad" 0
check_eq "no temporaries are left next to the output" "$(ls -A "$T" | grep -c 'race.l4r-tmp')" 0

# A convert that finds the output locked waits for it, says so once, and then proceeds.  The lock
# is held here with flock(1); the test waits for the message, not for a time.
if command -v flock >/dev/null 2>&1; then
  mkfifo "$T/hold"
  flock "$T/.held.l4r-lock" sh -c 'read x <"$1"' - "$T/hold" &
  holder=$!
  # flock -n fails once the holder has the lock; then start the convert
  n=0
  while flock -n "$T/.held.l4r-lock" true 2>/dev/null && [ $n -lt 1000 ]; do n=$((n + 1)); sleep 0.01; done
  "$L4R" convert movielens --variant ml-25m --raw "$raw" -o "$T/held" 2>"$T/held.err" >/dev/null &
  conv=$!
  n=0
  while ! grep -q "waiting for another convert" "$T/held.err" && [ $n -lt 3000 ]; do n=$((n + 1)); sleep 0.01; done
  check_grep "a locked output: the convert says it waits" "waiting for another convert into '.*held' to finish" "$T/held.err"
  check_not "and has not written the output yet" test -e "$T/held/manifest.json"
  echo go >"$T/hold"
  wait $holder
  wait $conv
  check_eq "once the lock is free it proceeds (exit 0)" "$?" 0
  check "and writes the output" "$L4R" verify "$T/held"
  check_eq "the wait is said once" "$(grep -c 'waiting for another convert' "$T/held.err")" 1
fi

# ---- item 6: a compressed tar is an archive by its content, whatever its name ----
mkdir -p "$T/t6/ml-25m"
cp "$raw" "$T/t6/ml-25m/ratings.csv"
printf 'movieId,title,genres\n10,A (1995),Comedy\n' >"$T/t6/ml-25m/movies.csv"
cv -o "$T/t6/plain" >/dev/null 2>&1
cp "$T/t6/plain/interactions.tsv" "$T/t6/plain.tsv"
gzip -c "$raw" >"$T/t6/ratings.csv.gz"
check_exit 0 "a plain .gz of the table converts as one file" "$L4R" convert movielens --variant ml-25m --raw "$T/t6/ratings.csv.gz" -o "$T/t6/gz" -q
check_same "and gives the plain file's interactions" "$T/t6/gz/interactions.tsv" "$T/t6/plain/interactions.tsv"
(cd "$T/t6" && python3 -c '
import tarfile, sys
for mode, name in (("w", "x.tar"), ("w:gz", "x.tar.gz"), ("w:bz2", "x.tar.bz2"), ("w:xz", "x.tar.xz")):
    with tarfile.open(name, mode) as t:
        t.add("ml-25m/ratings.csv"); t.add("ml-25m/movies.csv")
')
kinds="x.tar x.tar.gz x.tar.bz2 x.tar.xz"
if command -v zstd >/dev/null 2>&1; then zstd -q -c "$T/t6/x.tar" >"$T/t6/x.tar.zst" && kinds="$kinds x.tar.zst"; fi
for k in $kinds; do
  check_exit 0 "--raw $k converts the recipe's member" "$L4R" convert movielens --variant ml-25m --raw "$T/t6/$k" -o "$T/t6/o-$k" -q
  check_same "--raw $k: the same interactions as the plain file" "$T/t6/o-$k/interactions.tsv" "$T/t6/plain/interactions.tsv"
  check_grep "--raw $k: the manifest names the member" "$k:ml-25m/ratings.csv" "$T/t6/o-$k/manifest.json"
done
# named like a single compressed file, still a tar inside
cp "$T/t6/x.tar.gz" "$T/t6/disguised.csv.gz"
check_exit 0 "a tar.gz named .csv.gz is read as an archive" "$L4R" convert movielens --variant ml-25m --raw "$T/t6/disguised.csv.gz" -o "$T/t6/o-disguised" -q
check_same "and gives the same interactions" "$T/t6/o-disguised/interactions.tsv" "$T/t6/plain/interactions.tsv"
# even when named exactly like the table
cp "$T/t6/x.tar.xz" "$T/t6/ratings.csv"
check_exit 0 "a tar.xz named ratings.csv is read as an archive" "$L4R" convert movielens --variant ml-25m --raw "$T/t6/ratings.csv" -o "$T/t6/o-named" -q
check_same "and gives the same interactions" "$T/t6/o-named/interactions.tsv" "$T/t6/plain/interactions.tsv"

# ---- item 3: --raw reads exactly the member the recipe names, and refuses an ambiguous archive ----
mkdir -p "$T/t3/evil/ml-25m"
printf 'userId,movieId,rating,timestamp\n666,666,1.0,1\n' >"$T/t3/evil/ml-25m/ratings.csv"
cp -r "$T/t6/ml-25m" "$T/t3/"
(cd "$T/t3" && python3 -c '
import zipfile, tarfile
with zipfile.ZipFile("evil.zip", "w") as z:
    z.write("evil/ml-25m/ratings.csv"); z.write("ml-25m/ratings.csv"); z.write("ml-25m/movies.csv")
with tarfile.open("evil.tar.gz", "w:gz") as t:
    t.add("evil/ml-25m/ratings.csv"); t.add("ml-25m/ratings.csv"); t.add("ml-25m/movies.csv")
with zipfile.ZipFile("dup.zip", "w") as z:
    z.write("ml-25m/movies.csv"); z.write("ml-25m/ratings.csv"); z.write("evil/ml-25m/ratings.csv", "ml-25m/ratings.csv")
with tarfile.open("dup.tar", "w") as t:
    t.add("ml-25m/movies.csv"); t.add("ml-25m/ratings.csv"); t.add("evil/ml-25m/ratings.csv", "./ml-25m/ratings.csv")
' 2>/dev/null)
for k in evil.zip evil.tar.gz; do
  check_exit 0 "$k: evil/ml-25m/ratings.csv before ml-25m/ratings.csv converts" "$L4R" convert movielens --variant ml-25m --raw "$T/t3/$k" -o "$T/t3/o-$k" -q
  check_same "$k: the member read is ml-25m/ratings.csv, not the evil one" "$T/t3/o-$k/interactions.tsv" "$T/t6/plain/interactions.tsv"
done
# a zip that hides its first 'ml-25m/ratings.csv' from the central directory (which fetch lists)
(cd "$T/t3" && python3 -c '
import struct, zipfile, warnings
warnings.simplefilter("ignore")
with zipfile.ZipFile("hid.zip", "w") as z:
    z.write("evil/ml-25m/ratings.csv", "ml-25m/ratings.csv"); z.write("ml-25m/ratings.csv"); z.write("ml-25m/movies.csv")
b = bytearray(open("hid.zip", "rb").read())
e = b.rindex(b"PK\x05\x06")
n, size, off = struct.unpack("<HII", b[e + 10:e + 20])
c = off  # drop the first central directory record
ln = 46 + sum(struct.unpack("<HHH", b[c + 28:c + 34]))
cd = b[off + ln:off + size]
eocd = b[e:e + 8] + struct.pack("<HHII", n - 1, n - 1, size - ln, off) + b[e + 20:]
open("hid.zip", "wb").write(bytes(b[:off] + cd + eocd))
')
check_exit 5 "hid.zip: a member hidden from the central directory is refused (exit 5)" "$L4R" convert movielens --variant ml-25m --raw "$T/t3/hid.zip" -o "$T/t3/o-hid" -q
check_grep "hid.zip: the message says the directory and the local header disagree" "ambiguous archive '.*hid.zip': its central directory gives 'ml-25m/ratings.csv'" "$T/.err"
for k in dup.zip dup.tar; do
  check_exit 5 "$k: the member twice is an ambiguous archive (exit 5)" "$L4R" convert movielens --variant ml-25m --raw "$T/t3/$k" -o "$T/t3/o-$k" -q
  check_grep "$k: the message names the entry" "ambiguous archive '.*$k': it holds 'ml-25m/ratings.csv' twice" "$T/.err"
  check_not "$k: nothing is published" test -e "$T/t3/o-$k"
done

# ---- item 4: a fetched file edited in place is not converted as the verified download ----
# A recipe with the table inside a zip (unpacked: the stamp's "unpacked" list) and one with the
# table as the download itself (the stamp's "files" list), fetched through a file:// mirror.
M="$T/t4/mirror/example.org/ml"
mkdir -p "$M" "$T/t4/recipes" "$T/t4/src/ml-1m"
printf '1::10::5::978300760\n1::11::3::978302109\n2::10::4::978298413\n' >"$T/t4/src/ml-1m/ratings.dat"
(cd "$T/t4/src" && python3 -c 'import zipfile; zipfile.ZipFile("../mirror/example.org/ml/ml.zip", "w").write("ml-1m/ratings.dat")')
cp "$T/t4/src/ml-1m/ratings.dat" "$M/ratings.dat"
zsha=$(sha256sum "$M/ml.zip" | cut -d' ' -f1); zsize=$(wc -c <"$M/ml.zip" | tr -d ' ')
psha=$(sha256sum "$M/ratings.dat" | cut -d' ' -f1); psize=$(wc -c <"$M/ratings.dat" | tr -d ' ')
table='"format": "delim", "delimiter": "::", "header": false, "columns": ["u", "i", "r", "t"],
        "fields": {"user_id": "u", "item_id": "i", "rating": "r", "timestamp": "t"}, "time": "unix_s"'
cat >"$T/t4/recipes/st.json" <<JSON
{
  "schema": 1, "dataset": "st", "title": "stamp test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "zip",
  "variants": {
    "zip": {
      "description": "the table inside a zip",
      "files": [{"name": "ml.zip", "url": "https://example.org/ml/ml.zip", "size": $zsize, "sha256": "$zsha", "unpack": true}],
      "interactions": {"path": "ml-1m/ratings.dat", $table}
    },
    "plain": {
      "description": "the table is the download",
      "files": [{"name": "ratings.dat", "url": "https://example.org/ml/ratings.dat", "size": $psize, "sha256": "$psha"}],
      "interactions": {"path": "ratings.dat", $table}
    }
  }
}
JSON
st() { "$L4R" --recipes "$T/t4/recipes" --data-dir "$T/t4/data" "$@"; }
check_exit 0 "stamp test: fetch the zip variant" st fetch st --mirror "file://$T/t4/mirror" -q
check_exit 0 "stamp test: fetch the plain variant" st fetch st --variant plain --mirror "file://$T/t4/mirror" -q
V="$T/t4/data/st/zip"
P="$T/t4/data/st/plain"
check "the unpacked table is where the recipe says" test -f "$V/ml-1m/ratings.dat"
# the stamp as the fetch of this issue writes it: unpacked entries with name, size, sha256, mtime_ns
python3 - "$V/.l4r-fetched.json" "$V/ml-1m/ratings.dat" <<'PY'
import json, sys, hashlib, os
p, f = sys.argv[1], sys.argv[2]
s = json.load(open(p))
b = open(f, "rb").read()
s["unpacked"] = [{"name": "ml-1m/ratings.dat", "size": len(b), "sha256": hashlib.sha256(b).hexdigest(),
                  "mtime_ns": os.stat(f).st_mtime_ns}]
json.dump(s, open(p, "w"))
PY
check_exit 0 "an unchanged unpacked file converts" st convert st -o "$T/t4/o1"
check_nogrep "without a warning" "could not be checked" "$T/.err"
check_exit 0 "an unchanged download converts" st convert st --variant plain -o "$T/t4/o2"
check_nogrep "without a warning" "could not be checked" "$T/.err"
# touched, not changed: convert hashes it, finds the stamp's digest and goes on (no fetch)
touch -d '2001-01-01 00:00:00' "$V/ml-1m/ratings.dat"
check_exit 0 "a touched unpacked file converts" st convert st -o "$T/t4/o1"
check_grep "saying it checks the changed files" "changed on disk since they were fetched" "$T/.err"
check_nogrep "and does not fetch" "fetching it" "$T/.err"
# same size, one rating changed 3 -> 9
sed -i 's/1::11::3::/1::11::9::/' "$V/ml-1m/ratings.dat" "$P/ratings.dat"
check_eq "the edit kept the size" "$(wc -c <"$V/ml-1m/ratings.dat" | tr -d ' ')" "$psize"
new=$(sha256sum "$V/ml-1m/ratings.dat" | cut -d' ' -f1)
check_exit 4 "an unpacked file edited in place: exit 4" st convert st -o "$T/t4/o3"
check_grep "the message names the file, both digests and the fix" "'$V/ml-1m/ratings.dat' changed after it was fetched and verified: its SHA-256 is $new ($psize bytes), the fetch stamp records $psha ($psize bytes); fetch it again with 'llm4rec-data fetch st --variant zip --force'" "$T/.err"
check_not "nothing is published" test -e "$T/t4/o3"
check_exit 4 "a download edited in place: exit 4" st convert st --variant plain -o "$T/t4/o4" --split seq
check_grep "the message names it" "'$P/ratings.dat' changed after it was fetched and verified" "$T/.err"
check_not "nothing is published (table path)" test -e "$T/t4/o4"
check_exit 4 "and over an existing output" st convert st -o "$T/t4/o1"
check "the existing output is kept" "$L4R" verify "$T/t4/o1"
check_exit 0 "--raw of the edited file is the user's choice: converts" st convert st --raw "$V/ml-1m/ratings.dat" -o "$T/t4/o5"
# a stamp of an older version (no unpacked list): convert's fetch unpacks again from the verified
# download and writes the list, which also undoes the edit above
python3 -c 'import json,sys; p=sys.argv[1]; s=json.load(open(p)); del s["unpacked"]; json.dump(s, open(p, "w"))' "$V/.l4r-fetched.json"
check_exit 0 "a stamp without an unpacked list: converts" st convert st -o "$T/t4/o6"
check_nogrep "without the could-not-check warning" "could not be checked" "$T/.err"
check_grep "the stamp lists the unpacked file again" '"ml-1m/ratings.dat"' "$V/.l4r-fetched.json"
check_nogrep "the edited rating is gone (unpacked again)" "1::11::9::" "$V/ml-1m/ratings.dat"

# ---- a table the stamp does not list is not verified: an archive's symlink named like the table ----
# sym.tar holds ml-1m/evil.dat and ml-1m/ratings.dat -> evil.dat; fetch unpacks it (the link stays
# inside the tree) and lists only the regular file.  convert read evil.dat through the link with a
# warning and exit 0, where convert --raw of the same archive refuses the link (exit 5).
(cd "$T/t4" && python3 -c '
import io, tarfile
with tarfile.open("mirror/example.org/ml/sym.tar", "w") as t:
    d = b"666::666::1::1\n"
    ti = tarfile.TarInfo("ml-1m/evil.dat"); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
    ti = tarfile.TarInfo("ml-1m/ratings.dat"); ti.type = tarfile.SYMTYPE; ti.linkname = "evil.dat"; t.addfile(ti)
')
ssha=$(sha256sum "$M/sym.tar" | cut -d' ' -f1); ssize=$(wc -c <"$M/sym.tar" | tr -d ' ')
cat >"$T/t4/recipes/sy.json" <<JSON
{
  "schema": 1, "dataset": "sy", "title": "symlink test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "tar",
  "variants": {
    "tar": {
      "description": "the table is a symlink inside a tar",
      "files": [{"name": "sym.tar", "url": "https://example.org/ml/sym.tar", "size": $ssize, "sha256": "$ssha", "unpack": true}],
      "interactions": {"path": "ml-1m/ratings.dat", "member": "ml-1m/ratings.dat", $table}
    }
  }
}
JSON
check_exit 0 "symlink test: fetch unpacks the tar" st fetch sy --mirror "file://$T/t4/mirror" -q
check "the table is a symlink on disk" test -L "$T/t4/data/sy/tar/ml-1m/ratings.dat"
check_exit 4 "a table that is an archive's symlink is not converted from the fetched data (exit 4)" st convert sy -o "$T/t4/o7"
check_grep "the message says the stamp does not list it" "is not a file that fetch verified: the fetch stamp lists no file 'ml-1m/ratings.dat'" "$T/.err"
check_not "nothing is published (symlink)" test -e "$T/t4/o7"
check_exit 5 "convert --raw of the same archive refuses the link too" st convert sy --raw "$M/sym.tar" -o "$T/t4/o8"

# ---- convert holds the variant while it reads: a fetch that unpacks again (and first removes the
# stamp) cannot run under it.  Here the variant lock is held with flock(1), as such a fetch holds it;
# the convert must wait for it rather than read the files meanwhile.  (Before, an edited file read
# while a fetch had removed the stamp was converted with a warning and exit 0.) ----
if command -v flock >/dev/null 2>&1; then
  rm -f "$T/hold"; mkfifo "$T/hold"
  flock "$V/.lock" sh -c 'read x <"$1"' - "$T/hold" &
  holder=$!
  n=0
  while flock -n "$V/.lock" true 2>/dev/null && [ $n -lt 1000 ]; do n=$((n + 1)); sleep 0.01; done
  "$L4R" --recipes "$T/t4/recipes" --data-dir "$T/t4/data" convert st -o "$T/t4/o9" >/dev/null 2>"$T/hv.err" &
  conv=$!
  n=0
  while ! grep -q "waiting for a fetch of st/zip" "$T/hv.err" && [ $n -lt 3000 ]; do n=$((n + 1)); sleep 0.01; done
  check_grep "a convert waits for a fetch holding the variant" "waiting for a fetch of st/zip to finish (lock '.*/st/zip/.lock')" "$T/hv.err"
  check_not "and has not written its output yet" test -e "$T/t4/o9/manifest.json"
  echo go >"$T/hold"
  wait $holder
  wait $conv
  check_eq "once the fetch is done the convert proceeds (exit 0)" "$?" 0
  check "and writes its output" "$L4R" verify "$T/t4/o9"
fi

# ---- -o . (the directory one is in) is that directory, as -o "$PWD" is ----
# Before, the lock '...l4r-lock' was made inside it, so an empty directory then held a file and was
# refused (exit 8, "holds files but no manifest.json"); with --force, the rename of '.' failed.
mkdir -p "$T/dot/here"
check_exit 0 "-o . in an empty directory" sh -c 'cd "$1/dot/here" && "$2" convert movielens --variant ml-25m --raw "$3" -q -o .' - "$T" "$L4R" "$raw"
check "writes the output into it" "$L4R" verify "$T/dot/here"
check_not "without a lock file inside it" test -e "$T/dot/here/...l4r-lock"
check_exit 0 "-o . again, over its own output" sh -c 'cd "$1/dot/here" && "$2" convert movielens --variant ml-25m --raw "$3" -q -o . --split seq' - "$T" "$L4R" "$raw"
check "which is replaced" test -f "$T/dot/here/train.tsv"
check_exit 0 "-o DIR/. works too" "$L4R" convert movielens --variant ml-25m --raw "$raw" -q -o "$T/dot/here/."
check "and replaces it" test -f "$T/dot/here/interactions.tsv"

# ---- a variant whose files were touched is still checked against the lock file ----
# convert reads such a variant as it is, without the fetch that checks the pins; before, a lock
# file pinning other bytes was then not consulted (exit 0), while an untouched variant gave exit 4.
check_exit 0 "lock test: the zip variant converts" st convert st -o "$T/t4/o10"
python3 - "$T/t4/data/llm4rec-data.lock" "$T/t4/other.lock" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["files"]["st/zip/ml.zip"]["sha256"] = "1" * 64
json.dump(j, open(sys.argv[2], "w"))
PY
check_exit 4 "a lock pinning other bytes: exit 4" st convert st -o "$T/t4/o11" --lock "$T/t4/other.lock"
touch -d '2002-02-02 00:00:00' "$V/ml-1m/ratings.dat"
check_exit 4 "and the same after the table was touched" st convert st -o "$T/t4/o11" --lock "$T/t4/other.lock"
check_grep "naming the lock file and the pin" "but the lock file '$T/t4/other.lock' pins it to 1111111111111111111111111111111111111111111111111111111111111111" "$T/.err"
check_not "nothing is published (pins)" test -e "$T/t4/o11"
check_exit 0 "with the data directory's own lock it converts" st convert st -o "$T/t4/o12"
