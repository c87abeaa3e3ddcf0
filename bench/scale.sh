#!/bin/sh
# bench/scale.sh — `make bench-scale`: how time and peak memory of `convert --split seq` grow with
# the number of rows, up to a billion (MicroLens scale), without a memory budget (the default) and,
# at the largest size, again with an explicit --memory, whose outputs must be the same bytes.
#
# Inputs: `l4r-gen ml25m-ratings --rows N` compressed with `igzip -1` (a billion rows is 27 GB of
# CSV; gzip keeps the input, the 24 GB of sorted runs and the 27 GB of output on one disk), cached
# in SCALE_OUT.  Environment: BUILD (build), SCALE_ROWS ("1000000 10000000 100000000 1000000000"),
# SCALE_OUT (bench/out/scale), SCALE_MEMORY (3G: the explicit budget of the identity run),
# SCALE_KEEP=1 (keep the outputs).  Results: SCALE_OUT/results.md (also printed).  Disk: about 60 GB
# free for the billion-row size.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
L4R=${L4R:-$BUILD/llm4rec-data}
GEN=${GEN:-$BUILD/l4r-gen}
ROWS=${SCALE_ROWS:-1000000 10000000 100000000 1000000000}
OUT=${SCALE_OUT:-$top/bench/out/scale}
MEM=${SCALE_MEMORY:-3G}
mkdir -p "$OUT"
note() { printf 'scale: %s\n' "$*" >&2; }
for f in "$L4R" "$GEN"; do
  [ -x "$f" ] || { note "missing $f (run 'make' first)"; exit 1; }
done
command -v igzip >/dev/null 2>&1 || { note "needs igzip (Debian package isal)"; exit 1; }
[ -x /usr/bin/time ] || { note "needs GNU time (Debian package time)"; exit 1; }

# digests OUTDIR: the outputs' sha256 as manifest.json records them, one line
digests() {
  /usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
o = m["outputs"]
items = o.items() if isinstance(o, dict) else [(x.get("path", ""), x) for x in o]
print(" ".join(sorted(str(v.get("sha256")) for k, v in items)))' "$1"
}
spill_of() {
  /usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1] + "/manifest.json")).get("spill")
print("none" if not s else "%d runs, %.1f GB, budget %.2f GiB" % (s["runs"], s["bytes"] / 1e9, s["memory_budget"] / 2**30))' "$1"
}
# run N OPTS...: one convert --split seq of the N-row input; prints "wall user sys rss_kb"
run() {
  n=$1; shift
  rm -rf "$OUT/o-$n"
  sync
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" "$L4R" convert movielens --variant ml-25m \
    --raw "$OUT/r$n/ratings.csv.gz" -o "$OUT/o-$n" --split seq -q "$@" >/dev/null 2>>"$OUT/log" ||
    { note "convert of $n rows failed (see $OUT/log)"; exit 1; }
  tail -1 "$OUT/time.txt"
}

RES="$OUT/results.md"
{
  echo "# convert --split seq from 1M rows up ($(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo -))"
  echo
  echo "- machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM; input: \`l4r-gen ml25m-ratings --rows N | igzip -1\`"
  echo "- command: \`llm4rec-data convert movielens --variant ml-25m --raw ratings.csv.gz -o OUT --split seq\` (no --memory)"
  echo
  echo "| rows | input (gzip, MB) | wall (s) | user (s) | sys (s) | peak RSS (MB) | ns per row | spill |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$RES"
last=""
for n in $ROWS; do
  mkdir -p "$OUT/r$n"
  if [ ! -s "$OUT/r$n/ratings.csv.gz" ]; then
    note "generating $n rows"
    "$GEN" ml25m-ratings --rows "$n" -o /dev/stdout | igzip -1 -c >"$OUT/r$n/ratings.csv.gz.part" &&
      mv "$OUT/r$n/ratings.csv.gz.part" "$OUT/r$n/ratings.csv.gz" || { note "could not generate $n rows"; exit 1; }
  fi
  note "$n rows"
  set -- $(run "$n")
  gz=$(wc -c <"$OUT/r$n/ratings.csv.gz" | tr -d ' ')
  awk -v n="$n" -v gz="$gz" -v w="$1" -v u="$2" -v s="$3" -v m="$4" -v sp="$(spill_of "$OUT/o-$n")" \
    'BEGIN { printf "| %s | %.0f | %s | %s | %s | %.0f | %.0f | %s |\n", n, gz / 1e6, w, u, s, m / 1024, w * 1e9 / n, sp }' >>"$RES"
  last=$n
  [ -n "${SCALE_KEEP:-}" ] || { digests "$OUT/o-$n" >"$OUT/o-$n.sha"; rm -rf "$OUT/o-$n"; }
done
if [ -n "$last" ]; then
  [ -s "$OUT/o-$last.sha" ] || digests "$OUT/o-$last" >"$OUT/o-$last.sha"
  note "$last rows again with --memory $MEM"
  set -- $(run "$last" --memory "$MEM")
  digests "$OUT/o-$last" >"$OUT/o-$last.mem.sha"
  same=differ
  cmp -s "$OUT/o-$last.sha" "$OUT/o-$last.mem.sha" && same="the same bytes (sha256 of every output)"
  {
    echo
    echo "With \`--memory $MEM\` at $last rows: $1 s wall, peak RSS $(($4 / 1024)) MB, spill $(spill_of "$OUT/o-$last"); outputs: $same as without."
  } >>"$RES"
  [ -n "${SCALE_KEEP:-}" ] || rm -rf "$OUT/o-$last"
  [ "$same" = differ ] && { cat "$RES"; note "outputs differ with --memory $MEM"; exit 1; }
fi
cat "$RES"
