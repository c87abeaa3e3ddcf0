#!/bin/sh
# bench/run.sh — `make bench`: llm4rec-data against its peers on generated, upstream-shaped inputs.
#
#   A  ML-25M-shaped ratings.csv (25,000,095 rows) -> interactions.tsv
#   B  Amazon-2018-shaped reviews .json.gz (2,000,000 lines) -> interactions.tsv
#   C  leave-one-out (seq) split of the A input -> train/valid/test.tsv (runs when `--split seq` works)
#   D  Steam v2 steam_reviews.json.gz (Python-2 literals, 500,000 lines) -> interactions.tsv
#   E  MIND small/train behaviors.tsv (156,965 impressions: the real size) -> the clicks, exploded
#   F  Yelp-JSON.zip (a gzip tar inside a zip, 2,000,000 reviews) -> interactions.tsv
#
# A, B and C run on the inputs of two generators written apart (BENCH_GENS, default "l4r alt"):
# build/l4r-gen, and bench/gen_alt.py (Python: other key order, \uXXXX escapes, texts that
# compress 5:1, shuffled users, integer ratings; B also in the Amazon 2014 and 2023 shapes at
# gzip levels 9 and 1), each its own table, so that a fast path only one generator's data takes
# shows up as a gap between them.
# Each row runs BENCH_RUNS times (default 3), the rows of a task in turn (round-robin, so the
# machine's drift falls on all of them alike; round r starts with row r, so that every row
# follows every other as often; `sync` before each run):
# median wall time (ms resolution), peak RSS (max over runs, GNU time's %M), MB/s of (uncompressed)
# input, ratio peer time / llm4rec-data time, every run's time in round order, and -j 1 / -j N round
# by round ("n/a" for a round with a run too short to time).
# Every output is line-counted; a tool whose output has the wrong number of lines is flagged.
# Inputs are generated once by build/l4r-gen and cached in bench/out/ (gitignored).  Missing peers
# are installed without prompting (Debian packages, npm into bench/node_modules); a peer that
# cannot be installed shows up as "not available" instead of failing the run.
#
# Environment: BUILD (build dir, default build), BENCH_RUNS (3), BENCH_ROWS (25000095),
# BENCH_AMZ_LINES (2000000), BENCH_STEAM_LINES (500000), BENCH_MIND_LINES (156965),
# BENCH_YELP_LINES (2000000), BENCH_JOBS (nproc), BENCH_TASKS ("A B C D E F"), BENCH_OUT (bench/out),
# BENCH_GENS ("l4r alt": the generators of A, B and C's inputs),
# BENCH_NO_INSTALL=1 (do not install peers), BENCH_SKIP ("duckdb polars pandas mawk": peers to leave out).  Results: bench/out/results.md (also printed).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
L4R=${L4R:-$BUILD/llm4rec-data}
GEN=${GEN:-$BUILD/l4r-gen}
RUNS=${BENCH_RUNS:-3}
ROWS=${BENCH_ROWS:-25000095}
LINES=${BENCH_AMZ_LINES:-2000000}
NPROC=$(nproc 2>/dev/null || echo 1)
JOBS=${BENCH_JOBS:-$NPROC}
TASKS=${BENCH_TASKS:-A B C D E F}
GENS=${BENCH_GENS:-l4r alt}
STEAM=${BENCH_STEAM_LINES:-500000}
MIND=${BENCH_MIND_LINES:-156965}
YELP=${BENCH_YELP_LINES:-2000000}
OUT=${BENCH_OUT:-$top/bench/out}
PY=/usr/bin/python3
NODE_DIR="$top/bench"
mkdir -p "$OUT"
REV=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo -)
RES="$OUT/results.tsv"
LOG="$OUT/bench.log"
: >"$RES"
: >"$LOG"

note() { printf 'bench: %s\n' "$*" >&2; }

for f in "$L4R" "$GEN"; do
  [ -x "$f" ] || { note "missing $f (run 'make' first)"; exit 1; }
done

