# tests/lib.sh — helpers for the shell tests (sourced).  Every check prints one PASS/FAIL line;
# tests/run.sh counts them.  Variables: L4R (the binary), GEN (the fixture generator), T (a fresh
# temporary directory removed at exit), HERE (the tests/ directory).
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
TOP=$(cd "$HERE/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$TOP/$BUILD" ;; esac
L4R=${L4R:-$BUILD/llm4rec-data}
GEN=${GEN:-$BUILD/l4r-gen}
# tests/py/l4r_expect.py: the TSV contract for the expected files the tests write in python
export PYTHONPATH="$HERE/py${PYTHONPATH:+:$PYTHONPATH}"
T=$(mktemp -d "${TMPDIR:-/tmp}/l4r-test.XXXXXX")
export LLM4REC_DATA_HOME="$T/home"
unset LLM4REC_DATA_MIRROR
trap 'rm -rf "$T"' EXIT
_name=$(basename "$0")

pass() { echo "PASS $_name: $*"; }
fail() { echo "FAIL $_name: $*"; }

# check "description" command...   -- passes when the command exits 0
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then pass "$d"; else fail "$d"; fi; }
# check_not "description" command... -- passes when the command exits non-zero
check_not() { local d=$1; shift; if "$@" >/dev/null 2>&1; then fail "$d"; else pass "$d"; fi; }
# check_exit CODE "description" command...
check_exit() {
  local want=$1 d=$2; shift 2
  "$@" >"$T/.out" 2>"$T/.err"; local got=$?
  if [ "$got" = "$want" ]; then pass "$d"; else fail "$d (exit $got, want $want; stderr: $(head -c 300 "$T/.err"))"; fi
}
# check_eq "description" ACTUAL EXPECTED
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi; }
# check_same "description" FILE1 FILE2  -- byte-for-byte equal
check_same() { if cmp -s "$2" "$3"; then pass "$1"; else fail "$1 ($2 differs from $3: $(diff "$2" "$3" 2>&1 | head -5 | tr '\n' ' '))"; fi; }
# check_grep "description" PATTERN FILE
check_grep() { if grep -q -- "$2" "$3" 2>/dev/null; then pass "$1"; else fail "$1 (no '$2' in $3: $(head -c 300 "$3" 2>/dev/null))"; fi; }
check_nogrep() { if grep -q -- "$2" "$3" 2>/dev/null; then fail "$1 ('$2' found in $3)"; else pass "$1"; fi; }
# demo_mirror: l4r-gen's ml-1m.zip in a file:// mirror at $T/mirror (grouplens' path) and
# $T/recipes/movielens.json from scripts/demo-recipe.json pinned to it, with a second variant
# "sample2" of the same file.
demo_mirror() {
  _m="$T/mirror/files.grouplens.org/datasets/movielens"
  mkdir -p "$_m" "$T/recipes" "$T/gen"
  "$GEN" movielens ml-1m "$T/gen" >/dev/null
  mv "$T/gen/ml-1m.zip" "$_m/ml-1m.zip"
  python3 - "$TOP/scripts/demo-recipe.json" "$_m/ml-1m.zip" "$T/recipes/movielens.json" <<'PY'
import hashlib, json, sys
text = open(sys.argv[1]).read()
data = open(sys.argv[2], "rb").read()
text = text.replace("@SHA256@", hashlib.sha256(data).hexdigest()).replace("@SIZE@", str(len(data)))
r = json.loads(text)
r["variants"]["sample2"] = dict(r["variants"]["ml-1m"], description="the same sample, a second variant")
json.dump(r, open(sys.argv[3], "w"), indent=1)
PY
}

# pin_recipe DATASET VARIANT FILE DIR: DIR/DATASET.json is recipes/DATASET.json with every file of
# VARIANT given FILE's SHA-256 (and no md5), so that FILE is "the published source" under
# --recipes DIR.
pin_recipe() {
  mkdir -p "$4"
  python3 - "$TOP/recipes/$1.json" "$2" "$3" "$4/$1.json" <<'PY'
import hashlib, json, sys
r = json.load(open(sys.argv[1]))
real = hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
for f in r["variants"][sys.argv[2]]["files"]:
    f["sha256"] = real
    f.pop("md5", None)
json.dump(r, open(sys.argv[4], "w"))
PY
}
