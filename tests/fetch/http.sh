#!/bin/sh
# tests/fetch/http.sh — `fetch` against a local HTTP server that misbehaves on purpose
# (tests/fetch/server.py): resume after a dropped connection, 503/429 with Retry-After, 404,
# checksum mismatch, truncated body, stalled transfer, a server ignoring Range, redirects, and the
# --mirror / $LLM4REC_DATA_MIRROR mapping onto http://127.0.0.1:PORT.
. "$(dirname "$0")/../lib.sh"
. "$HERE/fetch/common.inc"
start_server

payload "$SRV/payload.bin" 300000 1
mkdir -p "$SRV/mirror/files.example.org/data"
cp "$SRV/payload.bin" "$SRV/mirror/files.example.org/data/payload.bin"
S=$(sha256 "$SRV/payload.bin")
N=$(size "$SRV/payload.bin")
R="$T/recipes"
D="$T/home"
V=
add() { V="$V${V:+, }$(variant "$@")"; }
add plain payload.bin "$BASE/payload.bin" "$N" "$S"
add drop payload.bin "$BASE/mode/drop/payload.bin?n=100000" "$N" "$S"
add flaky payload.bin "$BASE/mode/flaky/payload.bin?k=1&ra=2" "$N" "$S"
add toomany payload.bin "$BASE/mode/flaky/payload.bin?k=1&code=429&ra=100" "$N" "$S"
add always503 payload.bin "$BASE/mode/flaky/payload.bin?k=1000&ra=0" "$N" "$S"
add missing payload.bin "$BASE/mode/404/payload.bin" "$N" "$S"
add badsum payload.bin "$BASE/payload.bin" "$N" "0000000000000000000000000000000000000000000000000000000000000000"
add truncated payload.bin "$BASE/mode/truncate/payload.bin" "$N" "$S"
add stalled payload.bin "$BASE/mode/stall/payload.bin?n=1000&s=60" "$N" "$S"
add norange payload.bin "$BASE/mode/norange/payload.bin" "$N" "$S"
add redirected payload.bin "$BASE/mode/redirect/payload.bin" "$N" "$S"
add mirrored payload.bin "https://files.example.org/data/payload.bin" "$N" "$S"
write_recipe "$R" web "$V"
f() { "$L4R" --recipes "$R" --data-dir "$D" fetch web "$@"; }

# plain: stdout is the variant directory, the file equals the source, a stamp is written
check_exit 0 "plain fetch succeeds" f --variant plain
check_eq "stdout is the variant directory" "$(cat "$T/.out")" "$D/web/plain"
check_same "plain: file equals the source" "$D/web/plain/payload.bin" "$SRV/payload.bin"
check_grep "plain: stamp lists the sha256" "$S" "$D/web/plain/.l4r-fetched.json"
check_grep "plain: stamp records the url" "$BASE/payload.bin" "$D/web/plain/.l4r-fetched.json"
check_grep "plain: says fetched" "fetched web/plain into" "$T/.err"

# dropped connection: resumed with a Range request
check_exit 0 "dropped connection: fetch succeeds" f --variant drop
check_same "dropped connection: file equals the source" "$D/web/drop/payload.bin" "$SRV/payload.bin"
check_grep "dropped connection: first answer was cut" "drop/payload.bin?n=100000 range=- status=200-dropped" "$SLOG"
check_grep "dropped connection: resumed with Range from byte 100000" "drop/payload.bin?n=100000 range=bytes=100000- status=206" "$SLOG"
check_grep "dropped connection: retry notice" "retrying" "$T/.err"

# 503 + Retry-After: 2 s (the computed first backoff would be 1 s), then success
L4R_MAX_BACKOFF=5 check_exit 0 "503 then success" f --variant flaky
check_same "503: file equals the source" "$D/web/flaky/payload.bin" "$SRV/payload.bin"
check_grep "503: Retry-After honoured" "HTTP status 503; retrying in 2.0 s" "$T/.err"
# 429 with Retry-After: 100 is capped by max_backoff
L4R_MAX_BACKOFF=0.3 check_exit 0 "429 then success" f --variant toomany
check_grep "429: Retry-After capped" "HTTP status 429; retrying in 0.3 s" "$T/.err"
# 503 forever: gives up after max retries, exit 3
L4R_MAX_RETRIES=2 check_exit 3 "503 forever: network error" f --variant always503
check_grep "503 forever: gave up" "gave up after 3 attempts" "$T/.err"
check_eq "503 forever: 3 requests" "$(grep -c 'k=1000&ra=0 ' "$SLOG")" 3
check_not "503 forever: nothing under the final name" test -e "$D/web/always503/payload.bin"

