# CLI tests: make install into a temporary DESTDIR and make uninstall.  The installed binary runs
# from another directory with its built-in recipes; the man page renders without a warning and
# names every option every command's --help prints (parsed from --help, so an option added later
# without a man entry fails here); bash completion completes commands, datasets and variants; the
# zsh completion parses; pkg-config finds the library and docs/examples/convert_one.c compiles and
# links against the installed copy; make uninstall removes every file it installed.
. "$(dirname "$0")/../lib.sh"

D="$T/dest"
P=/usr/local
mk() { make --no-print-directory -s -C "$TOP" BUILD="$BUILD" PREFIX="$P" DESTDIR="$D" "$@"; }
check_exit 0 "make install PREFIX=$P DESTDIR=..." mk install
B="$D$P/bin/llm4rec-data"
for f in bin/llm4rec-data share/man/man1/llm4rec-data.1 share/bash-completion/completions/llm4rec-data \
  share/zsh/site-functions/_llm4rec-data include/llm4rec_data.h lib/libllm4rec_data.a \
  lib/pkgconfig/llm4rec-data.pc share/llm4rec-data/llm4rec-data.mk share/llm4rec-data/recipes/movielens.json; do
  check "installed $f" test -s "$D$P/$f"
done
check "the binary is executable" test -x "$B"
(cd "$D" && find . -type f | sort) >"$T/installed"
check_eq "every recipe is installed" "$(grep -c '/recipes/.*\.json$' "$T/installed")" "$(ls "$TOP"/recipes/*.json | wc -l | tr -d ' ')"

# the installed binary, from another directory, with no recipes around
mkdir -p "$T/elsewhere"
unset LLM4REC_RECIPES
check_exit 0 "installed binary: list from another directory" sh -c "cd '$T/elsewhere' && '$B' list"
check_grep "list names movielens/ml-1m" "$(printf 'movielens\tml-1m')" "$T/.out"
check_exit 0 "installed binary: info movielens from another directory" sh -c "cd '$T/elsewhere' && '$B' info movielens"
check_grep "info shows the ml-1m URL" "files.grouplens.org/datasets/movielens/ml-1m.zip" "$T/.out"
"$B" list >"$T/list.builtin"
"$B" --recipes "$D$P/share/llm4rec-data/recipes" list >"$T/list.shared"
check_same "the installed recipes are the built-in ones" "$T/list.builtin" "$T/list.shared"

# the man page renders without a warning (groff -ww; mandoc -T lint when installed)
MAN="$D$P/share/man/man1/llm4rec-data.1"
groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.err" 2>&1
check_eq "groff -ww renders the man page without a warning" "$(cat "$T/groff.err")" ""
if command -v mandoc >/dev/null 2>&1; then
  mandoc -T lint -W warning "$MAN" >"$T/mandoc.err" 2>&1
  check_eq "mandoc -T lint: no warning" "$(cat "$T/mandoc.err")" ""
fi
check_exit 0 "man -l renders it" sh -c "MANWIDTH=80 man -l '$MAN' | grep -q 'EXIT STATUS'"

# every option of every --help is in the man page
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN" >"$T/man.txt"
"$B" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' >"$T/commands"
check "--help lists commands" test "$(wc -l <"$T/commands")" -ge 8
missing=
for c in '' $(cat "$T/commands"); do
  "$B" $c --help >"$T/help.txt" 2>&1
  opts=$( (grep -o -- '--[a-z][a-z-]*' "$T/help.txt"; grep -o -E '^ +-[a-zA-Z]([, ]|$)' "$T/help.txt" | tr -d ' ,') | sort -u)
  for o in $opts; do
    grep -q -e "$o\\([^a-z-]\\|\$\\)" "$T/man.txt" || missing="$missing ${c:-llm4rec-data}:$o"
  done
  [ -z "$c" ] || grep -q "^\\.SS $c\\b" "$T/man.txt" || missing="$missing section:$c"
