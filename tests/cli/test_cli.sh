# CLI tests of the command layer: help, version, usage errors, message style, closed pipes.
. "$(dirname "$0")/../lib.sh"

check_exit 0 "--version" "$L4R" --version
check_grep "--version prints the version" "^llm4rec-data [0-9]" "$T/.out"
check_exit 0 "--help" "$L4R" --help
check_grep "--help lists convert" "convert" "$T/.out"
check_grep "--help lists the exit codes" "130 interrupted" "$T/.out"
for c in list info fetch convert stats verify; do
  check_exit 0 "$c --help exits 0" "$L4R" "$c" --help
  check_grep "$c --help prints usage on stdout" "usage: llm4rec-data $c" "$T/.out"
  check_exit 0 "help $c" "$L4R" help "$c"
  check_grep "help $c = $c --help" "usage: llm4rec-data $c" "$T/.out"
done
check_exit 2 "no command -> exit 2" "$L4R"
check_exit 2 "unknown command -> exit 2" "$L4R" frobnicate
check_grep "unknown command message style" "^llm4rec-data: unknown command 'frobnicate'" "$T/.err"
check_exit 2 "unknown global option -> exit 2" "$L4R" --frob list
check_exit 0 "global options before the command" "$L4R" -q --data-dir "$T/d" list
check_exit 0 "global options after the command" "$L4R" list --data-dir "$T/d" -q
# a reader that closes the pipe early is not an error
out=$("$L4R" list 2>"$T/pipe.err" | head -1)
check_eq "list | head -1 prints one line" "$(printf '%s\n' "$out" | wc -l)" "1"
check_nogrep "no 'cannot write' message on a closed pipe" "cannot write" "$T/pipe.err"
# stdout carries data only: info to a file has no 'llm4rec-data:' message lines
"$L4R" info movielens >"$T/info.out" 2>"$T/info.err"
check_nogrep "info stdout holds no messages" "^llm4rec-data:" "$T/info.out"
check_grep "info shows the ml-1m md5" "c4d9eecfca2ab87c1945afe126590906" "$T/info.out"
