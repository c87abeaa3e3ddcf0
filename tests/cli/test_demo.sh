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