# 404: exit 3, URL and status in the message, no retry, nothing final
check_exit 3 "404: exit 3" f --variant missing
check_grep "404: message names the URL" "$BASE/mode/404/payload.bin" "$T/.err"
check_grep "404: message names the status" "404" "$T/.err"
check_eq "404: not retried" "$(grep -c 'mode/404/' "$SLOG")" 1
check_not "404: nothing under the final name" test -e "$D/web/missing/payload.bin"
check_not "404: no empty .part left" test -e "$D/web/missing/payload.bin.part"

# checksum mismatch: exit 4, message with file and both digests, nothing final, no .part
check_exit 4 "checksum mismatch: exit 4" f --variant badsum
check_grep "checksum mismatch: names the file" "payload.bin" "$T/.err"
check_grep "checksum mismatch: expected digest" "expected sha256 0000000000" "$T/.err"
check_grep "checksum mismatch: actual digest" "$S" "$T/.err"
check_not "checksum mismatch: nothing under the final name" test -e "$D/web/badsum/payload.bin"
check_not "checksum mismatch: .part removed" test -e "$D/web/badsum/payload.bin.part"
check_not "checksum mismatch: no stamp" test -e "$D/web/badsum/.l4r-fetched.json"

# truncated body every time: error after the retries, nothing final
L4R_MAX_RETRIES=2 check_exit 3 "truncated body: exit 3" f --variant truncated
check_grep "truncated body: message names the URL" "mode/truncate/payload.bin" "$T/.err"
check_not "truncated body: nothing under the final name" test -e "$D/web/truncated/payload.bin"

# stalled server: the low-speed limit (L4R_LOW_SPEED_TIME=2) ends it
L4R_MAX_RETRIES=0 check_exit 3 "stalled: exit 3" f --variant stalled
check_grep "stalled: low-speed time-out" "low-speed limit 2 s" "$T/.err"
check_not "stalled: nothing under the final name" test -e "$D/web/stalled/payload.bin"
check_grep "stalled: the .part keeps what arrived" "" "$D/web/stalled/payload.bin.part"

# a server that ignores Range: a stale .part is discarded, the file is right
mkdir -p "$D/web/norange"
head -c 5000 /dev/zero > "$D/web/norange/payload.bin.part"
check_exit 0 "ignored Range: fetch succeeds" f --variant norange
check_grep "ignored Range: a Range request was sent" "norange/payload.bin range=bytes=5000- status=200" "$SLOG"
check_same "ignored Range: file equals the source" "$D/web/norange/payload.bin" "$SRV/payload.bin"

# redirects are followed
check_exit 0 "redirect: fetch succeeds" f --variant redirected
check_same "redirect: file equals the source" "$D/web/redirected/payload.bin" "$SRV/payload.bin"

# --mirror http://127.0.0.1:PORT/mirror maps https://files.example.org/... onto the server
check_exit 0 "http mirror: fetch succeeds" f --variant mirrored --mirror "$BASE/mirror/"
check_grep "http mirror: mapped request" "GET /mirror/files.example.org/data/payload.bin range=- status=200" "$SLOG"
check_same "http mirror: file equals the source" "$D/web/mirrored/payload.bin" "$SRV/payload.bin"
check_grep "http mirror: stamp records the mirror URL" "$BASE/mirror/files.example.org/data/payload.bin" "$D/web/mirrored/.l4r-fetched.json"
# the same through $LLM4REC_DATA_MIRROR (with --force so it is fetched again)
: > "$SLOG"
LLM4REC_DATA_MIRROR="$BASE/mirror" check_exit 0 "env mirror: fetch succeeds" f --variant mirrored --force
check_grep "env mirror: mapped request" "GET /mirror/files.example.org/data/payload.bin" "$SLOG"