# --- peers ------------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
apt_updated=0
apt_install() {
  [ -n "${BENCH_NO_INSTALL:-}" ] && return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  note "installing $*"
  if [ $apt_updated = 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >>"$LOG" 2>&1 && return 0
    apt_updated=1
    $SUDO apt-get update -q >>"$LOG" 2>&1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$@" >>"$LOG" 2>&1
}
[ -x /usr/bin/time ] || apt_install time
command -v mawk >/dev/null 2>&1 || apt_install mawk
command -v igzip >/dev/null 2>&1 || apt_install isal
"$PY" -c 'import pandas' >/dev/null 2>&1 || apt_install python3-pandas
command -v node >/dev/null 2>&1 || apt_install nodejs npm
node_ok() { [ -d "$NODE_DIR/node_modules/$1" ] && command -v node >/dev/null 2>&1; }
if ! node_ok @duckdb/node-api || ! node_ok nodejs-polars || ! node_ok nodejs-polars-linux-x64-gnu; then
  if [ -z "${BENCH_NO_INSTALL:-}" ] && command -v npm >/dev/null 2>&1; then
    note "installing DuckDB and Polars (npm) into bench/node_modules"
    (cd "$NODE_DIR" && npm install --no-audit --no-fund --no-package-lock) >>"$LOG" 2>&1
  fi
fi
HAVE_TIME=0; [ -x /usr/bin/time ] && HAVE_TIME=1
HAVE_DUCKDB=0; node_ok @duckdb/node-api && HAVE_DUCKDB=1
HAVE_POLARS=0; node_ok nodejs-polars && node_ok nodejs-polars-linux-x64-gnu && HAVE_POLARS=1
HAVE_PANDAS=0; "$PY" -c 'import pandas' >/dev/null 2>&1 && HAVE_PANDAS=1
HAVE_MAWK=0; command -v mawk >/dev/null 2>&1 && HAVE_MAWK=1
HAVE_IGZIP=0; command -v igzip >/dev/null 2>&1 && HAVE_IGZIP=1
# BENCH_SKIP="pandas polars": leave peers out (listed as skipped), e.g. to repeat a row quickly.
skipped() { case " ${BENCH_SKIP:-} " in *" $1 "*) return 0 ;; esac; return 1; }
skipped duckdb && HAVE_DUCKDB=0
skipped polars && HAVE_POLARS=0
skipped pandas && HAVE_PANDAS=0
skipped mawk && HAVE_MAWK=0

# --- inputs (cached) ----------------------------------------------------------------------------
# gen_input PATH COMMAND: run COMMAND (writing "$PATH.part") once; later runs reuse PATH.
gen_input() {
  [ -s "$1" ] && return 0
  note "generating $1"
  sh -c "$2" && mv "$1.part" "$1" || { note "could not generate $1"; exit 1; }
}
ALT="$PY $top/bench/gen_alt.py"
# csv_of GEN: the ratings CSV of generator GEN (A and C)
csv_of() {
  case $1 in
  l4r) echo "$OUT/ml25m-ratings-$ROWS.csv" ;;
  alt) echo "$OUT/alt-ratings-$ROWS.csv" ;;
  esac
}
for g in $GENS; do
  case $g in
  l4r) gen_input "$(csv_of l4r)" "'$GEN' ml25m-ratings --rows $ROWS -o '$(csv_of l4r).part'" ;;
  alt) case " $TASKS " in *" A "* | *" C "*)
    gen_input "$(csv_of alt)" "$ALT ratings $ROWS '$(csv_of alt).part'" ;; esac ;;
  *) note "BENCH_GENS: unknown generator '$g' (l4r, alt)"; exit 1 ;;
  esac
done
CSV=$(csv_of l4r)
# The JSON inputs of B, one line each: tag, path, variant, DuckDB task, title.
JSONS="$OUT/json-inputs"
: >"$JSONS"
case " $TASKS " in *" B "*)
  for g in $GENS; do
    case $g in
    l4r)
      j="$OUT/amazon2018-reviews-$LINES.json.gz"
      gen_input "$j" "'$GEN' amazon 2018 reviews --lines $LINES --gzip -o '$j.part'"
      printf 'B\t%s\t2018/Video_Games_5\tjson\tAmazon 2018 reviews .json.gz from l4r-gen (gzip -6)\n' "$j" >>"$JSONS" ;;
    alt)
      for spec in "2018 6 json.gz 2018/Video_Games_5 json" "2014 9 json.gz 2014/reviews_Video_Games_5 json" \
        "2023 1 jsonl.gz 2023/Video_Games json2023"; do
        set -- $spec
        j="$OUT/alt-amazon$1-L$2-$LINES.$3"
        gen_input "$j" "$ALT amazon$1 $LINES '$j.part' --level $2"
        printf 'B-alt%s\t%s\t%s\t%s\tAmazon %s reviews .%s from bench/gen_alt.py (gzip -%s)\n' "$1" "$j" "$4" "$5" "$1" "$3" "$2" >>"$JSONS"
      done ;;
    esac
  done
  while IFS=$(printf '\t') read -r tag j rest; do
    [ -s "$j.size" ] || gzip -dc "$j" | wc -c | tr -d ' ' >"$j.size"
  done <"$JSONS" ;;
esac

