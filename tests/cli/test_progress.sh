# CLI tests: convert's progress line (only on a terminal, never with -q or when stderr is a file or
# pipe; the output is the same either way) and the --raw digest check (a file of the recipe's name
# whose SHA-256 differs from the recipe's: one warning, both digests in manifest.json; a match:
# no warning, matches_recipe true).  script(1) gives the run a terminal.
. "$(dirname "$0")/../lib.sh"

check_exit 0 "generate 300,000 ratings" "$GEN" ml25m-ratings --rows 300000 -o "$T/ratings.csv"
conv() { "$L4R" convert movielens --variant ml-25m --raw "$T/ratings.csv" -j 1 --block-size 65536 "$@"; }

if command -v script >/dev/null 2>&1; then
  script -qec "'$L4R' convert movielens --variant ml-25m --raw '$T/ratings.csv' -j 1 --block-size 65536 -o '$T/tty'" "$T/tty.log" >/dev/null 2>&1
  tr '\r' '\n' <"$T/tty.log" >"$T/tty.txt"
  check_grep "on a terminal: the file, its share and size" "ratings.csv .*% .* / .*MiB" "$T/tty.txt"
  check_grep "on a terminal: rows and rate" " rows  .*/s" "$T/tty.txt"
  check_grep "on a terminal: the time left" "ETA [0-9]*:[0-9][0-9]" "$T/tty.txt"
  check_grep "on a terminal: the summary after it" "converted movielens/ml-25m: 300000 interactions" "$T/tty.txt"
  script -qec "'$L4R' convert movielens --variant ml-25m --raw '$T/ratings.csv' -j 1 --block-size 65536 -q -o '$T/ttyq'" "$T/ttyq.log" >/dev/null 2>&1
  check_nogrep "-q on a terminal: no progress" "rows" "$T/ttyq.log"
  check_same "the output with progress = without" "$T/tty/interactions.tsv" "$T/ttyq/interactions.tsv"
else
  fail "script(1) is needed for the terminal checks (util-linux / bsdutils)"
fi
check_exit 0 "stderr to a file" conv -o "$T/file"
check_nogrep "stderr not a terminal: no progress line" "rows" "$T/.err"
check_nogrep "stderr not a terminal: no carriage return" "$(printf '\r')" "$T/.err"

# --raw against the recipe's digests: l4r-gen's ml-100k.zip is not the real one
check_exit 0 "generate ml-100k" "$GEN" movielens ml-100k "$T/m"
check_exit 0 "--raw a zip the recipe knows by name" "$L4R" convert movielens --variant ml-100k --raw "$T/m/ml-100k.zip" -o "$T/o1"
check_eq "one warning for the archive (not one per table)" "$(grep -c "is not the file the recipe knows as 'ml-100k.zip'" "$T/.err")" 1
check_grep "the warning gives both digests" "the recipe's 50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229" "$T/.err"
python3 - "$T/o1/manifest.json" "$T/m/ml-100k.zip" <<'PY'
import hashlib, json, sys
m = json.load(open(sys.argv[1]))
real = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
def fact(what, ok):
    print(("PASS " if ok else "FAIL ") + "test_progress.sh: " + what)
for role in ("interactions", "items", "users"):
    i = m["inputs"][role]
    fact(f"manifest: inputs.{role}: recipe_sha256 and matches_recipe false",
         i.get("recipe_sha256") == "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229"
         and i.get("matches_recipe") is False and i.get("sha256") == real)
PY
# a recipe whose digest is the file's: no warning, matches_recipe true
pin_recipe movielens ml-100k "$T/m/ml-100k.zip" "$T/r"
check_exit 0 "--raw the recipe's own file" "$L4R" convert movielens --recipes "$T/r" --variant ml-100k --raw "$T/m/ml-100k.zip" -o "$T/o2"
check_nogrep "no warning when the digest matches" "is not the file the recipe knows" "$T/.err"
check_grep "manifest: matches_recipe true" '"matches_recipe": true' "$T/o2/manifest.json"
# the variant's only file, renamed: still compared (a download saved under another name)
cp "$T/m/ml-100k.zip" "$T/m/mine.zip"
check_exit 0 "--raw under another name" "$L4R" convert movielens --variant ml-100k --raw "$T/m/mine.zip" -o "$T/o3"
check_grep "the variant's only archive is compared under another name too" "is not the file the recipe knows as 'ml-100k.zip'" "$T/.err"
