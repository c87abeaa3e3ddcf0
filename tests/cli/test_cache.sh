# CLI tests: `cache` lists the data directory's variants (state, files, bytes; --json) and
# `cache clean [DATASET[/VARIANT]]` removes them, printing what went and the bytes freed, keeping
# the lock file of pins and anything a symbolic link points to outside the data directory.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$T/outside"
demo_mirror
DATA="$T/data"
l4r() { "$L4R" --recipes "$T/recipes" --data-dir "$DATA" "$@"; }
export LLM4REC_DATA_MIRROR="file://$T/mirror"

check_exit 0 "cache of an empty data directory" l4r cache
check_eq "... lists nothing" "$(cat "$T/.out")" ""
check_exit 0 "fetch ml-1m" l4r fetch movielens -q
check_exit 0 "fetch sample2" l4r fetch movielens/sample2 -q
echo secret >"$T/outside/keep.txt"
ln -s "$T/outside" "$DATA/movielens/sample2/link"

check_exit 0 "cache" l4r cache
check_eq "two variants listed" "$(wc -l <"$T/.out" | tr -d ' ')" "2"
apparent=$(find "$DATA/movielens/ml-1m" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
check_eq "ml-1m: verified, every file, its bytes" "$(grep "	ml-1m	" "$T/.out" | cut -f1-3,5)" \
  "$(printf 'movielens\tml-1m\tverified\t%s' "$apparent")"
check_eq "files exclude the stamp and the lock" "$(grep "	ml-1m	" "$T/.out" | cut -f4)" \
  "$(find "$DATA/movielens/ml-1m" -type f ! -name .lock ! -name .l4r-fetched.json | wc -l | tr -d ' ')"
check_grep "the summary on stderr" "2 variants" "$T/.err"
s2=$(l4r cache 2>/dev/null | grep sample2 | cut -f5)
check_exit 0 "cache --json" l4r cache --json
check_eq "--json: the same variants and bytes" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s/%s:%s:%d" % (v["dataset"], v["variant"], v["state"], v["bytes"]) for v in d["variants"]), d["data_dir"] == sys.argv[2])' "$T/.out" "$DATA")" \
  "movielens/ml-1m:verified:$apparent movielens/sample2:verified:$s2 True"

touch -d '2001-01-01' "$DATA/movielens/ml-1m/ml-1m/ratings.dat"
check_exit 0 "cache after a touch" l4r cache
check_eq "a touched file: changed" "$(grep "	ml-1m	" "$T/.out" | cut -f3)" "changed"
rm "$DATA/movielens/ml-1m/.l4r-fetched.json"
check_exit 0 "cache without a stamp" l4r cache
check_eq "no stamp: incomplete" "$(grep "	ml-1m	" "$T/.out" | cut -f3)" "incomplete"

check_exit 6 "clean of a dataset that is not there" l4r cache clean steam
check_grep "... says so" "'steam' is not in the data directory" "$T/.err"
check_exit 6 "clean of a variant that is not there" l4r cache clean movielens/ml-25m
check_exit 2 "clean takes one argument" l4r cache clean movielens extra
check_exit 2 "an unknown subcommand" l4r cache purge

check_exit 0 "clean one variant" l4r cache clean movielens/sample2
check_grep "prints the variant and the bytes freed" "^removed movielens/sample2	[0-9][0-9]* bytes	" "$T/.out"
check "the variant is gone" test ! -e "$DATA/movielens/sample2"
check "the other is still there" test -d "$DATA/movielens/ml-1m"
check_eq "a symbolic link's target outside is kept" "$(cat "$T/outside/keep.txt")" "secret"
check_exit 0 "clean everything" l4r cache clean
check_grep "freed bytes summary" "removed 1 variant, [0-9]* bytes freed" "$T/.err"
check "the dataset directory is gone" test ! -e "$DATA/movielens"
check "the lock file of pins is kept" test -s "$DATA/llm4rec-data.lock"
check_exit 0 "cache after clean" l4r cache
check_eq "... lists nothing" "$(cat "$T/.out")" ""

# a variant in use (its lock held) is left alone
check_exit 0 "fetch again" l4r fetch movielens -q
if command -v flock >/dev/null 2>&1; then
  flock "$DATA/movielens/ml-1m/.lock" sleep 3 &
  sleep 1
  check_exit 10 "clean of a variant in use" l4r cache clean movielens
  check "... leaves it" test -d "$DATA/movielens/ml-1m/ml-1m"
  wait
fi