# --- measuring ----------------------------------------------------------------------------------
# count_lines PATH: lines of a file, or data lines (without one header each) of a directory's .tsv
count_lines() {
  if [ -d "$1" ]; then
    n=0; h=0
    for f in "$1"/train.tsv "$1"/valid.tsv "$1"/test.tsv; do
      [ -f "$f" ] || continue
      n=$((n + $(wc -l <"$f"))); h=$((h + 1))
    done
    echo $((n - h))
  elif [ -f "$1" ]; then
    wc -l <"$1" | tr -d ' '
  else
    echo 0
  fi
}

# measure TASK NAME BYTES EXPECTED_LINES OUTPUT_PATH COMMAND
#   queues a row; run_rows then runs the queued rows of a task in rounds, one run of each row per
#   round (A B C A B C ...), so that the machine's drift over the minutes of a task (this is a
#   shared VM) falls on every row alike instead of on whichever row ran while it was busy.
#   COMMAND is run with sh -c; $W is a fresh work directory, removed after each run.
#   EXPECTED_LINES "-" = nothing to check (floors writing to /dev/null).
Q="$OUT/queue"
measure() {
  printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" >>"$Q"
}

# na TASK NAME WHY: a row that is not measured, in its place in the table.
na() {
  why=$3
  skipped "$(echo "$2" | cut -d' ' -f1 | tr 'A-Z' 'a-z')" && why="skipped (BENCH_SKIP)"
  printf 'na\t%s\t%s\t%s\n' "$1" "$2" "$why" >>"$Q"
}

# Wall time in ms from `date +%s%N` around the run (GNU time's %e has 10 ms steps, and a tiny
# test input runs in less); without %N support, GNU time's %e, else whole seconds.
NS=0
case $(date +%s%N 2>/dev/null) in '' | *[!0-9]*) ;; *) NS=1 ;; esac
stamp() { if [ $NS = 1 ]; then date +%s%N; else date +%s; fi; }
# secs T0 T1: the time between two stamps as seconds with three decimals
secs() {
  if [ $NS = 1 ]; then d=$((($2 - $1) / 1000000)); else d=$((($2 - $1) * 1000)); fi
  printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# one_run K TASK NAME WANT OUTP CMD: run row K once; its times, peak RSS and status go to $Q.K.*
one_run() {
  qk=$1 task=$2 name=$3 want=$4 outp=$5 cmd=$6
  W="$OUT/work"
  rm -rf "$W"; mkdir -p "$W"
  export W
  if [ $HAVE_TIME = 1 ]; then
    s0=$(stamp)
    sync
    /usr/bin/time -f '%e %M' -o "$OUT/time.txt" sh -c "$cmd" </dev/null >>"$LOG" 2>&1
    rc=$?
    s1=$(stamp)
    t=$(tail -1 "$OUT/time.txt" | cut -d' ' -f1); m=$(tail -1 "$OUT/time.txt" | cut -d' ' -f2)
    [ $NS = 1 ] && t=$(secs "$s0" "$s1")
  else
    sync
    s0=$(stamp)
    sh -c "$cmd" </dev/null >>"$LOG" 2>&1
    rc=$?
    t=$(secs "$s0" "$(stamp)"); m=0
  fi
  if [ $rc != 0 ]; then
    echo "failed (exit $rc, see bench/out/bench.log)" >"$Q.$qk.st"
    echo "[$task $name] exit $rc" >>"$LOG"
    return
  fi
  echo "$t" >>"$Q.$qk.t"
  echo "[$task $name] $t s, $m KB" >>"$LOG"
  rss=$(cat "$Q.$qk.m" 2>/dev/null || echo 0)
  [ "$m" -gt "$rss" ] 2>/dev/null && echo "$m" >"$Q.$qk.m"
  if [ "$want" != - ]; then
    got=$(count_lines "$W/$outp")
    [ "$got" = "$want" ] || echo "WRONG OUTPUT: $got lines, want $want" >"$Q.$qk.st"
  fi
}

# row K: the fields of the queue's K-th line, in kind task name bytes want outp cmd (for an na
# row, bytes holds the reason).
row() {
  IFS=$(printf '\t') read -r kind task name bytes want outp cmd <<EOF_ROW
$(sed -n "${1}p" "$Q")
EOF_ROW
}

# run_rows INPUT: the queued rows, BENCH_RUNS rounds, then their lines in results.tsv; empties the
# queue.  INPUT is read once first, so that the first run of round 1 does not read it from disk
# while every later run finds it in the page cache.
run_rows() {
  cat "$1" >/dev/null
  qn=$(wc -l <"$Q" | tr -d ' ')
  # Every row takes its turn going first: round r runs rows r, r+1, ..., qn, 1, ..., r-1, so that
  # each row follows each other row as often.  In a fixed order a row would always run right after
  # the same one, and on this VM what ran just before can matter (memory a big peer has just freed
  # is slow to touch again, docs/PERFORMANCE.md).
  round=0
  while [ $round -lt "$RUNS" ]; do
    round=$((round + 1))
    k=0
    while [ $k -lt "$qn" ]; do
      k=$((k + 1))
      qk=$(((k - 1 + round - 1) % qn + 1))
      row "$qk"
      [ "$kind" = run ] || continue
      [ -s "$Q.$qk.st" ] && grep -q '^failed' "$Q.$qk.st" && continue
      note "$task: $name (round $round of $RUNS)"
      one_run "$qk" "$task" "$name" "$want" "$outp" "$cmd"
    done
  done
  rm -rf "$OUT/work"
  qk=0
  while [ $qk -lt "$qn" ]; do
    qk=$((qk + 1))
    row "$qk"
    if [ "$kind" = na ]; then
      printf '%s\t%s\t-\t0\t0\t%s\t-\n' "$task" "$name" "$bytes" >>"$RES"
      continue
    fi
    status=ok
    [ "$want" = - ] && status="(no output to check)"
    [ -s "$Q.$qk.st" ] && status=$(cat "$Q.$qk.st")
    med=$(cat "$Q.$qk.t" 2>/dev/null | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}')
    runs=$(cat "$Q.$qk.t" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$task" "$name" "$med" "$(cat "$Q.$qk.m" 2>/dev/null || echo 0)" "$bytes" "$status" "${runs:--}" >>"$RES"
    rm -f "$Q.$qk.t" "$Q.$qk.m" "$Q.$qk.st"
  done
  : >"$Q"
}
rm -f "$Q".*
: >"$Q"
# The table titles: task id, title (the report reads them; tasks not listed get the built-in one).
TITLES="$OUT/titles.tsv"
: >"$TITLES"
title() { printf '%s\t%s\n' "$1" "$2" >>"$TITLES"; }

B="$NODE_DIR"
# gen_name GEN: how a table title names the generator
gen_name() { case $1 in l4r) echo "build/l4r-gen" ;; alt) echo "bench/gen_alt.py" ;; esac; }
# tid TASK GEN: the task id of GEN's table (l4r keeps the plain letter)
tid() { if [ "$2" = l4r ]; then echo "$1"; else echo "$1-$2"; fi; }

