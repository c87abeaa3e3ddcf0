# CLI tests: llm4rec-data.mk from a sample experiment Makefile (tests/mk/Makefile) against a file://
# mirror of generated fixtures.  The first make fetches and converts both datasets (with -j4); the
# second does nothing, says so, and leaves every output's mtime; a changed option converts again;
# --dry-run (L4R_DRY_RUN=1) prints the plan and changes nothing; convert --force runs anyway.
. "$(dirname "$0")/../lib.sh"

M="$T/mirror/files.grouplens.org/datasets/movielens"
mkdir -p "$T/exp"
demo_mirror
mk() {
  LLM4REC_DATA_MIRROR="file://$T/mirror" make --no-print-directory -C "$T/exp" -f "$TOP/tests/mk/Makefile" TOP="$TOP" L4R="$L4R" \
    L4R_DATA_DIR="$T/data" L4R_FLAGS="--recipes $T/recipes" "$@"
}
O="$T/exp/data"

check_exit 0 "dry run before anything exists" mk L4R_DRY_RUN=1
check_grep "dry run: would fetch" "would fetch" "$T/.out"
check_grep "dry run: would convert" "would convert movielens/ml-1m" "$T/.out"
check "dry run fetched nothing" test ! -e "$T/data/movielens"
check "dry run converted nothing" test ! -e "$O"

check_exit 0 "first make -j4: fetch and convert two datasets" mk -j4
for d in movielens-ml-1m second; do
  check "$d: converted" test -s "$O/$d/train.tsv"
  check_exit 0 "$d: verify" "$L4R" verify "$O/$d"
done
check_grep "the options a Makefile gave are in the manifest" '"implicit": "1"' "$O/second/manifest.json"
check_grep "the recipe is in the manifest's options" '"recipe": "' "$O/second/manifest.json"

ls -l --time-style=full-iso "$O"/*/* >"$T/mtimes1"
sleep 1
check_exit 0 "second make" mk -j4
check_grep "second make says it has nothing to do" "is up to date" "$T/.err"
check_nogrep "second make converts nothing" "converted movielens" "$T/.err"
ls -l --time-style=full-iso "$O"/*/* >"$T/mtimes2"
check_same "second make leaves every output's mtime" "$T/mtimes1" "$T/mtimes2"
check_exit 0 "dry run when up to date" mk L4R_DRY_RUN=1
check_grep "dry run says up to date" "nothing to do: '.*movielens-ml-1m' is up to date" "$T/.out"

check_exit 0 "a changed option converts again" mk L4R_OPTS_movielens-ml-1m=--implicit
check_grep "... and says so" "converted movielens/ml-1m" "$T/.err"
check_grep "... with the new option" '"implicit": "1"' "$O/movielens-ml-1m/manifest.json"
check_nogrep "... and only that dataset" "converted movielens/sample2" "$T/.err"

# an input edited after the convert: no longer up to date (and the fetch stamp catches the edit)
cp "$O/second/manifest.json" "$T/m.json"
check_exit 0 "convert --force runs when up to date" "$L4R" --recipes "$T/recipes" --data-dir "$T/data" \
  convert movielens --variant sample2 -o "$O/second" --split seq --implicit --force
check_grep "--force: converted" "converted movielens/sample2" "$T/.err"
check_exit 0 "a different -j is the same convert" "$L4R" --recipes "$T/recipes" --data-dir "$T/data" \
  convert movielens --variant sample2 -o "$O/second" --split seq --implicit -j 1
check_grep "-j does not count as an option" "is up to date" "$T/.err"

# --raw: the digest of the raw file decides
cp "$M/ml-1m.zip" "$T/raw.zip"
conv_raw() { "$L4R" --recipes "$T/recipes" convert movielens --raw "$T/raw.zip" -o "$T/rawout" "$@"; }
check_exit 0 "raw: first convert" conv_raw
check_exit 0 "raw: second convert" conv_raw
check_grep "raw: second is up to date" "is up to date" "$T/.err"
printf 'x' >>"$T/raw.zip"
check_exit 0 "raw: an edited input (a byte appended to the zip)" conv_raw
check_grep "raw: an edited input converts again" "converted movielens/ml-1m" "$T/.err"
check_exit 2 "unknown name in the pattern rule" mk data/nosuch-thing/manifest.json
check_grep "unknown name: says so" "no dataset variant is named 'nosuch-thing'" "$T/.err"
