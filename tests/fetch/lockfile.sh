#!/bin/sh
# tests/fetch/lockfile.sh — the lock file (docs/fetch.md, "The lock file"): the first fetch of a
# file without a recipe digest pins its size and sha256; a fresh data directory given the same lock
# gets the same bytes or exit 4; --update-lock re-pins; concurrent fetches of different variants
# keep each other's pins; files with a recipe digest are listed too; a broken lock file or one that
# contradicts the recipe is an error naming it.  Also: no built-in recipe URL is plain http://.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fetch/common.inc"
start_server

# Every built-in URL (and mirror) is https:// (issue 13: 120 of them were http://).
"$L4R" list --json >"$T/list.json"
python3 - "$T/list.json" >"$T/http.txt" <<'EOF'
import json, sys
for v in json.load(open(sys.argv[1])):
    for f in v["files"]:
        for u in [f["url"]] + (f.get("mirrors") or []):
            if not u.startswith("https://"):
                print(v["dataset"], v["variant"], u)
EOF
check_eq "built-in recipes: every URL is https:// ($(head -3 "$T/http.txt" | tr '\n' ' '))" "$(wc -l <"$T/http.txt" | tr -d ' ')" 0

mkdir -p "$SRV/up"
payload "$SRV/up/a.bin" 200000 1
payload "$SRV/up/b.bin" 100000 2
payload "$SRV/up/c.bin" 100000 3
SA=$(sha256 "$SRV/up/a.bin")
NA=$(size "$SRV/up/a.bin")
SC=$(sha256 "$SRV/up/c.bin")
R="$T/recipes"
nodig() { printf '"%s": {"description": "test", "files": [{"name": "%s", "url": "%s"}]}' "$1" "$2" "$3"; }
V="$(nodig plain a.bin "$BASE/up/a.bin"), $(nodig slow1 a.bin "$BASE/mode/slow/up/a.bin?chunks=10&delay=0.1")"
V="$V, $(nodig slow2 b.bin "$BASE/mode/slow/up/b.bin?chunks=10&delay=0.1")"
V="$V, $(variant digest c.bin "$BASE/up/c.bin" "$(size "$SRV/up/c.bin")" "$SC")"
V="$V, $(variant wrongpin c.bin "$BASE/up/c.bin" "$(size "$SRV/up/c.bin")" "$SC")"
write_recipe "$R" web "$V"
L="$T/exp/llm4rec-data.lock"
mkdir -p "$T/exp"
f() { _dd=$1 _v=$2; shift 2; "$L4R" --recipes "$R" --data-dir "$T/$_dd" fetch "web/$_v" "$@"; }
entry() { python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["files"].get(sys.argv[2]); print("" if e is None else "%s %s %s" % (e["size"], e["sha256"], e["url"]))' "$1" "$2"; }

# first use: downloaded with a warning, pinned (url, size, sha256), one entry per line
check_exit 0 "first fetch succeeds" f node1 plain --lock "$L"
check_grep "first fetch: warns it is unverified and names the lock file" "fetched it unverified.*pinned in the lock file '$L'" "$T/.err"
check_eq "first fetch: the lock pins url, size and sha256" "$(entry "$L" web/plain/a.bin)" "$NA $SA $BASE/up/a.bin"
check_grep "the lock file: one entry per line" "^    \"web/plain/a.bin\": {\"url\": \"$BASE/up/a.bin\", \"size\": $NA, \"sha256\": \"$SA\"}$" "$L"
check_not "the lock file: no temporary left" sh -c "ls -a '$T/exp' | grep -q tmp"
cp "$L" "$T/lock.first"

# the same lock on a fresh data directory: the same bytes pass, without the warning
check_exit 0 "second node, same bytes: fetch succeeds" f node2 plain --lock "$L"
check_nogrep "second node: no unverified warning (checked against the pin)" "unverified" "$T/.err"
check_same "second node: the lock is unchanged" "$L" "$T/lock.first"

# upstream changes, same size: a fresh data directory given the lock fails with exit 4
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[1000]^=0xff; open(p,"wb").write(b)' "$SRV/up/a.bin"
SA2=$(sha256 "$SRV/up/a.bin")
check_exit 4 "changed upstream bytes: exit 4" f node3 plain --lock "$L"
check_grep "changed: names the lock file" "lock file '$L'" "$T/.err"
check_grep "changed: the pinned digest" "expected sha256 $SA" "$T/.err"
check_grep "changed: the digest it got" "got $SA2" "$T/.err"
check_grep "changed: says how to re-pin" "llm4rec-data fetch web/plain --update-lock" "$T/.err"
check_not "changed: nothing under the final name" test -e "$T/node3/web/plain/a.bin"
check_not "changed: no stamp" test -e "$T/node3/web/plain/.l4r-fetched.json"
check_same "changed: the lock is unchanged" "$L" "$T/lock.first"
# $LLM4REC_DATA_LOCK selects the same lock
LLM4REC_DATA_LOCK="$L" check_exit 4 "changed, lock from \$LLM4REC_DATA_LOCK: exit 4" f node3 plain
# a node that fetched the old bytes earlier: its stamp disagrees with a lock pinned elsewhere
check_exit 0 "node1 already has the old bytes" f node1 plain --lock "$L"
check_grep "node1: already fetched" "already fetched" "$T/.err"

# --update-lock re-pins (fetching again), and the new pin then holds on a fresh node
check_exit 0 "--update-lock: exit 0" f node3 plain --lock "$L" --update-lock
check_eq "--update-lock: the new digest is pinned" "$(entry "$L" web/plain/a.bin)" "$NA $SA2 $BASE/up/a.bin"
check_exit 0 "after --update-lock a fresh node fetches" f node4 plain --lock "$L"
check_exit 4 "node1's old copy now disagrees with the pin: exit 4" f node1 plain --lock "$L"
check_grep "node1: names the stamp's digest, the pin and the way out" "has sha256 $SA ($NA bytes), but the lock file '$L' pins it to $SA2.*--force" "$T/.err"

# a data directory fetched without a lock: its stamp pins the files when a lock is first given
check_exit 0 "fetched without --lock: default lock DATA/llm4rec-data.lock" f node5 plain
check_eq "default lock: pinned" "$(entry "$T/node5/llm4rec-data.lock" web/plain/a.bin)" "$NA $SA2 $BASE/up/a.bin"
check_exit 0 "an already fetched variant is pinned from its stamp" f node5 plain --lock "$T/exp/new.lock"
check_eq "pinned from the stamp" "$(entry "$T/exp/new.lock" web/plain/a.bin)" "$NA $SA2 $BASE/up/a.bin"

# files with a recipe digest are listed too; a pin contradicting the recipe is an error
check_exit 0 "recipe digest: fetch succeeds" f node1 digest --lock "$L"
check_eq "recipe digest: listed in the lock" "$(entry "$L" web/digest/c.bin)" "$(size "$SRV/up/c.bin") $SC $BASE/up/c.bin"
python3 - "$L" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
j["files"]["web/wrongpin/c.bin"] = dict(j["files"]["web/digest/c.bin"], sha256="00" * 32)
json.dump(j, open(sys.argv[1], "w"))
EOF
check_exit 4 "a pin that contradicts the recipe: exit 4" f node1 wrongpin --lock "$L"
check_grep "contradiction: names the lock file, the entry and both digests" "the lock file '$L' pins 'web/wrongpin/c.bin' to sha256 0000000000000000000000000000000000000000000000000000000000000000, but the recipe says $SC" "$T/.err"

# a lock file that does not parse, or is not a lock file: exit 7 naming it, for fetch and convert
echo '{"lock_version": 1, "files": {' >"$T/bad.lock"
check_exit 7 "bad JSON lock: exit 7" f node6 plain --lock "$T/bad.lock"
check_grep "bad JSON lock: names the file and the place" "lock file '$T/bad.lock' is not a valid lock file: line" "$T/.err"
check_not "bad JSON lock: nothing fetched" test -e "$T/node6/web/plain/a.bin"
echo '{"lock_version": 1, "files": {"web/plain/a.bin": {"url": "x", "size": 1, "sha256": "abc"}}}' >"$T/bad2.lock"
check_exit 7 "malformed entry: exit 7" f node6 plain --lock "$T/bad2.lock"
check_grep "malformed entry: names it" "entry 'web/plain/a.bin' is not" "$T/.err"
check_exit 7 "convert --lock: the fetch it does reads the lock" "$L4R" --recipes "$R" --data-dir "$T/node6" convert web --variant plain --lock "$T/bad.lock" -o "$T/out"
check_grep "convert --lock: names the file" "lock file '$T/bad.lock'" "$T/.err"

# two concurrent fetches of different variants (slow downloads, so they overlap) pin into one
# lock: neither loses the other's entry
CL="$T/exp/concurrent.lock"
f node7 slow1 --lock "$CL" >"$T/c1.out" 2>"$T/c1.err" &
p1=$!
f node7 slow2 --lock "$CL" >"$T/c2.out" 2>"$T/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "concurrent: both succeed ($(cat "$T/c1.err" "$T/c2.err" | head -c 300))" "$r1 $r2" "0 0"
check_eq "concurrent: the first variant is pinned" "$(entry "$CL" web/slow1/a.bin | cut -d' ' -f1)" "$NA"
check_eq "concurrent: the second variant is pinned" "$(entry "$CL" web/slow2/b.bin | cut -d' ' -f1)" "$(size "$SRV/up/b.bin")"

# a lock file that cannot be written (a read-only place; here a directory that does not exist, which
# also holds as root) does not stop an already fetched variant from being served: a warning
check_exit 0 "unwritable lock: an already fetched variant is served" f node4 plain --lock "$T/nowhere/x.lock"
check_grep "unwritable lock: warns that it stays unpinned" "warning: cannot .*web/plain stays unpinned" "$T/.err"

# --from a file whose path is not UTF-8: its file:// URL is pinned percent-encoded (valid JSON)
NU="$T/dl/$(printf 'x\377')"
mkdir -p "$NU"
cp "$SRV/up/a.bin" "$NU/a.bin"
check_exit 0 "--from a non-UTF-8 path: pinned" f node8 plain --from "$NU/a.bin" --lock "$T/exp/from.lock"
check_grep "--from a non-UTF-8 path: percent-encoded in the lock" "file://$T/dl/x%FF/a.bin" "$T/exp/from.lock"
check_exit 0 "--from a non-UTF-8 path: the lock reads back" f node9 plain --lock "$T/exp/from.lock"

# the temporary a pin writes (LOCK.tmp.PID, renamed over the lock) is left when the writer is killed;
# the next writer, holding the lock's flock, removes it
mkdir -p "$T/tmpl"
echo '{"lock_version": 1, "files": {' > "$T/tmpl/x.lock.tmp.999999"
echo keep > "$T/tmpl/x.lock.tmp.mine"
check_exit 0 "a killed writer's temporary: the next pin succeeds" f node10 plain --lock "$T/tmpl/x.lock"
check_not "and removes LOCK.tmp.PID" test -e "$T/tmpl/x.lock.tmp.999999"
check "a name that only looks similar is kept" test -e "$T/tmpl/x.lock.tmp.mine"