case " $TASKS " in *" A "*)
  for g in $GENS; do
  want=$((ROWS + 1)) # (run_rows sets want: again for each input)
  CSV=$(csv_of "$g"); A=$(tid A "$g")
  CSV_BYTES=$(wc -c <"$CSV" | tr -d ' ')
  title "$A" "$A: ratings.csv ($ROWS rows, $(gen_name "$g")) -> interactions.tsv"
  measure "$A" "llm4rec-data -j $JOBS" "$CSV_BYTES" $want o/interactions.tsv \
    "'$L4R' convert movielens --variant ml-25m --raw '$CSV' -o \"\$W/o\" -j $JOBS -q"
  for j in 1 2; do
    [ $j = "$JOBS" ] && continue
    measure "$A" "llm4rec-data -j $j" "$CSV_BYTES" $want o/interactions.tsv \
      "'$L4R' convert movielens --variant ml-25m --raw '$CSV' -o \"\$W/o\" -j $j -q"
  done
  if [ $HAVE_DUCKDB = 1 ]; then
    measure "$A" "DuckDB COPY (read_csv -> TSV)" "$CSV_BYTES" $want out.tsv \
      "node '$B/peers.mjs' duckdb csv '$CSV' \"\$W/out.tsv\" $JOBS"
  else na "$A" "DuckDB" "not available (npm @duckdb/node-api could not be installed)"; fi
  if [ $HAVE_POLARS = 1 ]; then
    measure "$A" "Polars read_csv + write_csv" "$CSV_BYTES" $want out.tsv \
      "node '$B/peers.mjs' polars csv '$CSV' \"\$W/out.tsv\""
  else na "$A" "Polars" "not available (npm nodejs-polars could not be installed)"; fi
  if [ $HAVE_PANDAS = 1 ]; then
    measure "$A" "pandas read_csv + to_csv" "$CSV_BYTES" $want out.tsv \
      "'$PY' '$B/peers.py' csv '$CSV' \"\$W/out.tsv\""
  else na "$A" "pandas" "not available (python3-pandas could not be installed)"; fi
  if [ $HAVE_MAWK = 1 ]; then
    measure "$A" "mawk -F, OFS=tab" "$CSV_BYTES" $want out.tsv \
      "mawk -F, -v OFS='\t' 'NR == 1 { print \"user_id\", \"item_id\", \"rating\", \"timestamp\"; next } { \$1 = \$1; print }' '$CSV' >\"\$W/out.tsv\""
  else na "$A" "mawk" "not available"; fi
  measure "$A" "floor: tr , '\\t'" "$CSV_BYTES" $want out.tsv "tr , '\t' <'$CSV' >\"\$W/out.tsv\""
  run_rows "$CSV"
  done
  ;;
