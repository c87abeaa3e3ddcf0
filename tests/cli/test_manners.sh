# CLI manners (issue 17): DATASET/VARIANT in every command that takes a dataset, "did you mean"
# for unknown commands, datasets, variants and options, one message style for option errors,
# help help, -v.  The recipes are the ones shipped in recipes/.
. "$(dirname "$0")/../lib.sh"

R="$TOP/recipes"
l4r() { "$L4R" --recipes "$R" "$@"; }

# ---- the four examples of the issue ----
check_exit 6 "movielen: unknown dataset keeps the recipe exit code" l4r fetch movielen
check_grep "movielen -> movielens" "^llm4rec-data: unknown dataset 'movielen'; did you mean 'movielens'?$" "$T/.err"
check_eq "one line for it" "$(wc -l <"$T/.err")" "1"
check_exit 6 "ml-1M: unknown variant" l4r info movielens --variant ml-1M
check_grep "ml-1M -> ml-1m (case first)" "has no variant 'ml-1M'; did you mean 'ml-1m'?$" "$T/.err"
check_exit 6 "2018/Video_Game_5: unknown variant" l4r info amazon/2018/Video_Game_5
check_grep "2018/Video_Game_5 -> 2018/Video_Games_5" "did you mean '2018/Video_Games_5'?$" "$T/.err"
check_exit 2 "--splt: unknown option is a usage error" l4r convert movielens --splt seq
check_grep "--splt -> --split" "^llm4rec-data: convert: unknown option '--splt'; did you mean '--split'? (see 'llm4rec-data convert --help')$" "$T/.err"
# nothing close: no suggestion, the old lists
check_exit 6 "far dataset name" l4r info zzzzzzzz
check_nogrep "far dataset name: no suggestion" "did you mean" "$T/.err"
check_grep "far dataset name: lists the datasets" "available: .*movielens" "$T/.err"
check_exit 2 "unknown command" "$L4R" conver movielens
check_grep "conver -> convert" "^llm4rec-data: unknown command 'conver'; did you mean 'convert'?$" "$T/.err"
check_exit 2 "help of an unknown command" "$L4R" help fecth
check_grep "help fecth -> fetch" "unknown command 'fecth'; did you mean 'fetch'?" "$T/.err"
check_exit 2 "unknown global option" "$L4R" --verison
check_grep "--verison -> --version" "unknown option '--verison'; did you mean '--version'?" "$T/.err"
for c in list stats verify info fetch; do
  check_exit 2 "$c: unknown option" "$L4R" "$c" --jsno
  check_grep "$c: unknown option in the one style" "^llm4rec-data: $c: unknown option '--jsno'.* (see 'llm4rec-data $c --help')$" "$T/.err"
done
check_grep "fetch --jsno: no --json to suggest there" "unknown option '--jsno' (see" "$T/.err"

# ---- one style for a missing value, in every command ----
check_exit 2 "convert --split without a value" l4r convert movielens --split
check_grep "missing value: the issue's message" "^llm4rec-data: convert: option '--split' needs a value (see 'llm4rec-data convert --help')$" "$T/.err"
check_exit 2 "convert -o without a value" l4r convert movielens -o
check_grep "missing value of a short option" "^llm4rec-data: convert: option '-o' needs a value (see" "$T/.err"
check_exit 2 "fetch --mirror without a value" l4r fetch movielens --mirror
check_grep "fetch: same style" "^llm4rec-data: fetch: option '--mirror' needs a value (see 'llm4rec-data fetch --help')$" "$T/.err"
check_exit 2 "info --variant without a value" l4r info movielens --variant
check_grep "info: same style" "^llm4rec-data: info: option '--variant' needs a value (see 'llm4rec-data info --help')$" "$T/.err"
check_exit 2 "list --data-dir without a value" l4r list --data-dir
check_grep "list: a common option, same style" "^llm4rec-data: list: option '--data-dir' needs a value (see" "$T/.err"
check_exit 2 "global --recipes without a value" "$L4R" --recipes
check_grep "global: same style" "^llm4rec-data: option '--recipes' needs a value (see 'llm4rec-data --help')$" "$T/.err"
check_exit 2 "a flag given a value" l4r convert movielens --force=1
check_grep "a flag given a value: says so" "option '--force' takes no value" "$T/.err"
check_exit 2 "an ambiguous abbreviation" l4r convert movielens --k 5
check_grep "ambiguous: names the candidates" "option '--k' is ambiguous: --kcore, --kcore-mode, --keep-negatives" "$T/.err"
check_nogrep "getopt's own messages are gone" "unrecognized option\|requires an argument" "$T/.err"