done
check_eq "every command and every option of every --help is in the man page" "$missing" ""
for code in 0 1 2 3 4 5 6 7 8 9 10 11 130; do
  grep -q "^\\.B $code\$" "$T/man.txt" || missing="$missing exit:$code"
done
for v in LLM4REC_DATA_HOME LLM4REC_DATA_MIRROR LLM4REC_DATA_LOCK LLM4REC_RECIPES LLM4REC_LIBCURL; do
  grep -q "$v" "$T/man.txt" || missing="$missing env:$v"
done
check_eq "every exit code and environment variable is in the man page" "$missing" ""

# bash completion: commands, datasets, variants, options
if command -v bash >/dev/null 2>&1; then
  comp() { # comp WORD... : the completions of the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _llm4rec_data; printf "%s\n" "${COMPREPLY[@]}"' \
      _ "$D$P/share/bash-completion/completions/llm4rec-data" "$B" "$@" | sort | tr '\n' ' '
  }
  check_eq "bash: commands" "$(comp conv)" "convert "
  check_eq "bash: all commands" "$(comp '' | wc -w | tr -d ' ')" "$(wc -l <"$T/commands" | tr -d ' ')"
  check_eq "bash: datasets" "$(comp fetch movie)" "movielens "
  check_eq "bash: DATASET/VARIANT" "$(comp fetch movielens/ml-1)" "movielens/ml-100k movielens/ml-10m movielens/ml-1m "
  check_eq "bash: --variant" "$(comp convert movielens --variant ml-2)" "ml-20m ml-25m "
  check_eq "bash: options" "$(comp convert movielens --spl)" "--split "
  check_eq "bash: cache clean" "$(comp cache cl)" "clean "
else
  fail "bash is needed for the completion test"
fi
if command -v zsh >/dev/null 2>&1; then
  check_exit 0 "zsh -n parses the zsh completion" zsh -n "$D$P/share/zsh/site-functions/_llm4rec-data"
else
  fail "zsh is needed for the zsh completion test (apt-get install zsh)"
fi

# pkg-config and the example against the installed library
PCP="$D$P/lib/pkgconfig"
check_exit 0 "pkg-config knows llm4rec-data" env PKG_CONFIG_PATH="$PCP" pkg-config --exists llm4rec-data
flags=$(PKG_CONFIG_PATH="$PCP" pkg-config --define-variable=prefix="$D$P" --cflags --libs --static llm4rec-data)
check_grep "pkg-config --libs names the library" "-lllm4rec_data" "$(printf '%s' "$flags" >"$T/flags"; echo "$T/flags")"
check_grep "pkg-config --cflags points into the install" "-I$D$P/include" "$T/flags"
check_grep "Libs.private: -ldl (libcurl is loaded at run time)" "-ldl" "$T/flags"
check_nogrep "libcurl is not linked" "-lcurl" "$T/flags"
# a sanitizer build (make check-asan / check-tsan) installs a library that needs its runtime
san=""
if nm "$D$P/lib/libllm4rec_data.a" 2>/dev/null | grep -q " U __asan_"; then san="-fsanitize=address,undefined"
elif nm "$D$P/lib/libllm4rec_data.a" 2>/dev/null | grep -q " U __tsan_"; then san="-fsanitize=thread"; fi
check_exit 0 "convert_one.c compiles and links against the installed static library" \
  sh -c "${CC:-cc} -std=c11 $san -o '$T/convert_one' '$TOP/docs/examples/convert_one.c' $flags"
check "the example runs" sh -c "'$T/convert_one' >/dev/null 2>&1; test \$? -ne 127"

# the Makefile rules are the ones in the repository
check_same "llm4rec-data.mk installed" "$D$P/share/llm4rec-data/llm4rec-data.mk" "$TOP/llm4rec-data.mk"

check_exit 0 "make uninstall" mk uninstall
check_eq "make uninstall removes every installed file" "$(cd "$D" && find . -type f | wc -l | tr -d ' ')" "0"