esac

case " $TASKS " in *" B "*)
  while IFS=$(printf '\t') read -r Bt JSON VAR DTASK TTL; do
  want=$((LINES + 1))
  JB=$(cat "$JSON.size")
  title "$Bt" "$Bt: $TTL, $LINES lines -> interactions.tsv (MB/s of uncompressed JSON)"
  measure "$Bt" "llm4rec-data -j $JOBS" "$JB" $want o/interactions.tsv \
    "'$L4R' convert amazon --variant $VAR --raw '$JSON' -o \"\$W/o\" -j $JOBS -q"
  [ "$JOBS" != 1 ] && measure "$Bt" "llm4rec-data -j 1" "$JB" $want o/interactions.tsv \
    "'$L4R' convert amazon --variant $VAR --raw '$JSON' -o \"\$W/o\" -j 1 -q"
  if [ $HAVE_DUCKDB = 1 ]; then
    measure "$Bt" "DuckDB COPY (read_json -> TSV)" "$JB" $want out.tsv \
      "node '$B/peers.mjs' duckdb $DTASK '$JSON' \"\$W/out.tsv\" $JOBS"
  else na "$Bt" "DuckDB" "not available"; fi
  # Polars and pandas on the first input only (their columns are the 2014/2018 ones; pandas takes
  # minutes a run)
  if [ "$Bt" = B ] && [ $HAVE_POLARS = 1 ]; then
    measure "$Bt" "Polars read_ndjson (node zlib inflate) + write_csv" "$JB" $want out.tsv \
      "node '$B/peers.mjs' polars json '$JSON' \"\$W/out.tsv\""
  elif [ "$Bt" = B ]; then na "$Bt" "Polars" "not available"; fi
  if [ "$Bt" = B ] && [ $HAVE_PANDAS = 1 ]; then
    measure "$Bt" "pandas read_json(lines, gzip) + to_csv" "$JB" $want out.tsv \
      "'$PY' '$B/peers.py' json '$JSON' \"\$W/out.tsv\""
  elif [ "$Bt" = B ]; then na "$Bt" "pandas" "not available"; fi
  if [ $HAVE_IGZIP = 1 ]; then
    measure "$Bt" "floor: igzip -dc > /dev/null" "$JB" - - "igzip -dc '$JSON' >/dev/null"
  else na "$Bt" "floor: igzip" "not available (Debian isal)"; fi
  measure "$Bt" "floor: gzip -dc > /dev/null" "$JB" - - "gzip -dc '$JSON' >/dev/null"
  run_rows "$JSON"
  done <"$JSONS"
  ;;
esac

case " $TASKS " in *" C "*)
  # Enabled once `--split seq` works: probe it on a small file of the same shape first.
  probe="$OUT/probe"
  rm -rf "$probe"; mkdir -p "$probe"
  "$GEN" ml25m-ratings --rows 60000 -o "$probe/r.csv" 2>>"$LOG"
  if "$L4R" convert movielens --variant ml-25m --raw "$probe/r.csv" -o "$probe/o" --split seq -q >>"$LOG" 2>&1 &&
    [ "$(count_lines "$probe/o")" = 60000 ]; then
    for g in $GENS; do
    CSV=$(csv_of "$g"); C=$(tid C "$g")
    CSV_BYTES=$(wc -c <"$CSV" | tr -d ' ')
    title "$C" "$C: seq (leave-one-out) split of ratings.csv ($ROWS rows, $(gen_name "$g")) -> train/valid/test.tsv"
    measure "$C" "llm4rec-data --split seq -j $JOBS" "$CSV_BYTES" "$ROWS" o \
      "'$L4R' convert movielens --variant ml-25m --raw '$CSV' -o \"\$W/o\" --split seq -j $JOBS -q"
    if [ $HAVE_DUCKDB = 1 ]; then
      measure "$C" "DuckDB row_number() OVER (PARTITION BY userId ORDER BY timestamp DESC)" "$CSV_BYTES" "$ROWS" o \
        "node '$B/peers.mjs' duckdb split '$CSV' \"\$W/o\" $JOBS"
    else na "$C" "DuckDB" "not available"; fi
    # pandas on the first generator's input only (minutes a run)
    if [ "$C" = C ] && [ $HAVE_PANDAS = 1 ]; then
      measure "$C" "pandas sort_values(kind=stable) + groupby().cumcount()" "$CSV_BYTES" "$ROWS" o \
        "'$PY' '$B/peers.py' split '$CSV' \"\$W/o\""
    elif [ "$C" = C ]; then na "$C" "pandas" "not available"; fi
    run_rows "$CSV"
    done
  else
    na C "llm4rec-data --split seq" "skipped: '--split seq' does not work yet"
    run_rows "$(csv_of l4r)"
  fi
  rm -rf "$probe"
  ;;