# ---- help, -v ----
check_exit 0 "help help" "$L4R" help help
check_grep "help help: help's usage" "^usage: llm4rec-data help \[COMMAND\]" "$T/.out"
check_exit 0 "help convert" "$L4R" help convert
check_grep "help convert is convert --help" "^usage: llm4rec-data convert" "$T/.out"
check_exit 0 "-v" "$L4R" -v
check_eq "-v prints the version" "$(cat "$T/.out")" "llm4rec-data $(cat "$TOP/VERSION")"
check_grep "--help names -v" "-v, --version" "$("$L4R" --help >"$T/h.txt"; echo "$T/h.txt")"

# ---- DATASET/VARIANT everywhere ----
l4r info movielens --variant ml-1m >"$T/info-v.txt" 2>&1
check_exit 0 "info DATASET/VARIANT" l4r info movielens/ml-1m
check_same "info movielens/ml-1m = info movielens --variant ml-1m" "$T/.out" "$T/info-v.txt"
check_exit 0 "info: both forms agreeing" l4r info movielens/ml-1m --variant ml-1m
check_exit 2 "info: slash form and another --variant" l4r info movielens/ml-1m --variant ml-100k
check_grep "info: says which two" "'movielens/ml-1m' names variant 'ml-1m' but --variant says 'ml-100k'" "$T/.err"
check_exit 2 "fetch: slash form and another --variant" l4r fetch movielens/ml-1m --variant ml-100k
check_exit 2 "convert: slash form and another --variant" l4r convert movielens/ml-1m --variant ml-100k --raw "$T/none"
check_exit 0 "info with a variant holding '/'" l4r info amazon/2018/Video_Games_5
check_grep "the first slash splits" "2018/Video_Games_5" "$T/.out"
check_exit 0 "list DATASET/VARIANT" l4r list movielens/ml-1m
check_eq "list DATASET/VARIANT: that variant only" "$(cut -f1,2 "$T/.out")" "$(printf 'movielens\tml-1m')"
check_exit 6 "list DATASET/VARIANT: unknown variant" l4r list movielens/ml-1M
check_grep "list: suggestion too" "did you mean 'ml-1m'" "$T/.err"
# convert: the variant from the slash form is the one converted (ml-100k's u.data, not ml-1m's ::)
F="$T/fx"
mkdir -p "$F/ml-100k"
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n' >"$F/ml-100k/u.data"
check_exit 0 "convert DATASET/VARIANT --raw" l4r convert movielens/ml-100k --raw "$F/ml-100k/u.data" -o "$T/o1" -q
check_eq "convert DATASET/VARIANT: converted that variant" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["variant"])' "$T/o1/manifest.json")" "ml-100k"
check_eq "convert DATASET/VARIANT: default output name from the variant" "$(cd "$T" && l4r convert movielens/ml-100k --raw "$F/ml-100k/u.data" -q)" "movielens-ml-100k"

# ---- aliases: --split loo is documented (as seq) ----
check_grep "convert --help documents loo" "seq (or loo)" "$("$L4R" convert --help >"$T/ch.txt"; echo "$T/ch.txt")"
check_grep "MANUAL documents loo" "split loo" "$TOP/docs/MANUAL.md"
check_exit 0 "--split loo converts" l4r convert movielens/ml-100k --raw "$F/ml-100k/u.data" --split loo -o "$T/o2" -q
check_eq "--split loo is recorded as seq" "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["split"]["kind"] if isinstance(m.get("split"),dict) else m.get("split"))' "$T/o2/manifest.json")" "seq"
check_exit 2 "a bad --split value: one clean message" l4r convert movielens --split x
check_grep "a bad --split value names it once" "^llm4rec-data: --split 'x': expected none, seq" "$T/.err"

