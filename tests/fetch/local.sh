#!/bin/sh
# tests/fetch/local.sh — `fetch` end to end without misbehaving servers: file:// mirrors, --from
# registration (and its verification failure), gated variants, idempotence and --force, unpack
# safety on hostile tar/zip archives, damaged and ambiguous archives, a gzip bomb, files edited in
# place after a fetch, two concurrent fetches of one variant, interrupt + resume, and the command
# line itself (--help, usage errors).
. "$(dirname "$0")/../lib.sh"
. "$HERE/fetch/common.inc"
start_server

R="$T/recipes"
D="$T/home"
U="$T/upstream"          # stands for https://files.example.org/
mkdir -p "$U/files.example.org/ds"
payload "$U/files.example.org/ds/a.bin" 50000 2
A="$U/files.example.org/ds/a.bin"
SA=$(sha256 "$A")
NA=$(size "$A")

# a good archive (zip with a top directory) and hostile ones, made with python's tarfile/zipfile
python3 - "$U/files.example.org/ds" "$T" <<'PY'
import io, os, sys, tarfile, zipfile
d, t = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(os.path.join(d, "good.zip"), "w") as z:
    z.writestr("good/ratings.dat", "1::2::5::978300760\n")
    z.writestr("good/README", "hello\n")
def tar(name, entries):
    with tarfile.open(os.path.join(d, name), "w") as tf:
        for e in entries:
            ti = tarfile.TarInfo(e[0])
            if e[1] == "file":
                data = e[2].encode()
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
            elif e[1] == "sym":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e[2]
                tf.addfile(ti)
            elif e[1] == "chr":
                ti.type = tarfile.CHRTYPE
                ti.devmajor, ti.devminor = 1, 3
                tf.addfile(ti)
tar("dotdot.tar", [("ok.txt", "file", "ok"), ("../escape-dotdot.txt", "file", "evil")])
tar("symout.tar", [("ok.txt", "file", "ok"), ("link", "sym", t), ("link/escape-sym.txt", "file", "evil")])
tar("device.tar", [("null", "chr", None)])
with zipfile.ZipFile(os.path.join(d, "abs.zip"), "w") as z:
    z.writestr("ok.txt", "ok")
    z.writestr(zipfile.ZipInfo(t + "/escape-abs.txt"), "evil")