esac

case " $TASKS " in *" D "*)
  SJ="$OUT/steam-reviews-$STEAM.json.gz"
  if [ ! -s "$SJ" ]; then
    note "generating $SJ"
    "$GEN" steam reviews --lines "$STEAM" --gzip -o "$SJ.part" && mv "$SJ.part" "$SJ" || exit 1
  fi
  [ -s "$SJ.size" ] || gzip -dc "$SJ" | wc -c | tr -d ' ' >"$SJ.size"
  SB=$(cat "$SJ.size")
  want=$((STEAM + 1))
  measure D "llm4rec-data -j $JOBS" "$SB" $want o/interactions.tsv \
    "'$L4R' convert steam --raw '$SJ' -o \"\$W/o\" -j $JOBS -q"
  [ "$JOBS" != 1 ] && measure D "llm4rec-data -j 1" "$SB" $want o/interactions.tsv \
    "'$L4R' convert steam --raw '$SJ' -o \"\$W/o\" -j 1 -q"
  if [ $HAVE_PANDAS = 1 ]; then
    measure D "python ast.literal_eval per line + pandas (the published scripts)" "$SB" $want out.tsv \
      "'$PY' '$B/peers.py' steam '$SJ' \"\$W/out.tsv\""
  else na D "pandas" "not available"; fi
  na D "DuckDB, Polars" "cannot read Python literals (single quotes, u'' strings, True/None)"
  run_rows "$SJ"
  ;;
esac

case " $TASKS " in *" E "*)
  MD="$OUT/mind-$MIND"
  if [ ! -s "$MD/behaviors.tsv" ]; then
    note "generating $MD"
    rm -rf "$MD"; mkdir -p "$MD"
    "$GEN" mind small train "$MD" --lines "$MIND" && (cd "$MD" && unzip -q -o MINDsmall_train.zip behaviors.tsv) || exit 1
  fi
  MB=$(wc -c <"$MD/behaviors.tsv" | tr -d ' ')
  # the clicks: entries ending in -1, one output row each
  want=$(awk -F'\t' '{ n = split($5, a, " "); for (i = 1; i <= n; i++) if (a[i] ~ /-1$/) c++ } END { print c + 1 }' "$MD/behaviors.tsv")
  measure E "llm4rec-data -j $JOBS" "$MB" "$want" o/interactions.tsv \
    "'$L4R' convert mind --variant small/train --raw '$MD/behaviors.tsv' -o \"\$W/o\" -j $JOBS -q"
  [ "$JOBS" != 1 ] && measure E "llm4rec-data -j 1" "$MB" "$want" o/interactions.tsv \
    "'$L4R' convert mind --variant small/train --raw '$MD/behaviors.tsv' -o \"\$W/o\" -j 1 -q"
  if [ $HAVE_DUCKDB = 1 ]; then
    measure E "DuckDB unnest(string_split) + strptime" "$MB" "$want" out.tsv \
      "node '$B/peers.mjs' duckdb mind '$MD/behaviors.tsv' \"\$W/out.tsv\" $JOBS"
  else na E "DuckDB" "not available"; fi
  if [ $HAVE_PANDAS = 1 ]; then
    measure E "pandas read_csv + str.split + explode + to_datetime" "$MB" "$want" out.tsv \
      "'$PY' '$B/peers.py' mind '$MD/behaviors.tsv' \"\$W/out.tsv\""
  else na E "pandas" "not available"; fi
  run_rows "$MD/behaviors.tsv"
  ;;
esac

case " $TASKS " in *" F "*)
  YD="$OUT/yelp-$YELP"
  if [ ! -s "$YD/Yelp-JSON.zip" ]; then
    note "generating $YD"
    rm -rf "$YD"; mkdir -p "$YD"
    "$GEN" yelp json "$YD" --lines "$YELP" || exit 1
  fi
  # DuckDB gets the review JSON extracted beforehand (it cannot read a tar inside a zip; the
  # extraction is not timed, which favours it)
  if [ ! -s "$YD/review.json" ]; then
    "$PY" -c '