# a corrupt .part (the right length of wrong bytes, resumed with Range): the digest fails, the
# download restarts from zero by itself and succeeds in the same run
write_recipe "$R" web2 "$(variant plain payload.bin "$BASE/payload.bin" "$N" "$S"), $(variant corruptpart payload.bin "$BASE/payload.bin?corrupt=1" "$N" "$S"), $(variant stallmany payload.bin "$BASE/mode/stall/payload.bin?n=1000&s=30&many=1" "$N" "$S")"
mkdir -p "$D/web2/corruptpart"
head -c 5000 /dev/zero > "$D/web2/corruptpart/payload.bin.part"
: > "$SLOG"
check_exit 0 "corrupt .part: fetch succeeds in one run" "$L4R" --recipes "$R" --data-dir "$D" fetch web2/corruptpart
check_same "corrupt .part: file equals the source" "$D/web2/corruptpart/payload.bin" "$SRV/payload.bin"
check_grep "corrupt .part: says it restarted" "resumed from a partial download, so downloading it again from the start" "$T/.err"
check_grep "corrupt .part: the .part was resumed first" "corrupt=1 range=bytes=5000- status=206" "$SLOG"
check_grep "corrupt .part: then downloaded from zero" "corrupt=1 range=- status=200" "$SLOG"

# a server that stalls on every attempt: given up after 3 stalls that got no further, even with
# retries left; exit 3, and the message says it stalled
: > "$SLOG"
L4R_LOW_SPEED_TIME=1 L4R_MAX_RETRIES=10 check_exit 3 "stalls every time: exit 3" "$L4R" --recipes "$R" --data-dir "$D" fetch web2/stallmany
check_grep "stalls every time: says it stalled, and how often" "stalled (no data for 1 s.*it timed out 3 times in a row without getting further" "$T/.err"
check_eq "stalls every time: 4 attempts (the first got 1000 bytes)" "$(grep -c 'many=1 ' "$SLOG")" 4

# ---- Google Drive: the confirmation page of a large file (issue 16) --------------------------
mkdir -p "$SRV/drive"
cp "$SRV/payload.bin" "$SRV/drive/BIGFILE"
cp "$SRV/payload.bin" "$SRV/drive/old-BIG"
printf 'small file\n' >"$SRV/drive/SMALL"
SM=$(sha256 "$SRV/drive/SMALL")
RG="$T/recipes-gd"
VG=
addg() { VG="$VG${VG:+, }$(variant "$@")"; }
addg plain payload.bin "https://drive.google.com/uc?export=download&id=BIGFILE" "$N" "$S"
addg old payload.bin "https://drive.google.com/uc?export=download&id=old-BIG" "$N" "$S"
addg small small.txt "https://drive.google.com/uc?export=download&id=SMALL" "$(size "$SRV/drive/SMALL")" "$SM"
addg quota payload.bin "https://drive.google.com/uc?export=download&id=quota" "$N" "$S"
write_recipe "$RG" gd "$VG"
g() { "$L4R" --recipes "$RG" --data-dir "$T/home-gd" fetch gd --mirror "$BASE/gd" "$@"; }
check_exit 0 "Drive: a large file through today's confirmation form" g --variant plain
check_same "Drive: the file, not the page" "$T/home-gd/gd/plain/payload.bin" "$SRV/payload.bin"
check_grep "Drive: the form was followed (id, export, confirm, uuid)" "GET /gd/drive.usercontent.google.com/download?id=BIGFILE&export=download&confirm=t&uuid=5f2c-77aa range=- status=200" "$SLOG"
check_grep "Drive: says it confirmed" "asks to confirm the download of a large file" "$T/.err"
check_exit 0 "Drive: the older page (a confirm= link)" g --variant old
check_same "Drive, older page: the file" "$T/home-gd/gd/old/payload.bin" "$SRV/payload.bin"
check_grep "Drive, older page: the token was sent" "GET /gd/drive.google.com/uc?export=download&confirm=Tk3n&id=old-BIG" "$SLOG"
check_exit 0 "Drive: a small file is served at once" g --variant small
check_same "Drive, small file" "$T/home-gd/gd/small/small.txt" "$SRV/drive/SMALL"
check_exit 3 "Drive: a page with no way on (quota): a network error" g --variant quota
check_grep "Drive, quota: says to download it by hand" "answered .* with a web page, not the file" "$T/.err"
check_grep "Drive, quota: names --from" "fetch --from FILE" "$T/.err"
check "Drive, quota: no file saved" test ! -e "$T/home-gd/gd/quota/payload.bin"
