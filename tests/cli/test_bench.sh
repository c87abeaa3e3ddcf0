#!/bin/sh
# tests/cli/test_bench.sh — `make bench`'s script on tiny inputs, with every peer left out and
# nothing installed: the order rows run in (every row takes its turn going first), the
# results table (medians, the runs of each row round by round, the output line check) and the
# paired lines (-j 1 / -j N and every peer / -j N), always there (with "n/a" for a run too short to time; a `date` shim
# fixes the clock to check both forms).  It measures nothing: only the bookkeeping is checked.
. "$(dirname "$0")/../lib.sh"
O="$T/bench"
run_bench() {
  BENCH_GENS=${GENS:-l4r} BUILD="$BUILD" BENCH_OUT="$O" BENCH_ROWS=3000 BENCH_AMZ_LINES=200 BENCH_JOBS=2 \
    BENCH_NO_INSTALL=1 BENCH_SKIP="duckdb polars pandas mawk" "$TOP/bench/run.sh" >"$T/bench.out" 2>"$T/bench.err"
}
BENCH_RUNS=3 BENCH_TASKS=A run_bench
check_eq "bench exits 0" "$?" 0
check "bench writes results.md" test -s "$O/results.md"

# The rows' runs, in the order they ran (bench.log keeps one line per run).
sed -n 's/^\[A \(.*\)\] [0-9.]* s, [0-9]* KB$/\1/p' "$O/bench.log" |
  sed 's/^llm4rec-data -j \([12]\)$/j\1/; s/^floor: tr.*/tr/' | tr '\n' ' ' >"$T/order"
check_eq "every row takes its turn going first" "$(cat "$T/order")" "j2 j1 tr j1 tr j2 tr j2 j1 "

R="$O/results.md"
check_grep "table has the runs column" "| runs (s), round by round |" "$R"
# Every measured row lists three runs, and its median is the middle one.
awk -F'|' '/^\| (llm4rec-data|floor)/ {
    n = split($8, r, " "); if (n != 3) { print "runs: " $0; bad = 1; next }
    for (i = 1; i <= 3; i++) for (k = i + 1; k <= 3; k++) if (r[k] + 0 < r[i] + 0) { t = r[i]; r[i] = r[k]; r[k] = t }
    m = $3; gsub(/ /, "", m); if (m + 0 != r[2] + 0) { print "median: " $0; bad = 1 }
    rows++ }
  END { if (rows != 3) { print "rows: " rows; bad = 1 }; exit bad }' "$R" >"$T/awk.out"
check_eq "three rows, three runs each, median is the middle run ($(head -c 200 "$T/awk.out"))" "$?" 0
check_grep "llm4rec-data output line-checked ok" "| llm4rec-data -j 1 | .* | ok |" "$R"
# The paired line is always there: a ratio per round, or "n/a" for a round whose run was too short
# to time (this input takes a few ms, so either can happen; both are pinned down below).
RT='([0-9]+\.[0-9]{2}|n/a)'
PAIRED="^llm4rec-data -j 1 / llm4rec-data -j 2, round by round: $RT, $RT, $RT \(median ([0-9]+\.[0-9]{2}x|n/a)\)(; n/a: a run took under 1 ms, too short to time)?\$"
if grep -Eq "$PAIRED" "$R"; then pass "paired -j 1 / -j 2 line"; else fail "paired -j 1 / -j 2 line ($(grep 'round by round:' "$R"))"; fi
PEER="^floor: tr , '.t' / llm4rec-data -j 2, round by round: $RT, $RT, $RT \(median ([0-9]+\.[0-9]{2}x|n/a)\)"
if grep -Eq "$PEER" "$R"; then pass "paired floor / -j 2 line"; else fail "paired floor / -j 2 line ($(grep 'round by round:' "$R"))"; fi
check_grep "skipped peers are listed as skipped" "| DuckDB | - | - | - | - | skipped (BENCH_SKIP) |" "$R"

# A row whose output has the wrong number of lines is flagged: a `tr` that drops the first line
# when it is the floor's (`tr , TAB`), and is the real one for the script's own uses.
mkdir -p "$T/bin"
realtr=$(command -v tr)
cat >"$T/bin/tr" <<EOF
#!/bin/sh
if [ "\$1" = , ]; then "$realtr" "\$@" | sed 1d; else exec "$realtr" "\$@"; fi
EOF
chmod +x "$T/bin/tr"
PATH="$T/bin:$PATH" BENCH_RUNS=1 BENCH_TASKS=A run_bench
check_grep "a short output is flagged" "floor: tr .* WRONG OUTPUT: 3000 lines, want 3001" "$R"
if grep -Eq "round by round: $RT \(median ([0-9]+\.[0-9]{2}x|n/a)\)" "$R"; then pass "one round: the paired line has one ratio"; else fail "one round: the paired line has one ratio ($(grep 'round by round:' "$R"))"; fi