import sys, tarfile, zipfile, shutil
z = zipfile.ZipFile(sys.argv[1])
inner = next(n for n in z.namelist() if n.endswith("yelp_dataset.tar") and not n.startswith("__MACOSX"))
with z.open(inner) as raw, tarfile.open(fileobj=raw, mode="r|gz") as t:
    for m in t:
        if m.name.endswith("yelp_academic_dataset_review.json"):
            shutil.copyfileobj(t.extractfile(m), open(sys.argv[2], "wb"))
            break' "$YD/Yelp-JSON.zip" "$YD/review.json" || exit 1
  fi
  YB=$(wc -c <"$YD/review.json" | tr -d ' ')
  want=$(($(wc -l <"$YD/review.json") + 1))
  measure F "llm4rec-data -j $JOBS (reads the zip)" "$YB" "$want" o/interactions.tsv \
    "'$L4R' convert yelp --raw '$YD/Yelp-JSON.zip' -o \"\$W/o\" -j $JOBS -q --accept-license"
  [ "$JOBS" != 1 ] && measure F "llm4rec-data -j 1 (reads the zip)" "$YB" "$want" o/interactions.tsv \
    "'$L4R' convert yelp --raw '$YD/Yelp-JSON.zip' -o \"\$W/o\" -j 1 -q --accept-license"
  measure F "llm4rec-data -j $JOBS (on the extracted review JSON)" "$YB" "$want" o/interactions.tsv \
    "'$L4R' convert yelp --raw '$YD/review.json' -o \"\$W/o\" -j $JOBS -q --accept-license"
  if [ $HAVE_DUCKDB = 1 ]; then
    measure F "DuckDB read_json (on the extracted review JSON)" "$YB" "$want" out.tsv \
      "node '$B/peers.mjs' duckdb yelp '$YD/review.json' \"\$W/out.tsv\" $JOBS"
  else na F "DuckDB" "not available"; fi
  # what a DuckDB user runs on the zip: extract the review file (tar stops at it), then read_json
  if [ $HAVE_DUCKDB = 1 ]; then
    measure F "unzip -p | tar xzf -O review.json > file, then DuckDB read_json (reads the zip)" "$YB" "$want" out.tsv \
      "unzip -p '$YD/Yelp-JSON.zip' 'Yelp JSON/yelp_dataset.tar' | tar xzf - -O --occurrence=1 yelp_academic_dataset_review.json >\"\$W/review.json\" && node '$B/peers.mjs' duckdb yelp \"\$W/review.json\" \"\$W/out.tsv\" $JOBS"
  fi
  if [ $HAVE_PANDAS = 1 ]; then
    measure F "pandas read_json(chunks) through zipfile + tarfile (reads the zip)" "$YB" "$want" out.tsv \
      "'$PY' '$B/peers.py' yelp '$YD/Yelp-JSON.zip' \"\$W/out.tsv\""
  else na F "pandas" "not available"; fi
  measure F "floor: unzip -p | gzip -dc > /dev/null (what extracting costs)" "$YB" - - \
    "unzip -p '$YD/Yelp-JSON.zip' 'Yelp JSON/yelp_dataset.tar' | gzip -dc >/dev/null"
  run_rows "$YD/Yelp-JSON.zip"
  ;;
esac

