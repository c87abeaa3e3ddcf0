#!/bin/sh
# make demo — the whole job offline: generate a MovieLens-1M-shaped sample (deterministic, in the
# exact upstream zip layout), publish it on a local file:// mirror laid out like `wget -x`, fetch it
# through the mirror (download, verify SHA-256, unpack), convert it with --split seq, and say where
# the outputs are.  Nothing touches the network or your real data directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
L4R="$BUILD/llm4rec-data"
GEN="$BUILD/l4r-gen"
D=${DEMO_DIR:-$top/demo}
rm -rf "$D"
mkdir -p "$D/gen" "$D/mirror/files.grouplens.org/datasets/movielens" "$D/recipes"

"$GEN" movielens ml-1m "$D/gen" >/dev/null
mv "$D/gen/ml-1m.zip" "$D/mirror/files.grouplens.org/datasets/movielens/ml-1m.zip"
zip="$D/mirror/files.grouplens.org/datasets/movielens/ml-1m.zip"
sha=$(sha256sum "$zip" | cut -d' ' -f1)
size=$(wc -c < "$zip" | tr -d ' ')
sed -e "s/@SHA256@/$sha/" -e "s/@SIZE@/$size/" "$top/scripts/demo-recipe.json" > "$D/recipes/movielens.json"

echo "== llm4rec-data fetch movielens   (through the local mirror file://$D/mirror)"
"$L4R" --recipes "$D/recipes" --data-dir "$D/data" fetch movielens --mirror "file://$D/mirror"
echo
echo "== llm4rec-data convert movielens --split seq -o $D/movielens-ml-1m"
"$L4R" --recipes "$D/recipes" --data-dir "$D/data" convert movielens --split seq -o "$D/movielens-ml-1m"
echo
echo "outputs in $D/movielens-ml-1m:"
for f in train.tsv valid.tsv test.tsv items.tsv manifest.json; do
  p="$D/movielens-ml-1m/$f"
  case "$f" in
    *.tsv) printf '  %-14s %8d rows\n' "$f" "$(($(wc -l < "$p") - 1))" ;;
    *) printf '  %-14s %8d bytes\n' "$f" "$(wc -c < "$p")" ;;
  esac
done
echo
echo "first rows of train.tsv:"
head -4 "$D/movielens-ml-1m/train.tsv" | sed 's/^/  /'
