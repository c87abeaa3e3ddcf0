#!/bin/sh
# tests/fault/dataloss.sh — convert -o DIR replaces DIR only when DIR is provably its own output:
# a manifest.json written by llm4rec-data (tool and format version) and exactly the files that
# manifest lists.  Anything else is refused with exit 8 and a message naming DIR, and every file in
# DIR stays as it was.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fault/fault.inc"
corpus big 200
TSV="$C/tsv/r.tsv"
conv() { run "$L4R" --recipes "$R" convert big --variant tsv --raw "$TSV" -q -o "$1"; }
check_exit 0 "a reference output" conv "$T/ref"

# refused DIR LABEL: convert -o DIR exits 8, names DIR, and leaves DIR byte for byte as it was
refused() {
  (cd "$1" && find . -type f -exec sha256sum {} + | sort -k2) > "$T/before"
  check_exit 8 "$2: convert -o refuses (exit 8)" conv "$1"
  check_grep "$2: the message names the directory" "$1" "$T/.err"
  (cd "$1" 2>/dev/null && find . -type f -exec sha256sum {} + | sort -k2) > "$T/after"
  check_same "$2: every file is still there, unchanged" "$T/after" "$T/before"
  check_clean "$2: no temporaries left" "$T"
}

# the issue's case: a web project with its own manifest.json
mkdir -p "$T/victim/src"
echo '{"name": "my-web-app", "version": "1.0.0", "dependencies": {}}' > "$T/victim/manifest.json"
echo 'console.log("precious");' > "$T/victim/src/code.js"
refused "$T/victim" "a foreign manifest.json"
check "a foreign manifest.json: src/code.js survives" test -f "$T/victim/src/code.js"

# our own manifest and outputs, plus a file the manifest does not list
cp -R "$T/ref" "$T/extra"
echo "my notes" > "$T/extra/notes.txt"
refused "$T/extra" "our output plus notes.txt"
cp -R "$T/ref" "$T/extradir"
mkdir -p "$T/extradir/runs" && echo "weights" > "$T/extradir/runs/model.pt"
refused "$T/extradir" "our output plus runs/model.pt"
# our manifest copied into a project that holds other files
mkdir -p "$T/copied/src"
cp "$T/ref/manifest.json" "$T/copied/"
echo 'int main(void) { return 0; }' > "$T/copied/src/main.c"
refused "$T/copied" "our manifest.json in another project"
# a manifest that says llm4rec-data but has no format version, listing the one file present
mkdir -p "$T/noversion"
printf 'user_id\titem_id\n' > "$T/noversion/interactions.tsv"
python3 -c '
import json, sys, hashlib
d = open(sys.argv[1] + "/interactions.tsv", "rb").read()
json.dump({"tool": "llm4rec-data", "outputs": [{"file": "interactions.tsv", "rows": 0, "bytes": len(d),
           "sha256": hashlib.sha256(d).hexdigest()}]}, open(sys.argv[1] + "/manifest.json", "w"))' "$T/noversion"
refused "$T/noversion" "a manifest without a format version"

# still allowed: replacing our own untouched output, and an empty directory
cp -R "$T/ref" "$T/ours"
check_exit 0 "our own output is replaced" conv "$T/ours"
check_exit 0 "our own output: the new one verifies" run "$L4R" verify "$T/ours"
mkdir -p "$T/empty"
check_exit 0 "an empty directory is used" conv "$T/empty"
check_same "an empty directory: interactions.tsv" "$T/empty/interactions.tsv" "$T/ref/interactions.tsv"
