#!/bin/sh
# make demo — the whole job offline: generate a MovieLens-1M-shaped sample (deterministic, in the
# exact upstream zip layout), publish it on a local file:// mirror laid out like `wget -x`, fetch it
# through the mirror (download, verify SHA-256, unpack), convert it with --split seq, and say where
# the outputs are.  Nothing touches the network or your real data directory.  It says the data is
# synthetic, prints each command exactly as it runs it (with its --recipes, --data-dir and
# --mirror), and ends with the next steps: the real fetch, stats, the loaders of docs/FORMAT.md.
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

# Each command is printed as it really runs (the binary, --recipes, --data-dir, --mirror), so it can
# be pasted back; arguments with spaces or shell characters are quoted.
show() {
  printf '$'
  for a in "$@"; do
    case "$a" in
      *[!A-Za-z0-9_./:=@%+,-]*) printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" ;;
      *) printf ' %s' "$a" ;;
    esac
  done
  printf '\n'
}
run() { show "$@"; "$@"; }

out="$D/movielens-ml-1m"
echo "This demo runs offline on SYNTHETIC data: a small generated sample in the exact layout of"
echo "MovieLens 1M (ml-1m.zip), not GroupLens data; its numbers mean nothing.  It is served from a local mirror ($D/mirror, laid out like"
echo "wget -x), described by a recipe with its checksum ($D/recipes), and kept in a data"
echo "directory of its own ($D/data): neither the network nor your data directory is touched."
echo
echo "== fetch: download through the mirror, verify size and SHA-256, unpack"
run "$L4R" --recipes "$D/recipes" --data-dir "$D/data" fetch movielens/ml-1m --mirror "file://$D/mirror"
echo
echo "== convert: leave-one-out split (last item of each user to test, second last to valid)"
run "$L4R" --recipes "$D/recipes" --data-dir "$D/data" convert movielens/ml-1m --split seq -o "$out"
echo
echo "outputs in $out:"
for f in train.tsv valid.tsv test.tsv items.tsv manifest.json; do
  p="$out/$f"
  case "$f" in
    *.tsv) printf '  %-14s %8d rows\n' "$f" "$(($(wc -l < "$p") - 1))" ;;
    *) printf '  %-14s %8d bytes\n' "$f" "$(wc -c < "$p")" ;;
  esac
done
echo
echo "first rows of train.tsv:"
head -4 "$out/train.tsv" | sed 's/^/  /'
echo
echo "next steps:"
echo "  the real MovieLens 1M (about 6 MB from files.grouplens.org, into your data directory):"
echo "    $L4R fetch movielens/ml-1m"
echo "    $L4R convert movielens/ml-1m --split seq"
echo "  describe an output (users, items, density, history lengths, time span):"
echo "    $L4R stats $out"
echo "  load it (docs/FORMAT.md, \"Loading\"), with p = \"$out/train.tsv\":"
for lib in 'pd\.read_csv(' 'pl\.read_csv(' 'duckdb\.sql('; do
  grep -m1 "^$lib" "$top/docs/FORMAT.md" | sed 's/^/    /'
done
echo "  everything else: $L4R --help, docs/MANUAL.md"
