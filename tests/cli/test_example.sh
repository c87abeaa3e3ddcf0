#!/bin/sh
# tests/cli/test_example.sh — the library's example program (docs/examples/convert_one.c), built by
# `make example` from include/llm4rec_data.h and the static library alone, converts a generated
# MovieLens archive exactly as `llm4rec-data convert --raw` does: same files byte for byte, same
# manifest apart from the command line, the counts the CLI reports.  Also checks that the command
# layer reaches the library through the public header only.
. "$(dirname "$0")/../lib.sh"
EX=${EXAMPLE:-$BUILD/examples/convert_one}
F="$T/fx"
mkdir -p "$F"

# --- the example uses the public header only --------------------------------------------------
check "example binary was built (make example)" test -x "$EX"
check_eq "the example includes no project header but llm4rec_data.h" \
  "$(grep '^#include "' "$TOP/docs/examples/convert_one.c" | grep -v '"llm4rec_data.h"')" ""
# Compiling it with -Iinclude alone proves no internal header is reachable (the Makefile rule does
# the same; this catches a rule that grows -Isrc).
if command -v "${CC:-cc}" >/dev/null 2>&1; then
  check "the example compiles with -Iinclude only" "${CC:-cc}" -std=c11 -fsyntax-only -I"$TOP/include" \
    "$TOP/docs/examples/convert_one.c"
fi
bad=$(cd "$TOP/src" && grep -l '^#include "' main.c cmd_*.c cmd_common.h | while read -r f; do
  grep '^#include "' "$f" | grep -v -e '"cmd_common.h"' -e '"llm4rec_data.h"' | sed "s|^|$f: |"
done)
check_eq "the commands include only cmd_common.h (and it only llm4rec_data.h)" "$bad" ""
check_eq "cmd_common.h includes only the public header of the project" \
  "$(grep '^#include "' "$TOP/src/cmd_common.h")" '#include "llm4rec_data.h"'

# --- the example converts like the CLI ----------------------------------------------------------
"$GEN" movielens ml-1m "$F" >/dev/null || fail "fixture generation"
compare_runs() { # NAME CLI-ARGS... -- EXAMPLE-ARGS...
  name=$1; shift
  cli_args=""; while [ "$1" != "--" ]; do cli_args="$cli_args $1"; shift; done; shift
  # shellcheck disable=SC2086
  "$L4R" -q convert movielens --variant ml-1m --raw "$F/ml-1m.zip" -o "$T/cli-$name" $cli_args >/dev/null 2>"$T/.err"
  check_eq "$name: the CLI converts" "$?" 0
  "$EX" movielens/ml-1m "$F/ml-1m.zip" "$T/ex-$name" "$@" >"$T/ex-$name.out" 2>"$T/.err"
  check_eq "$name: the example converts (stderr: $(head -c 200 "$T/.err"))" "$?" 0
  for f in "$T/cli-$name"/*.tsv; do
    check_same "$name: $(basename "$f") equals the CLI's" "$f" "$T/ex-$name/$(basename "$f")"
  done
  check_eq "$name: the same files as the CLI" "$(ls "$T/ex-$name")" "$(ls "$T/cli-$name")"
  check "$name: manifest.json equals the CLI's but for the command line" python3 -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a.pop("command", None); b.pop("command", None)
sys.exit(a != b)' "$T/cli-$name/manifest.json" "$T/ex-$name/manifest.json"
}

compare_runs plain -j2 -- jobs=2
n=$("$L4R" stats "$T/cli-plain" | awk -F'\t' '$1 == "interactions" {print $2}')
items=$(($(wc -l <"$T/cli-plain/items.tsv") - 1))
check_eq "plain: the example prints the CLI's counts" "$(cat "$T/ex-plain.out")" "$(printf 'interactions\t%s\nitems\t%s' "$n" "$items")"
check_eq "plain: and they are not empty" "$([ "${n:-0}" -gt 0 ] && [ "$items" -gt 0 ] && echo yes)" yes

compare_runs stages -j1 --kcore 5 --split seq --remap --format tsv,sequences -- \
  jobs=1 kcore=5 split=seq remap format=tsv,sequences
# the count reported after stages is what they kept (it used to be what was parsed)
kept=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["interactions"])' "$T/cli-stages/manifest.json")
parsed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stages"]["input"]["interactions"])' "$T/cli-stages/manifest.json")
check_eq "stages: the k-core removed some interactions" "$([ "$kept" -lt "$parsed" ] && echo yes)" yes
check_grep "stages: the example prints the kept count" "^interactions	$kept\$" "$T/ex-stages.out"
"$L4R" convert movielens --raw "$F/ml-1m.zip" -o "$T/cli-stages2" --kcore 5 -j1 2>"$T/stages.err" >/dev/null
check_grep "stages: the CLI says the kept count" "converted movielens/ml-1m: $kept interactions" "$T/stages.err"

# --- errors are the library's, with the CLI's exit codes ---------------------------------------
check_exit 2 "a bad option value is a usage error" "$EX" movielens/ml-1m "$F/ml-1m.zip" "$T/x" dedup=sometimes
check_grep "naming the option and the allowed values" "dedup takes first, last or none, not 'sometimes'" "$T/.err"
check_exit 2 "an unknown option is a usage error" "$EX" movielens/ml-1m "$F/ml-1m.zip" "$T/x" colour=blue
check_grep "naming it" "colour: no such option" "$T/.err"
check_exit 6 "an unknown variant is a recipe error" "$EX" movielens/ml-7m "$F/ml-1m.zip" "$T/x"
check_exit 2 "the CLI says the same about a bad value" "$L4R" convert movielens --raw "$F/ml-1m.zip" -o "$T/x" --dedup sometimes
check_grep "as --dedup" "^llm4rec-data: --dedup takes first, last or none, not 'sometimes'" "$T/.err"
check_exit 2 "-j keeps its own name in messages" "$L4R" convert movielens --raw "$F/ml-1m.zip" -o "$T/x" -j 0
check_grep "as -j" "^llm4rec-data: -j takes a number from 1 to 1024, not '0'" "$T/.err"
check "nothing was written for the refused runs" test ! -e "$T/x"
