#!/bin/sh
# tests/fault/archives.sh — the corpus of hostile and damaged archives (tests/fault/corpus.py lists
# the cases), each through both paths: `fetch` + `convert` (the archive as a recipe file, unpacked)
# and `convert --raw ARCHIVE`.  Both paths give the case's verdict: exit 5 for a damaged, unsafe or
# ambiguous archive, and then nothing is published (no stamp, no unpacked file under its final
# name, no output directory, no temporaries); exit 0 for a good one, and then both paths convert
# d/r.tsv, and only d/r.tsv, to the same bytes.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus hostile
good="$C/expect/good.tsv"
exec 3<"$C/cases.txt"
while read -r case want file <&3; do
  V="$D/hostile/$case"
  O="$T/out/$case"
  mkdir -p "$O"
  tab=d/r.tsv
  case $case in gz-*) tab=r.tsv ;; esac

  # fetch: download (file://), verify, unpack
  check_exit "$want" "$case: fetch exits $want" l4r fetch hostile --variant "$case" -q
  cp "$T/.err" "$O/fetch.err"
  if [ "$want" != 0 ]; then
    check_grep "$case: fetch names the archive" "$file" "$O/fetch.err"
    check_not "$case: fetch writes no stamp" test -e "$V/.l4r-fetched.json"
    check_not "$case: fetch leaves nothing under the final name $tab" test -e "$V/$tab"
    check_clean "$case: fetch leaves no temporaries" "$V"
  fi
  # convert of the fetched variant (fetches again when fetch failed)
  check_exit "$want" "$case: convert exits $want" l4r convert hostile --variant "$case" -o "$O/f" -q
  if [ "$want" = 0 ]; then
    check_same "$case: fetch + convert reads d/r.tsv" "$O/f/interactions.tsv" "$good"
  else
    check_not "$case: convert publishes no output directory" test -e "$O/f"
  fi
  # convert --raw ARCHIVE
  rawwant=$want
  case $case in
    clash*) rawwant=0 ;; # nothing to overwrite when the archive is read in place
    gz-bomb) rawwant="5 7" ;; # an unpacked size limit (5), or a 64 MiB line without tabs (7)
  esac
  check_exit_in "$rawwant" "$case: convert --raw exits $rawwant" \
    l4r convert hostile --variant "$case" --raw "$C/$case/$file" -o "$O/r" -q
  cp "$T/.err" "$O/raw.err"
  if [ "$rawwant" = 0 ]; then
    check_same "$case: convert --raw reads d/r.tsv" "$O/r/interactions.tsv" "$good"
  else
    check_grep "$case: convert --raw names the archive" "$file" "$O/raw.err"
    check_not "$case: convert --raw publishes no output directory" test -e "$O/r"
  fi
  if [ "$want" = 0 ] && [ "$rawwant" = 0 ]; then
    check_same "$case: both paths give the same interactions.tsv" "$O/f/interactions.tsv" "$O/r/interactions.tsv"
  fi
  check_clean "$case: no temporaries next to the outputs" "$O"

  case $case in
    targz-trunc) # the entry's name must outlive the data-phase error (it was freed: "entry ''")
      check_grep "$case: fetch names the entry it was unpacking" "d/r.tsv" "$O/fetch.err"
      ;;
    *-dup)
      check_grep "$case: fetch names the ambiguous entry" "d/r.tsv" "$O/fetch.err"
      check_grep "$case: convert --raw names the ambiguous entry" "d/r.tsv" "$O/raw.err"
      ;;
    clash*)
      check_grep "$case: fetch names the clashing entry" "other.bin" "$O/fetch.err"
      if [ -e "$V/other.bin" ]; then
        check_same "$case: the variant's other file is untouched" "$V/other.bin" "$C/$case/other.bin"
      fi
      ;;
    tar-dotdot-*) check_not "$case: nothing escaped by '..'" test -e "$D/hostile/x" ;;
    tar-abs-*) check_not "$case: nothing written at the absolute path" test -e "$T/abs-escape.txt" ;;
    tar-symlink-*) check_not "$case: the escaping symlink is not created" test -L "$V/up" ;;
  esac
done
exec 3<&-
