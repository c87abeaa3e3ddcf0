#!/bin/sh
# tests/fault/diskfull.sh — a full disk under fetch's unpack, fetch's download and convert's output.
# Each fails with exit 8 (local i/o) and says why, writes no stamp, leaves nothing under a final
# name and no temporaries; the same command rerun with space succeeds.  Two kinds of full disk: a
# small tmpfs (only when running as root where mount works: the real thing, including metadata),
# and always the LD_PRELOAD shim tests/fault/shim.c, which fails write() with ENOSPC after N bytes
# to files under one directory while statvfs still reports plenty of space.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus big 400000 # d/r.tsv: 8.7 MB of rows; data.zip 2.5 MB
Z="$C/zip/data.zip"
TSV="$C/tsv/r.tsv"

# fetch_full LABEL DATADIR [shim vars]: fetch big/zip into DATADIR, expecting exit 8 and nothing published
fetch_full() {
  local label=$1 dd=$2
  shift 2
  check_exit 8 "$label: fetch exits 8" run "$@" "$L4R" --recipes "$R" --data-dir "$dd" fetch big --variant zip -q
  check_grep "$label: fetch says the disk is full" "[Ss]pace" "$T/.err"
  check_not "$label: no stamp" test -e "$dd/big/zip/.l4r-fetched.json"
  check_not "$label: no d/r.tsv under its final name" test -e "$dd/big/zip/d/r.tsv"
  check_clean "$label: no temporaries" "$dd"
}
fetch_ok() {
  local label=$1 dd=$2
  check_exit 0 "$label: with space, fetch succeeds" run "$L4R" --recipes "$R" --data-dir "$dd" fetch big --variant zip -q
  check_same "$label: with space, d/r.tsv is complete" "$dd/big/zip/d/r.tsv" "$TSV"
  check "$label: with space, the stamp is written" test -s "$dd/big/zip/.l4r-fetched.json"
  check_clean "$label: with space, no temporaries" "$dd"
}
convert_full() {
  local label=$1 od=$2
  shift 2
  check_exit 8 "$label: convert exits 8" run "$@" "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -o "$od/out" -q
  check_grep "$label: convert says the disk is full" "[Ss]pace" "$T/.err"
  check_not "$label: convert publishes no output directory" test -e "$od/out"
  check_clean "$label: convert leaves no temporaries" "$od"
}
convert_ok() {
  local label=$1 od=$2
  check_exit 0 "$label: with space, convert succeeds" l4r convert big --variant tsv --raw "$TSV" -o "$od/out" -q
  check_exit 0 "$label: with space, the output verifies" run "$L4R" verify "$od/out"
  check_eq "$label: with space, every row is there" "$(wc -l < "$od/out/interactions.tsv")" "$(($(wc -l < "$TSV") + 1))"
  check_clean "$label: with space, no temporaries" "$od"
}

# ---- a real small file system ----
small=
if [ "$(id -u)" = 0 ] && mkdir -p "$T/small" "$T/tiny" &&
  mount -t tmpfs -o size=4m l4r-fault "$T/small" 2>/dev/null; then
  small=1
  at_exit 'umount "$T/small" 2>/dev/null'
fi
if [ -n "$small" ]; then
  # unpack: the 2.5 MB archive fits in 4 MB, its 8.7 MB table does not
  fetch_full "tmpfs unpack" "$T/small/data"
  convert_full "tmpfs output" "$T/small"
  mount -o remount,size=64m "$T/small"
  fetch_ok "tmpfs unpack" "$T/small/data"
  convert_ok "tmpfs output" "$T/small"
  # download: the archive itself does not fit in 1 MB
  if mount -t tmpfs -o size=1m l4r-fault "$T/tiny" 2>/dev/null; then
    at_exit 'umount "$T/tiny" 2>/dev/null'
    check_exit 8 "tmpfs download: fetch exits 8" run "$L4R" --recipes "$R" --data-dir "$T/tiny/data" fetch big --variant zip -q
    check_not "tmpfs download: nothing under the final name" test -e "$T/tiny/data/big/zip/data.zip"
    check_not "tmpfs download: no stamp" test -e "$T/tiny/data/big/zip/.l4r-fetched.json"
    mount -o remount,size=64m "$T/tiny"
    fetch_ok "tmpfs download" "$T/tiny/data"
  fi
else
  echo "note: not root or no tmpfs: the full disk is the LD_PRELOAD shim only"
fi

# ---- the shim: ENOSPC from write() while statvfs says there is room ----
if [ -f "$SHIM" ]; then
  # unpack: the download (2.5 MB) goes through, the unpacked table fails 1 MB later
  fetch_full "shim unpack" "$T/sd" $SHIMMED L4R_SHIM_MATCH="$T/sd/" L4R_SHIM_ENOSPC_AFTER=$(($(size "$Z") + 1000000))
  fetch_ok "shim unpack" "$T/sd"
  # download: fails after 100 kB of the .part
  check_exit 8 "shim download: fetch exits 8" run $SHIMMED L4R_SHIM_MATCH="$T/sd2/" L4R_SHIM_ENOSPC_AFTER=100000 \
    "$L4R" --recipes "$R" --data-dir "$T/sd2" fetch big --variant zip -q
  check_not "shim download: nothing under the final name" test -e "$T/sd2/big/zip/data.zip"
  check_not "shim download: no stamp" test -e "$T/sd2/big/zip/.l4r-fetched.json"
  fetch_ok "shim download" "$T/sd2"
  # convert: the output fails after 1 MB
  mkdir -p "$T/so"
  convert_full "shim output" "$T/so" $SHIMMED L4R_SHIM_MATCH="$T/so/" L4R_SHIM_ENOSPC_AFTER=1000000
  convert_ok "shim output" "$T/so"
else
  fail "the LD_PRELOAD shim $SHIM is not built (make unit builds it)"
fi