# Each task reads its input once before the first round (into the page cache, so that the first
# run does not pay for the disk): a `cat` that notes in bench.log when it reads the CSV.
realcat=$(command -v cat)
cat >"$T/bin/cat" <<EOF2
#!/bin/sh
case "\$1" in *.csv) echo "[cat \$1]" >>"$O/bench.log" ;; esac
exec "$realcat" "\$@"
EOF2
chmod +x "$T/bin/cat"
rm -f "$T/bin/tr"
PATH="$T/bin:$PATH" BENCH_RUNS=2 BENCH_TASKS=A run_bench
grep -E '^\[(cat .*\.csv|A .*)\]' "$O/bench.log" | sed 's/^\[cat .*/cat/; s/^\[A .*/run/' | tr '\n' ' ' >"$T/order"
check_eq "the input is read once, before the first run" "$(cat "$T/order")" "cat run run run run run run "

# The clock, made deterministic with a `date` whose +%s%N (what the script times runs with) is a
# counter: every run first takes 7 ms (each ratio 1.00), then 0 ms (no ratio: "n/a" and the
# reason, where the script used to leave the line out).
rm -f "$T/bin/cat"
cat >"$T/bin/date" <<EOF3
#!/bin/sh
[ "\$1" = +%s%N ] || exec "$(command -v date)" "\$@"
n=\$(cat "$T/clock" 2>/dev/null || echo 1700000000000000000)
echo \$((n + \$(cat "$T/step"))) >"$T/clock"
echo "\$n"
EOF3
chmod +x "$T/bin/date"
echo 7000000 >"$T/step"
PATH="$T/bin:$PATH" BENCH_RUNS=3 BENCH_TASKS=A run_bench
check_grep "7 ms runs are timed in ms" "| llm4rec-data -j 1 | 0.007 |" "$R"
check_grep "7 ms runs: a ratio every round" "^llm4rec-data -j 1 / llm4rec-data -j 2, round by round: 1.00, 1.00, 1.00 (median 1.00x)$" "$R"
echo 0 >"$T/step"
PATH="$T/bin:$PATH" BENCH_RUNS=3 BENCH_TASKS=A run_bench
check_eq "0 ms runs: bench exits 0" "$?" 0
check_grep "0 ms runs: the paired line says n/a and why" "^llm4rec-data -j 1 / llm4rec-data -j 2, round by round: n/a, n/a, n/a (median n/a); n/a: a run took under 1 ms, too short to time$" "$R"

# The second generator (bench/gen_alt.py): A, B and C get a table on its input too; its JSON is
# gzip (by the name, also when written as NAME.part) and the same bytes every time.
rm -f "$T/bin/date"
GENS="l4r alt" BENCH_RUNS=1 BENCH_TASKS="A B" run_bench
check_eq "two generators: bench exits 0" "$?" 0
check_grep "A on gen_alt.py's input" "^## A-alt: ratings.csv (3000 rows, bench/gen_alt.py)" "$R"
check_grep "B on gen_alt.py's 2023 shape" "^## B-alt2023: Amazon 2023 reviews .jsonl.gz from bench/gen_alt.py (gzip -1)" "$R"
n_ok=$(grep -c '^| llm4rec-data -j 2 | .* | ok |' "$R")
check_eq "llm4rec-data's output checked ok on all six inputs (2 CSV, 4 JSON)" "$n_ok" 6
check "gen_alt.py's JSON is gzip" gzip -t "$O/alt-amazon2014-L9-200.json.gz"
/usr/bin/python3 "$TOP/bench/gen_alt.py" amazon2018 300 "$T/g1.json" --seed 3
/usr/bin/python3 "$TOP/bench/gen_alt.py" amazon2018 300 "$T/g2.json" --seed 3
check "gen_alt.py is deterministic" cmp -s "$T/g1.json" "$T/g2.json"
check_grep "gen_alt.py writes \\u escapes" '\\u00' "$T/g1.json"

# bench/scale.sh (make bench-scale) on two tiny sizes: a table row per size, and the identity run
# with an explicit --memory at the largest, whose outputs must be the same bytes.
SO="$T/scale"
SCALE_ROWS="2000 50000" SCALE_OUT="$SO" SCALE_MEMORY=1M BUILD="$BUILD" "$TOP/bench/scale.sh" >"$T/scale.out" 2>"$T/scale.err"
check_eq "scale.sh exits 0 ($(tail -2 "$T/scale.err" | tr '\n' ' '))" "$?" 0
check_eq "scale.sh: a row per size" "$(grep -c '^| [0-9]' "$SO/results.md")" 2
check_grep "scale.sh: --memory 1M spills at 50000 rows and gives the same bytes" \
  "With \`--memory 1M\` at 50000 rows: .* spill [0-9]* runs.* outputs: the same bytes" "$SO/results.md"
