#!/bin/sh
# tests/fault/edited.sh — a fetched file changed in place with the same size (one rating 5 -> 9,
# say).  convert hashes its inputs anyway: it compares them with the fetch stamp and fails with
# exit 4, publishing nothing.  A later fetch notices the changed size or mtime, verifies again and
# restores the file (download again, or unpack again).
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus big 2000
TSV="$C/tsv/r.tsv"
# edit FILE: change one byte in the middle (a digit to another digit, same size), set a new mtime
edit() {
  python3 -c '
import os, sys
p = sys.argv[1]
with open(p, "r+b") as f:
    b = f.read()
    i = len(b) // 2
    while not b[i:i + 1].isdigit():
        i += 1
    f.seek(i)
    f.write(b"7" if b[i:i + 1] != b"7" else b"3")' "$1"
  touch -d "2003-04-05 06:07:08" "$1" # not the corpus entries' time (2001-02-03 04:05:06)
}
conv() { l4r convert big --variant "$1" -o "$2" -q; }

# ---- a plain file (no unpacking) ----
check_exit 0 "plain: fetch" l4r fetch big --variant tsv -q
check_exit 0 "plain: convert of the intact file" conv tsv "$T/o-tsv-ok"
V="$D/big/tsv"
size0=$(size "$V/r.tsv")
edit "$V/r.tsv"
check_eq "plain: the edit keeps the size" "$(size "$V/r.tsv")" "$size0"
check_exit 4 "plain: convert of the edited file exits 4" conv tsv "$T/o-tsv"
check_grep "plain: the message names the file" "r.tsv" "$T/.err"
check_not "plain: convert publishes no output directory" test -e "$T/o-tsv"
check_clean "plain: no temporaries" "$T"
check_exit 0 "plain: a later fetch succeeds" l4r fetch big --variant tsv
check_nogrep "plain: the later fetch does not call it already fetched" "already fetched" "$T/.err"
check_same "plain: the later fetch restored the file" "$V/r.tsv" "$TSV"
check_exit 0 "plain: convert after the repair" conv tsv "$T/o-tsv"
check_same "plain: the repaired conversion equals the first" "$T/o-tsv/interactions.tsv" "$T/o-tsv-ok/interactions.tsv"
# the same edit with the old mtime put back: fetch cannot tell without hashing, convert can
cp -p "$V/r.tsv" "$T/keep"
edit "$V/r.tsv"
touch -r "$T/keep" "$V/r.tsv"
check_exit 4 "plain, size and mtime kept: convert exits 4" conv tsv "$T/o-tsv2"
check_not "plain, size and mtime kept: no output directory" test -e "$T/o-tsv2"

# ---- a file unpacked from an archive ----
check_exit 0 "unpacked: fetch" l4r fetch big --variant zip -q
V="$D/big/zip"
edit "$V/d/r.tsv"
check_exit 4 "unpacked: convert of the edited file exits 4" conv zip "$T/o-zip"
check_grep "unpacked: the message names the file" "r.tsv" "$T/.err"
check_not "unpacked: convert publishes no output directory" test -e "$T/o-zip"
check_exit 0 "unpacked: a later fetch succeeds" l4r fetch big --variant zip
check_nogrep "unpacked: the later fetch does not call it already fetched" "already fetched" "$T/.err"
check_same "unpacked: the later fetch restored the file" "$V/d/r.tsv" "$TSV"
check_exit 0 "unpacked: convert after the repair" conv zip "$T/o-zip"

# ---- the downloaded archive itself ----
cp "$V/data.zip" "$T/zip0"
edit "$V/data.zip"
check_exit 0 "archive: a later fetch succeeds" l4r fetch big --variant zip
check_nogrep "archive: the later fetch does not call it already fetched" "already fetched" "$T/.err"
check_same "archive: the later fetch restored the archive" "$V/data.zip" "$T/zip0"