# --- report -------------------------------------------------------------------------------------
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
ver_duck=$(node -e "console.log(require('$B/node_modules/@duckdb/node-api/package.json').version)" 2>/dev/null || echo -)
ver_pl=$(node -e "console.log(require('$B/node_modules/nodejs-polars/package.json').version)" 2>/dev/null || echo -)
ver_pd=$("$PY" -c 'import pandas; print(pandas.__version__)' 2>/dev/null || echo -)
{
  echo "# llm4rec-data benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $NPROC CPUs ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM"
  echo "- $("$L4R" --version 2>/dev/null | head -1) (git $REV at start); peers: DuckDB node-api $ver_duck, nodejs-polars $ver_pl, pandas $ver_pd, $(mawk -W version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- runs per measurement: $RUNS (median wall time; peak RSS = max over runs)"
  echo "- command: \`BENCH_RUNS=$RUNS make bench\` (generators: $GENS; inputs: \`l4r-gen ml25m-ratings --rows $ROWS\`, \`gen_alt.py ratings $ROWS\`, \`l4r-gen amazon 2018 reviews --lines $LINES --gzip\`, \`gen_alt.py amazon2018|amazon2014|amazon2023 $LINES --level 6|9|1\`, \`l4r-gen steam reviews --lines $STEAM --gzip\`, \`l4r-gen mind small train DIR --lines $MIND\`, \`l4r-gen yelp json DIR --lines $YELP\`)"
  echo
  awk -F'\t' '
    FILENAME == tf { ttl[$1] = $2; next }
    function title(t) {
      if (t in ttl) return ttl[t]
      if (t == "D") return "D: Steam v2 steam_reviews.json.gz (" steam " lines of Python-2 literals) -> interactions.tsv (MB/s of uncompressed text)"
      if (t == "E") return "E: MIND small/train behaviors.tsv (" mind " impressions) -> the clicked entries, exploded"
      if (t == "F") return "F: Yelp-JSON.zip (gzip tar inside; " yelp " reviews) -> interactions.tsv (MB/s of the review JSON)"
      if (t == "A") return "A: ratings.csv (" rows " rows) -> interactions.tsv"
      if (t == "B") return "B: Amazon 2018 reviews .json.gz (" lines " lines) -> interactions.tsv (MB/s of uncompressed JSON)"
      return "C: seq (leave-one-out) split of the ratings -> train/valid/test.tsv"
    }
    { n_rows++; task[n_rows] = $1; name[n_rows] = $2; t[n_rows] = $3; rss[n_rows] = $4; bytes[n_rows] = $5
      st[n_rows] = $6; runs[n_rows] = $7
      if (!($1 in ref) && $2 ~ /^llm4rec-data/ && $3 != "-") { ref[$1] = $3; refrow[$1] = n_rows }
      if ($2 == "llm4rec-data -j 1") j1row[$1] = n_rows }
    # ROW against the first llm4rec-data row (-j N) of its task, round by round: both ran in the
    # same round, so the drift of the machine between rounds cancels out.
    function paired1(row, tk,    a, b, n, m, i, j, r, s, k, z, tmp, med) {
      n = split(runs[row], a, " "); m = split(runs[refrow[tk]], b, " ")
      if (n != m || n == 0) return
      # A run that measured 0.000 s (a tiny test input) has no ratio: its round shows "n/a", the
      # median is over the other rounds, and the line says why.
      s = ""; k = 0; z = 0
      for (i = 1; i <= n; i++) {
        if (a[i] <= 0 || b[i] <= 0) { s = s (i > 1 ? ", " : "") "n/a"; z = 1; continue }
        r[++k] = a[i] / b[i]; s = s sprintf("%s%.2f", i > 1 ? ", " : "", r[k])
      }
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (r[j] < r[i]) { tmp = r[i]; r[i] = r[j]; r[j] = tmp }
      med = k ? sprintf("%.2fx", r[int((k + 1) / 2)]) : "n/a"
      printf "%s / %s, round by round: %s (median %s)%s\n", name[row], name[refrow[tk]], s, med,
        z ? "; n/a: a run took under 1 ms, too short to time" : ""
    }
    # The paired lines of a task: -j 1 first, then every other measured row.
    function paired(tk,    i) {
      if (!(tk in refrow)) return
      printf "\n"
      if ((tk in j1row) && j1row[tk] != refrow[tk]) paired1(j1row[tk], tk)
      for (i = 1; i <= n_rows; i++)
        if (task[i] == tk && i != refrow[tk] && i != j1row[tk] && t[i] != "-") paired1(i, tk)
    }
    END {
      for (i = 1; i <= n_rows; i++) {
        if (task[i] != cur) {
          if (cur != "") paired(cur)
          cur = task[i]
          printf "\n## %s\n\n| tool | median wall (s) | peak RSS (MB) | MB/s | time / llm4rec-data | output | runs (s), round by round |\n|---|---:|---:|---:|---:|---|---|\n", title(cur)
        }
        mbs = (t[i] != "-" && t[i] > 0) ? sprintf("%.0f", bytes[i] / 1e6 / t[i]) : "-"
        ratio = (t[i] != "-" && (task[i] in ref) && ref[task[i]] > 0) ? sprintf("%.2fx", t[i] / ref[task[i]]) : "-"
        mem = rss[i] > 0 ? sprintf("%.0f", rss[i] / 1024) : "-"
        printf "| %s | %s | %s | %s | %s | %s | %s |\n", name[i], t[i], mem, mbs, ratio, st[i], runs[i]
      }
      if (cur != "") paired(cur)
    }' rows="$ROWS" lines="$LINES" steam="$STEAM" mind="$MIND" yelp="$YELP" tf="$TITLES" "$TITLES" "$RES"
} >"$OUT/results.md"
cat "$OUT/results.md"