# damaged: a stored zip entry whose rating was changed 5 -> 9 after the CRC was computed
with zipfile.ZipFile(os.path.join(d, "crc.zip"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("ok.txt", "ok")
    z.writestr("r.dat", "1::2::5::978300760\n")
b = open(os.path.join(d, "crc.zip"), "rb").read().replace(b"1::2::5::", b"1::2::9::", 1)
open(os.path.join(d, "crc.zip"), "wb").write(b)
# ambiguous: one path twice
import warnings
warnings.simplefilter("ignore")
with zipfile.ZipFile(os.path.join(d, "dup.zip"), "w") as z:
    z.writestr("d/r.tsv", "1\t2\n")
    z.writestr("d/r.tsv", "6\t6\n")
# bombs: 4 MiB of '0' characters as a lone .gz (about 1000:1), and 4 MiB of NUL bytes in a tar.gz
import gzip
open(os.path.join(d, "zeros.txt.gz"), "wb").write(gzip.compress(b"0" * (4 << 20), 9))
with tarfile.open(os.path.join(d, "bomb.tar.gz"), "w:gz") as tf:
    ti = tarfile.TarInfo("zeros.bin")
    ti.size = 4 << 20
    tf.addfile(ti, io.BytesIO(bytes(4 << 20)))
PY
V=
add() { V="$V${V:+, }$(variant "$@")"; }
up() { echo "https://files.example.org/ds/$1"; }
add plain a.bin "$(up a.bin)" "$NA" "$SA"
for z in good.zip dotdot.tar symout.tar device.tar abs.zip crc.zip dup.zip zeros.txt.gz bomb.tar.gz; do
  p="$U/files.example.org/ds/$z"
  add "${z%%.*}" "$z" "$(up "$z")" "$(size "$p")" "$(sha256 "$p")" true
done
add slow a.bin "$BASE/mode/slow/a.bin?chunks=20&delay=0.1" "$NA" "$SA"
add slowint a.bin "$BASE/mode/slow/a.bin?chunks=50&delay=0.2" "$NA" "$SA"
V="$V, \"gated\": {\"description\": \"test\", \"manual\": \"sign the form at https://example.org/form and download a.bin\", \"files\": [{\"name\": \"a.bin\", \"url\": \"$(up a.bin)\", \"size\": $NA, \"sha256\": \"$SA\"}]}"
GZ="$U/files.example.org/ds/good.zip"
V="$V, \"gated2\": {\"description\": \"test\", \"manual\": \"download both at https://example.org/form\", \"files\": [{\"name\": \"a.bin\", \"url\": \"$(up a.bin)\", \"size\": $NA, \"sha256\": \"$SA\"}, {\"name\": \"good.zip\", \"url\": \"$(up good.zip)\", \"size\": $(size "$GZ"), \"sha256\": \"$(sha256 "$GZ")\"}]}"
V="$V, \"nosum\": {\"description\": \"test\", \"files\": [{\"name\": \"a.bin\", \"url\": \"$(up a.bin)\"}]}"
V="$V, \"fallback\": {\"description\": \"test\", \"files\": [{\"name\": \"a.bin\", \"url\": \"$BASE/mode/404/a.bin\", \"mirrors\": [\"file://$A\"], \"size\": $NA, \"sha256\": \"$SA\"}]}"
write_recipe "$R" loc "$V"
cp "$A" "$SRV/a.bin"
M="file://$U"
f() { "$L4R" --recipes "$R" --data-dir "$D" fetch loc "$@"; }

# --help and usage errors
check_exit 0 "--help exits 0" f --help
check_grep "--help prints usage on stdout" "usage: llm4rec-data fetch" "$T/.out"
check_exit 2 "no dataset: usage error" "$L4R" --recipes "$R" --data-dir "$D" fetch
check_exit 2 "unknown option: usage error" f --bogus
check_exit 6 "unknown variant: recipe error" f --variant nope

# libcurl is loaded when a download starts, not linked: a missing or wrong one fails that download
# (exit 8) with the fix, before any .part is created; nothing else needs it
ND="$T/home-nocurl"
if command -v readelf >/dev/null 2>&1; then
  readelf -d "$L4R" > "$T/needed" 2>&1
  check_nogrep "libcurl is not a link-time dependency" "libcurl" "$T/needed"
  check_grep "libarchive still is (sanity check of the readelf test)" "libarchive" "$T/needed"
fi
LLM4REC_LIBCURL="$T/no/libcurl.so.4" check_exit 8 "no libcurl: fetch exits 8" \
  "$L4R" --recipes "$R" --data-dir "$ND" fetch loc --variant plain --mirror "$M"
check_grep "no libcurl: says libcurl could not be loaded" "downloading needs libcurl, which could not be loaded" "$T/.err"
check_grep "no libcurl: names the file it tried" "$T/no/libcurl.so.4" "$T/.err"
check_grep "no libcurl: says how to fix it" "apt-get install libcurl4) or set LLM4REC_LIBCURL" "$T/.err"
check_not "no libcurl: no .part" test -e "$ND/loc/plain/a.bin.part"
check_not "no libcurl: no file" test -e "$ND/loc/plain/a.bin"
LLM4REC_LIBCURL=libz.so.1 check_exit 8 "a library that is not libcurl: fetch exits 8" \
  "$L4R" --recipes "$R" --data-dir "$ND" fetch loc --variant plain --mirror "$M"
check_grep "not libcurl: names the missing function" "libz.so.1 has no curl_easy_init" "$T/.err"
mkdir -p "$T/dl0" && cp "$A" "$T/dl0/a.bin"
LLM4REC_LIBCURL="$T/no/libcurl.so.4" check_exit 0 "no libcurl: --from needs no download" \
  "$L4R" --recipes "$R" --data-dir "$ND" fetch loc --variant gated --from "$T/dl0/a.bin"
check_same "no libcurl: --from registered the file" "$ND/loc/gated/a.bin" "$A"
LLM4REC_LIBCURL="$T/no/libcurl.so.4" check_exit 0 "no libcurl: a variant on disk is verified, not downloaded" \
  "$L4R" --recipes "$R" --data-dir "$ND" fetch loc --variant gated
check_grep "no libcurl: says already fetched" "already fetched and verified" "$T/.err"

# file:// mirror, then idempotence, then --force
check_exit 0 "file mirror: fetch succeeds" f --variant plain --mirror "$M"
check_eq "file mirror: stdout is the variant directory" "$(cat "$T/.out")" "$D/loc/plain"
check_same "file mirror: file equals the source" "$D/loc/plain/a.bin" "$A"
check_grep "file mirror: stamp records the mirror URL" "$M/files.example.org/ds/a.bin" "$D/loc/plain/.l4r-fetched.json"
cp "$D/loc/plain/.l4r-fetched.json" "$T/stamp1"
check_exit 0 "second fetch succeeds" f --variant plain --mirror "$M"
check_grep "second fetch says already" "loc/plain is already fetched and verified in $D/loc/plain; use --force to fetch again" "$T/.err"
check_eq "second fetch still prints the directory" "$(cat "$T/.out")" "$D/loc/plain"
check_same "second fetch leaves the stamp alone" "$D/loc/plain/.l4r-fetched.json" "$T/stamp1"
check_exit 0 "-q: second fetch is silent" f --variant plain --mirror "$M" -q
check_eq "-q: nothing on stderr" "$(cat "$T/.err")" ""
LLM4REC_DATA_MIRROR="$M" check_exit 0 "--force fetches again (mirror from the environment)" f --variant plain --force
check_nogrep "--force does not say already" "already" "$T/.err"
check_grep "--force says fetched" "fetched loc/plain into" "$T/.err"
check_same "--force: file equals the source" "$D/loc/plain/a.bin" "$A"
# DATASET/VARIANT short form
check_exit 0 "DATASET/VARIANT form" "$L4R" --recipes "$R" --data-dir "$D" fetch loc/plain -q
check_eq "DATASET/VARIANT form: directory" "$(cat "$T/.out")" "$D/loc/plain"
# a damaged file is noticed: not "already" any more
echo garbage >> "$D/loc/plain/a.bin"
check_exit 0 "damaged file: fetched again" f --variant plain --mirror "$M"
check_nogrep "damaged file: does not say already" "already" "$T/.err"
check_same "damaged file: repaired" "$D/loc/plain/a.bin" "$A"

# main URL fails (404): the recipe mirror takes over
check_exit 0 "recipe mirror fallback succeeds" f --variant fallback
check_same "recipe mirror fallback: file equals the source" "$D/loc/fallback/a.bin" "$A"
check_grep "recipe mirror fallback: says so" "trying mirror" "$T/.err"

# no checksum known: warning with the computed sha256, recorded in the stamp
check_exit 0 "no checksum: fetch succeeds" f --variant nosum --mirror "$M"
check_grep "no checksum: warning" "warning: no checksum is known for 'a.bin'" "$T/.err"
check_grep "no checksum: sha256 logged" "$SA" "$T/.err"
check_grep "no checksum: sha256 in the stamp" "$SA" "$D/loc/nosum/.l4r-fetched.json"
# an earlier run's .part of a file without a checksum (here: bytes of another version of it) is not
# continued: joined to the new bytes, nothing would notice, and the lock file would pin the mix
DP="$T/home-part"
mkdir -p "$DP/loc/nosum"
payload "$DP/loc/nosum/a.bin.part" 20000 7
check_exit 0 "no checksum, an old .part: fetch succeeds" "$L4R" --recipes "$R" --data-dir "$DP" fetch loc --variant nosum --mirror "$M"
check_same "no checksum, an old .part: the file equals the source (downloaded from the start)" "$DP/loc/nosum/a.bin" "$A"
check_grep "no checksum, an old .part: says why it starts again" "holds 20000 bytes of an earlier download, but no checksum is known for it to check them by; downloading it from the start" "$T/.err"
check_grep "no checksum, an old .part: the lock file pins the source's sha256" "$SA" "$DP/llm4rec-data.lock"

# gated variant: exit 9 with the manual steps; --from registers the file
check_exit 9 "gated: exit 9 without --from" f --variant gated
check_grep "gated: message has the manual steps" "sign the form at https://example.org/form" "$T/.err"
check_grep "gated: message mentions --from" "\-\-from" "$T/.err"
payload "$T/wrong.bin" 50000 3
check_exit 4 "--from wrong file: checksum error" f --variant gated --from "$T/wrong.bin"
check_grep "--from wrong file: message names the file" "wrong.bin" "$T/.err"
check_not "--from wrong file: nothing under the final name" test -e "$D/loc/gated/a.bin"
check_not "--from wrong file: no .part" test -e "$D/loc/gated/a.bin.part"
mkdir -p "$T/dl" && cp "$A" "$T/dl/a.bin"
check_exit 0 "--from right file: fetch succeeds" f --variant gated --from "$T/dl/a.bin"
check_same "--from: file registered" "$D/loc/gated/a.bin" "$A"
check "--from: source left in place" test -f "$T/dl/a.bin"
check_exit 2 "--from twice for one file: usage error" f --variant gated --force --from "$T/dl/a.bin" --from "$A"

# issue 16: the manual message lists each file (size, digest) and the exact command; --from takes
# a directory; a renamed download is recognised by its checksum
check_exit 9 "gated2: exit 9 without --from" f --variant gated2
check_grep "gated2: the page" "download both at https://example.org/form" "$T/.err"
check_grep "gated2: a.bin with its size and sha256" "^  a.bin  $NA bytes  sha256 $SA" "$T/.err"
check_grep "gated2: good.zip with its size" "^  good.zip  $(size "$GZ") bytes" "$T/.err"
check_grep "gated2: the command to run next" "then run: llm4rec-data fetch loc --variant gated2 --from a.bin --from good.zip" "$T/.err"
mkdir -p "$T/dl2" "$T/dl3" "$T/dl4" "$T/dl5"
cp "$A" "$T/dl2/a.bin"; cp "$GZ" "$T/dl2/good.zip"; echo other >"$T/dl2/notes.txt"
check_exit 0 "--from DIR: both files found by name, other files ignored" "$L4R" --recipes "$R" --data-dir "$T/d2" fetch loc --variant gated2 --from "$T/dl2"
check_same "--from DIR: a.bin registered" "$T/d2/loc/gated2/a.bin" "$A"
check_same "--from DIR: good.zip registered" "$T/d2/loc/gated2/good.zip" "$GZ"
cp "$A" "$T/dl3/a (1).bin"; cp "$GZ" "$T/dl3/download.zip"
check_exit 0 "--from DIR of renamed downloads: recognised by sha256" "$L4R" --recipes "$R" --data-dir "$T/d3" fetch loc --variant gated2 --from "$T/dl3"
check_same "renamed: a.bin registered under its recipe name" "$T/d3/loc/gated2/a.bin" "$A"
check_same "renamed: good.zip registered under its recipe name" "$T/d3/loc/gated2/good.zip" "$GZ"
check_exit 0 "--from renamed files given one by one" "$L4R" --recipes "$R" --data-dir "$T/d4" fetch loc --variant gated2 --from "$T/dl3/download.zip" --from "$T/dl3/a (1).bin"
check_same "renamed, one by one: good.zip" "$T/d4/loc/gated2/good.zip" "$GZ"
check_exit 2 "--from an empty directory: usage error" f --variant gated2 --from "$T/dl4"
check_grep "--from an empty directory: says so" "is a directory without files" "$T/.err"
echo other >"$T/dl5/notes.txt"
check_exit 2 "--from a directory without any of the files: usage error" f --variant gated2 --from "$T/dl5"
check_grep "--from a directory without any of the files: says so" "no file in" "$T/.err"
check_exit 2 "--from a file that is none of them: usage error" f --variant gated2 --from "$T/dl5/notes.txt"
check_grep "--from none of them: lists the files with sizes" "its files: 'a.bin' ($NA bytes), 'good.zip'" "$T/.err"
check_exit 9 "--from one of two files: still exit 9 for the other" "$L4R" --recipes "$R" --data-dir "$T/d5" fetch loc --variant gated2 --from "$T/dl2/a.bin"
check_grep "one of two: names the missing one" "missing 'good.zip'" "$T/.err"

# unpacking: a good zip, and hostile archives that must fail with exit 5 and leave nothing
check_exit 0 "good zip: fetch + unpack" f --variant good --mirror "$M"
check_eq "good zip: unpacked file" "$(cat "$D/loc/good/good/ratings.dat")" "1::2::5::978300760"
check_eq "good zip: no temporary directory left" "$(ls -A "$D/loc/good" | grep -c l4r-unpack)" 0
for bad in dotdot symout device abs; do
  check_exit 5 "$bad: archive error" f --variant "$bad" --mirror "$M"
  check_grep "$bad: message names the archive" "$bad\.\(tar\|zip\)" "$T/.err"
  check_not "$bad: no stamp" test -e "$D/loc/$bad/.l4r-fetched.json"
  check_not "$bad: no ok.txt under the final name" test -e "$D/loc/$bad/ok.txt"
  check_eq "$bad: no temporary directory left" "$(ls -A "$D/loc/$bad" | grep -c l4r-unpack)" 0
done
check_grep "abs: entry named" "escape-abs.txt" "$T/.err"
check_not "nothing escaped (..)" test -e "$D/loc/escape-dotdot.txt"
check_not "nothing escaped (symlink)" test -e "$T/escape-sym.txt"
check_not "nothing escaped (absolute)" test -e "$T/escape-abs.txt"

# damaged and ambiguous archives: exit 5, the entry named, nothing under a final name, no stamp
check_exit 5 "zip with a bad CRC: archive error" f --variant crc --mirror "$M"
check_grep "zip with a bad CRC: says so, naming the entry" "entry 'r.dat': ZIP bad CRC" "$T/.err"
check_not "zip with a bad CRC: not even ok.txt" test -e "$D/loc/crc/ok.txt"
check_not "zip with a bad CRC: no stamp" test -e "$D/loc/crc/.l4r-fetched.json"
check_exit 5 "zip with a path twice: archive error" f --variant dup --mirror "$M"
check_grep "zip with a path twice: names the entry and both positions" \
  "ambiguous archive '.*dup.zip': entry 'd/r.tsv' appears twice (entries 1 and 2)" "$T/.err"
check_not "zip with a path twice: nothing unpacked" test -e "$D/loc/dup/d"

# decompression bombs: stopped at the ceiling (100 x the archive, at least 1 MiB), exit 5, nothing
# left; --max-unpacked lets them through
for b in zeros bomb; do
  check_exit 5 "$b: bomb stopped" f --variant "$b" --mirror "$M"
  check_grep "$b: names the ceiling" "would unpack to more than the ceiling of 1048576 bytes" "$T/.err"
  check_grep "$b: says how to allow more" "allow more with --max-unpacked SIZE" "$T/.err"
  check_eq "$b: nothing but the archive and the lock" "$(ls -A "$D/loc/$b" | sort | tr '\n' ' ')" \
    "$(ls -A "$D/loc/$b" | grep -e '\.gz$' -e '^\.lock$' | sort | tr '\n' ' ')"
  check_not "$b: no stamp" test -e "$D/loc/$b/.l4r-fetched.json"
done
check_exit 0 "--max-unpacked lets the lone .gz through" f --variant zeros --mirror "$M" --max-unpacked 5M
check_eq "--max-unpacked: all of it unpacked" "$(size "$D/loc/zeros/zeros.txt")" 4194304
check_exit 2 "--max-unpacked needs a size" f --variant zeros --max-unpacked lots
check_grep "--max-unpacked: bad size named" "'lots' is not a size" "$T/.err"

# a file edited in place after the fetch (same size, new mtime): an unpacked one is unpacked again
# from the verified archive, a download is fetched again; both say so
sed -i 's/1::2::5::/1::2::9::/' "$D/loc/good/good/ratings.dat"
touch -d '2001-01-01' "$D/loc/good/good/ratings.dat"
check_exit 0 "edited unpacked file: fetch succeeds" f --variant good --mirror "$M"
check_grep "edited unpacked file: warning names it" "warning: 'good/ratings.dat', unpacked from an archive of loc/good, changed on disk since it was unpacked; unpacking again" "$T/.err"
check_eq "edited unpacked file: restored" "$(cat "$D/loc/good/good/ratings.dat")" "1::2::5::978300760"
check_exit 0 "after the repair: already fetched" f --variant good --mirror "$M"
check_grep "after the repair: says already" "already fetched and verified" "$T/.err"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[100]^=1; open(p,"wb").write(b)' "$D/loc/plain/a.bin"
touch -d '2001-01-01' "$D/loc/plain/a.bin"
check_exit 0 "edited download: fetch succeeds" f --variant plain --mirror "$M"
check_grep "edited download: warning names it" "warning: 'a.bin' of loc/plain changed on disk since it was fetched" "$T/.err"
check_same "edited download: fetched again" "$D/loc/plain/a.bin" "$A"

# two fetches of one variant at once: both succeed, one download
: > "$SLOG"
f --variant slow > "$T/c1.out" 2> "$T/c1.err" &
p1=$!
f --variant slow > "$T/c2.out" 2> "$T/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "concurrent: first succeeds" "$r1" 0
check_eq "concurrent: second succeeds" "$r2" 0
check_eq "concurrent: both print the directory" "$(cat "$T/c1.out" "$T/c2.out" | sort -u)" "$D/loc/slow"
check_eq "concurrent: one download" "$(grep -c 'mode/slow/a.bin' "$SLOG")" 1
check_same "concurrent: file equals the source" "$D/loc/slow/a.bin" "$A"
cat "$T/c1.err" "$T/c2.err" > "$T/c.err"
check_grep "concurrent: one of them found it done" "already fetched" "$T/c.err"

# interrupt: SIGINT mid-transfer exits 130 and keeps the .part; the next run resumes it
: > "$SLOG"
"$L4R" --recipes "$R" --data-dir "$D" fetch loc --variant slowint > "$T/i.out" 2> "$T/i.err" &
p=$!
i=0
psize() { if [ -f "$1" ]; then size "$1"; else echo 0; fi; }
while [ "$(psize "$D/loc/slowint/a.bin.part")" -lt 5000 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $p
wait $p; ri=$?
check_eq "interrupt: exit 130" "$ri" 130
check_grep "interrupt: says interrupted" "interrupted" "$T/i.err"
check "interrupt: .part kept" test -s "$D/loc/slowint/a.bin.part"
check_not "interrupt: nothing under the final name" test -e "$D/loc/slowint/a.bin"
sed -i "s|mode/slow/a.bin?chunks=50&delay=0.2|a.bin|" "$R/loc.json"
check_exit 0 "after interrupt: fetch succeeds" f --variant slowint
check_grep "after interrupt: resumed with Range" "GET /a.bin range=bytes=[1-9][0-9]*- status=206" "$SLOG"
check_same "after interrupt: file equals the source" "$D/loc/slowint/a.bin" "$A"

# a member name that is not UTF-8 (a Latin-1 'é' in a GNU tar): unpacked under its bytes, left out
# of the stamp (JSON cannot hold it, and no recipe can name it); the next fetch finds the variant
# complete.  Before, the stamp got a record without a name and every fetch unpacked again.
python3 - "$U/files.example.org/ds" <<'PY'
import io, os, sys, tarfile
with tarfile.open(os.path.join(sys.argv[1], "latin.tar"), "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as t:
    for n, d in (("r.dat", b"1::2::5::978300760\n"), ("\xe9.txt", b"x")):
        ti = tarfile.TarInfo(n); ti.size = len(d); t.addfile(ti, io.BytesIO(d))
PY
LT="$U/files.example.org/ds/latin.tar"
write_recipe "$R" lat "$(variant plain latin.tar "$(up latin.tar)" "$(size "$LT")" "$(sha256 "$LT")" true)"
lf() { "$L4R" --recipes "$R" --data-dir "$D" fetch lat "$@"; }
check_exit 0 "a non-UTF-8 member name: fetch unpacks" lf --mirror "$M"
check "the file is there under its bytes" test -f "$(printf '%s/lat/plain/\351.txt' "$D")"
check_grep "the stamp lists the other file" '"r.dat"' "$D/lat/plain/.l4r-fetched.json"
check_exit 0 "a non-UTF-8 member name: the second fetch" lf --mirror "$M"
check_grep "finds the variant complete" "lat/plain is already fetched and verified" "$T/.err"
check_nogrep "without unpacking again" "unpacking again" "$T/.err"

# a zip cut off after its first entry: libarchive fails without a reason; the message says what it
# means instead of 'unknown error'
python3 - "$U/files.example.org/ds" <<'PY'
import os, sys, zipfile
p = os.path.join(sys.argv[1], "cut.zip")
with zipfile.ZipFile(p, "w") as z:
    z.writestr("r.dat", "1::2::5::978300760\n")
    z.writestr("s.dat", "1::3::4::978300761\n")
b = open(p, "rb").read()
open(p, "wb").write(b[:b.index(b"PK\x03\x04", 4)])
PY
CZ="$U/files.example.org/ds/cut.zip"
write_recipe "$R" cut "$(variant plain cut.zip "$(up cut.zip)" "$(size "$CZ")" "$(sha256 "$CZ")" true)"
check_exit 5 "a zip cut off after its first entry: exit 5" "$L4R" --recipes "$R" --data-dir "$D" fetch cut --mirror "$M"
check_grep "which says the archive is truncated or damaged" "cannot read archive '.*cut.zip': libarchive gives no reason (a truncated or damaged archive)" "$T/.err"

# a large stamp (an archive of some 400,000 files writes about 64 MiB of it: 200,000 empty files
# gave 32.8 MB) is read like any other: the variant is found complete and its pins are checked.
# Before, a stamp over 16 MiB was not read at all, so every fetch and every convert unpacked again,
# and one over 64 MiB left the variant unpinned.  Padded here with trailing blanks, which JSON allows.
python3 -c 'import sys; open(sys.argv[1], "a").write(" " * (70 << 20))' "$D/loc/good/.l4r-fetched.json"
check_exit 0 "a 70 MiB stamp: fetch succeeds" f --variant good --mirror "$M"
check_grep "and finds the variant complete" "loc/good is already fetched and verified" "$T/.err"
check_nogrep "without a warning about the pins" "unpinned" "$T/.err"

# regression: the recipe's archive changes (a new release: other size and checksum) while the
# files the old one unpacked are intact — the new archive is fetched AND unpacked again, and the
# files only the old one had go (the stamp lists the new files only).  Twice: without a lock
# conflict (a lock file per release), and with one (refused before anything changes on disk, then
# --update-lock)
R3="$T/recipes-rel"
REL="$T/rel"
mkdir -p "$REL"
python3 - "$REL" <<'PY'
import sys, zipfile
d = sys.argv[1]
with zipfile.ZipFile(d + "/v1.zip", "w") as z:
    z.writestr("rel/ratings.dat", "1::2::5::978300760\n")
    z.writestr("rel/old_only.txt", "old\n")
with zipfile.ZipFile(d + "/v2.zip", "w") as z:
    z.writestr("rel/ratings.dat", "1::2::4::978300761\n3::4::5::978300762\n")
PY
release() {
  cp "$REL/v$1.zip" "$REL/rel.zip"
  write_recipe "$R3" rel "$(variant plain rel.zip "file://$REL/rel.zip" "$(size "$REL/rel.zip")" "$(sha256 "$REL/rel.zip")" true)"
}
NEW=$(printf '1::2::4::978300761\n3::4::5::978300762')
for how in locks conflict; do
  D3="$T/home-rel-$how"
  l1="$D3/llm4rec-data.lock"; l2="$l1"
  [ $how = locks ] && l2="$T/lock2-$how"
  release 1
  check_exit 0 "$how: release 1: fetch + unpack" "$L4R" --recipes "$R3" --data-dir "$D3" fetch rel --lock "$l1"
  check_eq "$how: release 1: its ratings" "$(cat "$D3/rel/plain/rel/ratings.dat")" "1::2::5::978300760"
  release 2
  if [ $how = conflict ]; then
    check_exit 4 "$how: release 2: the lock file still pins release 1" "$L4R" --recipes "$R3" --data-dir "$D3" fetch rel --lock "$l1"
    check_grep "$how: says why it would fetch again" "differs from the fetched file's; fetching it again" "$T/.err"
    check "$how: refused before the stamp goes" test -f "$D3/rel/plain/.l4r-fetched.json"
    check_eq "$how: and release 1 is still there" "$(cat "$D3/rel/plain/rel/ratings.dat")" "1::2::5::978300760"
    check_exit 0 "$how: release 2: --update-lock" "$L4R" --recipes "$R3" --data-dir "$D3" fetch rel --lock "$l1" --update-lock
  else
    check_exit 0 "$how: release 2: fetch again" "$L4R" --recipes "$R3" --data-dir "$D3" fetch rel --lock "$l2"
    check_grep "$how: says why it fetches again" "differs from the fetched file's; fetching it again" "$T/.err"
  fi
  check_eq "$how: release 2: the new archive is unpacked, not the old files kept" "$(cat "$D3/rel/plain/rel/ratings.dat")" "$NEW"
  check_not "$how: release 2: a file only the old archive had is gone" test -e "$D3/rel/plain/rel/old_only.txt"
  check_nogrep "$how: release 2: the stamp no longer lists it" "old_only.txt" "$D3/rel/plain/.l4r-fetched.json"
  check_exit 0 "$how: release 2: a second fetch is a no-op" "$L4R" --recipes "$R3" --data-dir "$D3" fetch rel --lock "$l2"
  check_grep "$how: already fetched" "already fetched and verified" "$T/.err"
done

# terms a download needs accepted (MIND, Yelp): exit 9 with the terms' URL without
# --accept-license, nothing downloaded; with it the stamp records the acceptance; a variant
# fetched before needs no flag; a --from file needs none (the user got it past the terms)
R4="$T/recipes-terms"
D4="$T/home-terms"
write_recipe "$R4" terms "$(variant plain a.bin "file://$A" "$NA" "$SA")"
sed -i 's|"variants": {|"terms": "https://example.org/terms.html", "variants": {|' "$R4/terms.json"
tf() { "$L4R" --recipes "$R4" --data-dir "$D4" fetch terms "$@"; }
check_exit 9 "terms: a download without --accept-license stops" tf
check_grep "terms: names the terms and the flag" "terms/plain may be downloaded only by someone who accepts its terms: https://example.org/terms.html; read them, and if you accept them, run 'llm4rec-data fetch terms --variant plain --accept-license'" "$T/.err"
check_not "terms: nothing downloaded" test -e "$D4/terms/plain/a.bin"
check_not "terms: no .part" test -e "$D4/terms/plain/a.bin.part"
check_exit 9 "terms: convert stops the same way" "$L4R" --recipes "$R4" --data-dir "$D4" convert terms -o "$T/terms-out"
check_exit 0 "terms: info shows them" "$L4R" --recipes "$R4" info terms
check_grep "terms: info" "terms:       https://example.org/terms.html" "$T/.out"
check_exit 0 "terms: --accept-license downloads" tf --accept-license
check_grep "terms: the stamp records the acceptance" '"terms_accepted"' "$D4/terms/plain/.l4r-fetched.json"
check_grep "terms: with the URL" '"url": "https://example.org/terms.html"' "$D4/terms/plain/.l4r-fetched.json"
check_exit 0 "terms: fetched before, no flag needed" tf
check_grep "terms: already fetched" "already fetched and verified" "$T/.err"
check_exit 0 "terms: --from needs no flag" "$L4R" --recipes "$R4" --data-dir "$T/home-terms2" fetch terms --from "$A"
check_exit 0 "terms: the variant's own terms override the recipe's" sh -c "sed 's|\"description\": \"test\"|\"description\": \"test\", \"terms\": \"https://example.org/v.html\"|' '$R4/terms.json' > '$T/t2.json' && mkdir -p '$T/r5' && mv '$T/t2.json' '$T/r5/terms.json'"
check_exit 9 "terms: variant terms" "$L4R" --recipes "$T/r5" --data-dir "$T/home-terms3" fetch terms
check_grep "terms: the variant's URL" "accepts its terms: https://example.org/v.html" "$T/.err"
sed 's|"terms": "https://example.org/terms.html"|"terms": "not a url"|' "$R4/terms.json" >"$T/r5/terms.json"
check_exit 6 "terms: not a URL is a recipe error" "$L4R" --recipes "$T/r5" info terms
check_grep "terms: names the key" '\$.terms: expected the URL of the terms' "$T/.err"
