# The offline demo end to end (what `make demo` runs): generate, mirror, fetch, convert --split seq.
. "$(dirname "$0")/../lib.sh"

export DEMO_DIR="$T/demo"
check_exit 0 "demo runs offline" sh "$TOP/scripts/demo.sh"
check_grep "demo prints the train rows" "train.tsv" "$T/.out"
o="$DEMO_DIR/movielens-ml-1m"
for f in train.tsv valid.tsv test.tsv items.tsv manifest.json; do
  check "demo wrote $f" test -s "$o/$f"
done
check "manifest.source records the verified download" python3 -c '
import json,sys,hashlib
m=json.load(open(sys.argv[1]))
src=m["source"]["files"][0]
assert src["name"]=="ml-1m.zip"
assert src["sha256"]==hashlib.sha256(open(sys.argv[2],"rb").read()).hexdigest()
assert "url" not in src
' "$o/manifest.json" "$DEMO_DIR/mirror/files.grouplens.org/datasets/movielens/ml-1m.zip"
check "every user with >= 3 ratings has one valid and one test row" python3 -c '
import sys,collections
def rows(f): return [l.rstrip("\n").split("\t") for l in open(f)][1:]
tr,va,te=(rows(sys.argv[1]+"/"+n) for n in ("train.tsv","valid.tsv","test.tsv"))
n=collections.Counter(r[0] for r in tr+va+te)
vu=collections.Counter(r[0] for r in va); tu=collections.Counter(r[0] for r in te)
for u,c in n.items():
    want=1 if c>=3 else 0
    assert vu[u]==want and tu[u]==want,(u,c)
' "$o"
check_exit 0 "verify accepts the demo output" "$L4R" verify "$o"
# a second run of the same commands gives the same bytes (manifest included)
cp -r "$o" "$T/first"
check_exit 0 "demo runs again" sh "$TOP/scripts/demo.sh"
for f in train.tsv valid.tsv test.tsv items.tsv manifest.json; do
  check_same "same bytes on a second run: $f" "$T/first/$f" "$o/$f"
done

# what the demo says (issue 17): synthetic data, the commands as they ran, next steps, no noise
sh "$TOP/scripts/demo.sh" >"$T/demo.out" 2>"$T/demo.err"
cat "$T/demo.out" "$T/demo.err" >"$T/demo.all"
check_grep "demo says the data is synthetic" "SYNTHETIC data" "$T/demo.out"
check_grep "demo shows the fetch as it ran (recipes, data dir, mirror)" "^\$ $L4R --recipes $DEMO_DIR/recipes --data-dir $DEMO_DIR/data fetch movielens/ml-1m --mirror file://$DEMO_DIR/mirror$" "$T/demo.out"
check_grep "demo shows the convert as it ran" "^\$ $L4R --recipes $DEMO_DIR/recipes --data-dir $DEMO_DIR/data convert movielens/ml-1m --split seq -o $DEMO_DIR/movielens-ml-1m$" "$T/demo.out"
# the shown commands are the real ones: run the convert line as printed, into another directory
line=$(grep "^\$ .* convert " "$T/demo.out" | sed -e 's/^\$ //' -e "s|-o $DEMO_DIR/movielens-ml-1m|-o $T/again|")
check "the printed convert command runs as printed" sh -c "$line -q"
check_same "and gives the demo's train.tsv" "$T/again/train.tsv" "$DEMO_DIR/movielens-ml-1m/train.tsv"
check_nogrep "no 'use --force to fetch again' noise" "use --force" "$T/demo.all"
check_grep "next steps: a real fetch" "^    $L4R fetch movielens/ml-1m$" "$T/demo.out"
check_grep "next steps: stats on the output" "^    $L4R stats $DEMO_DIR/movielens-ml-1m$" "$T/demo.out"
for lib in 'pd\.read_csv(' 'pl\.read_csv(' 'duckdb\.sql('; do
  want=$(grep -m1 "^$lib" "$TOP/docs/FORMAT.md")
  check_eq "docs/FORMAT.md has a $lib loader" "$( [ -n "$want" ] && echo yes)" "yes"
  check_eq "next steps: the FORMAT.md loader $lib" "$(grep -F -x -c "    $want" "$T/demo.out")" "1"
done
check_eq "the demo ends with the next steps" "$(tail -1 "$T/demo.out" | grep -c 'docs/MANUAL.md')" "1"
