#!/bin/sh
# tests/fault/network.sh — the network faults that tests/fetch/http.sh and tests/fetch/local.sh do
# not already cover, against the suite's own server (tests/fetch/server.py): a redirect loop, a
# SIGKILL in the middle of a download then a resume, and a corrupt .part (a different file's first
# half) that the next fetch must throw away by itself, restarting from zero, instead of failing once.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fetch/common.inc"
. "$HERE/fault/fault.inc"
at_exit stop_server
start_server

payload "$SRV/payload.bin" 200000 21
payload "$T/other.bin" 200000 22
S=$(sha256 "$SRV/payload.bin")
N=$(size "$SRV/payload.bin")
V=
add() { V="$V${V:+, }$(variant "$@")"; }
add plain payload.bin "$BASE/payload.bin" "$N" "$S"
add loop payload.bin "$BASE/mode/redirloop/payload.bin" "$N" "$S"
add killed payload.bin "$BASE/mode/slow/payload.bin?chunks=100&delay=0.2" "$N" "$S"
add partbad payload.bin "$BASE/payload.bin" "$N" "$S"
write_recipe "$R" net "$V"
f() { run "$L4R" --recipes "$R" --data-dir "$D" fetch net "$@"; }

# a redirect loop: a network error after a bounded number of requests, nothing left behind
L4R_MAX_RETRIES=1 check_exit 3 "redirect loop: exit 3" f --variant loop
check_grep "redirect loop: the message says redirects" "redirect" "$T/.err"
check_grep "redirect loop: the message names the URL" "redirloop/payload.bin" "$T/.err"
check_not "redirect loop: nothing under the final name" test -e "$D/net/loop/payload.bin"
check_not "redirect loop: no empty .part left" test -e "$D/net/loop/payload.bin.part"
check_not "redirect loop: no stamp" test -e "$D/net/loop/.l4r-fetched.json"

# SIGKILL mid-download: the .part is kept; the next fetch resumes it with a Range request
: > "$SLOG"
"$L4R" --recipes "$R" --data-dir "$D" fetch net --variant killed -q >/dev/null 2>"$T/k.err" &
pid=$!
at_exit "kill -KILL $pid 2>/dev/null"
part="$D/net/killed/payload.bin.part"
i=0
while { [ ! -f "$part" ] || [ "$(size "$part")" -lt 10000 ]; } && kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
  sleep 0.1
  i=$((i + 1))
done
check "SIGKILL mid-download: killed while the download was running" kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILL mid-download: the .part is kept" test -s "$part"
check_not "SIGKILL mid-download: nothing under the final name" test -e "$D/net/killed/payload.bin"
sed -i "s|mode/slow/payload.bin?chunks=100&delay=0.2|payload.bin|" "$R/net.json"
check_exit 0 "SIGKILL mid-download: the next fetch succeeds" f --variant killed
check_grep "SIGKILL mid-download: resumed with Range" "GET /payload.bin range=bytes=[1-9][0-9]*- status=206" "$SLOG"
check_same "SIGKILL mid-download: the file equals the source" "$D/net/killed/payload.bin" "$SRV/payload.bin"
check_clean "SIGKILL mid-download: no temporaries left" "$D/net/killed"

# a corrupt .part (the first half of another file): resumed, fails the checksum, and the same run
# starts again from zero without being asked
mkdir -p "$D/net/partbad"
head -c 100000 "$T/other.bin" > "$D/net/partbad/payload.bin.part"
: > "$SLOG"
check_exit 0 "corrupt .part: fetch succeeds in one run" f --variant partbad
check_same "corrupt .part: the file equals the source" "$D/net/partbad/payload.bin" "$SRV/payload.bin"
check_grep "corrupt .part: the whole file was fetched again" "GET /payload.bin range=- status=200" "$SLOG"
check_clean "corrupt .part: no temporaries left" "$D/net/partbad"