# ---- -o -: interactions.tsv on stdout ----
mkdir -p "$T/big"
"$GEN" movielens ml-1m "$T/big" --users 600 --items 400 --ratings 60000 >/dev/null
BIGRAW="$T/big/ml-1m.zip"
check_exit 0 "a normal run for comparison" l4r convert movielens/ml-1m --raw "$BIGRAW" -o "$T/normal" -q
mkdir -p "$T/cwd"
(cd "$T/cwd" && l4r convert movielens/ml-1m --raw "$BIGRAW" -o - -q >"$T/stdout.tsv" 2>"$T/stdout.err"; echo $? >"$T/stdout.rc")
check_eq "-o -: exit 0" "$(cat "$T/stdout.rc")" "0"
check_same "-o -: stdout is the interactions.tsv of a normal run" "$T/stdout.tsv" "$T/normal/interactions.tsv"
check_eq "-o -: nothing else on stdout, no directory '-' and nothing else created" "$(ls -A "$T/cwd")" ""
first=$(cd "$T/cwd" && l4r convert movielens/ml-1m --raw "$BIGRAW" -o - 2>"$T/head.err" | head -1)
check_eq "-o - | head -1 prints the header" "$first" "$(printf 'user_id\titem_id\trating\ttimestamp')"
check_nogrep "-o - | head -1: no error about the closed pipe" "cannot write\|Broken pipe" "$T/head.err"
check_eq "-o - | head -1: still nothing named '-'" "$(ls -A "$T/cwd")" ""
check_exit 2 "-o - with a split is a usage error" l4r convert movielens/ml-1m --raw "$BIGRAW" -o - --split seq
check_grep "-o - with a split: says why" "one file: a split writes train/valid/test.tsv" "$T/.err"
check_exit 2 "-o - with another format is a usage error" l4r convert movielens/ml-1m --raw "$BIGRAW" -o - --format tsv,recbole
check_exit 2 "-o - with a stage is a usage error" l4r convert movielens/ml-1m --raw "$BIGRAW" -o - --kcore 2
check_eq "-o - refused: nothing on stdout" "$(wc -c <"$T/.out")" "0"
check_eq "-o - refused: still nothing named '-'" "$(ls -A "$T/cwd")" ""
check_grep "convert --help: -o - and no manifest" "no manifest.json" "$T/ch.txt"

# ---- convert --raw FILE without a variant: the shape decides ----
mkdir -p "$T/shape"
printf 'userId,movieId,rating,timestamp\n1,2,3.5,1000\n' >"$T/shape/ratings.csv"
check_exit 2 "ratings.csv without --variant: several variants fit, none the default" l4r convert movielens --raw "$T/shape/ratings.csv" -o "$T/s1"
check_grep "names why and the candidates" "'$T/shape/ratings.csv' is not the shape of movielens/ml-1m's ratings.dat; it fits 5 variants (ml-20m, ml-25m, ml-32m, ml-latest-small, ml-latest)" "$T/.err"
check_grep "gives the exact command" "e.g. 'llm4rec-data convert movielens/ml-20m --raw $T/shape/ratings.csv'" "$T/.err"
check "nothing written" test ! -e "$T/s1"
cmd=$(sed -n "s/.*e\.g\. '\(.*\)'$/\1/p" "$T/.err" | sed 's/^llm4rec-data //')
check_exit 0 "the suggested command works" l4r $cmd -o "$T/s2" -q
check_eq "the suggested command converted the file" "$(tail -n +2 "$T/s2/interactions.tsv")" "$(printf '1\t2\t3.5\t1000')"
check_exit 0 "u.data without --variant: only ml-100k fits" l4r convert movielens --raw "$F/ml-100k/u.data" -o "$T/s3"
check_grep "says which variant it took" "warning: .*u.data' is not the shape of movielens/ml-1m's ratings.dat; it fits movielens/ml-100k, converting that" "$T/.err"
check_eq "converted as ml-100k" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["variant"])' "$T/s3/manifest.json")" "ml-100k"
printf '1::2::3::4\n' >"$T/shape/ratings.dat"
check_exit 0 "the default's own shape: taken silently" l4r convert movielens --raw "$T/shape/ratings.dat" -o "$T/s4"
check_nogrep "no variant message for the default" "fits" "$T/.err"
printf 'a,b,c,d\n1,2,3,4\n' >"$T/shape/ratings.csv"
check_exit 7 "a ratings.csv whose header fits no variant: the default's parse error, as before" l4r convert movielens --raw "$T/shape/ratings.csv" -o "$T/s5"
check_exit 0 "--variant given: no guessing" l4r convert movielens --variant ml-100k --raw "$F/ml-100k/u.data" -o "$T/s6"
check_nogrep "--variant given: no message" "fits" "$T/.err"
