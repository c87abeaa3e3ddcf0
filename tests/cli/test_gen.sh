#!/bin/sh
# tests/cli/test_gen.sh — the fixture generator itself: same arguments give the same bytes, and the
# files have the upstream shapes (zip layouts, encodings, quoting,
# line endings, JSON vs Python literals, the quoted real lines first).
. "$(dirname "$0")/../lib.sh"
PY=${PYTHON:-python3}
D="$T/gen"
mkdir -p "$D/a" "$D/b"

check "generator binary exists" test -x "$GEN"
check_not "unknown command is an error" "$GEN" frobnicate
check_not "unknown MovieLens variant is an error" "$GEN" movielens ml-7m "$D/x"
check_not "crlf refused for .dat releases" "$GEN" movielens ml-1m "$D/x" --crlf

# --- determinism --------------------------------------------------------------------------------
for v in ml-100k ml-1m ml-10m ml-20m ml-25m ml-32m ml-latest ml-latest-small; do
  "$GEN" movielens $v "$D/a" || fail "$v generation (a)"
  "$GEN" movielens $v "$D/b" || fail "$v generation (b)"
  check_same "$v zip identical on a second run" "$D/a/$v.zip" "$D/b/$v.zip"
  check_same "$v md5 sidecar identical on a second run" "$D/a/$v.zip.md5" "$D/b/$v.zip.md5"
done
TZ=America/New_York "$GEN" movielens ml-1m "$D/tz" >/dev/null 2>&1
check_same "zip bytes do not depend on TZ" "$D/a/ml-1m.zip" "$D/tz/ml-1m.zip"
"$GEN" movielens ml-1m "$D/s7" --seed 7
check_not "another seed gives another zip" cmp -s "$D/a/ml-1m.zip" "$D/s7/ml-1m.zip"

for y in 2014 2018 2023; do
  for k in reviews meta ratings; do
    "$GEN" amazon $y $k --lines 1500 -o "$D/a/amz$y$k" || fail "amazon $y $k generation"
    "$GEN" amazon $y $k --lines 1500 >"$D/b/amz$y$k" || fail "amazon $y $k generation to stdout"
    check_same "amazon $y $k identical on a second run (file vs stdout)" "$D/a/amz$y$k" "$D/b/amz$y$k"
  done
done
"$GEN" amazon 2018 reviews --lines 1500 --gzip -o "$D/a/r.json.gz"
"$GEN" amazon 2018 reviews --lines 1500 --gzip -o "$D/b/r.json.gz"
check_same "gzip output identical on a second run" "$D/a/r.json.gz" "$D/b/r.json.gz"
check_eq "--gzip writes gzip magic" "$(head -c 2 "$D/a/r.json.gz" | od -An -tx1 | tr -d ' \n')" "1f8b"
gzip -dc "$D/a/r.json.gz" >"$D/a/r.json"
check_same "--gzip content equals the plain output" "$D/a/r.json" "$D/a/amz2018reviews"

"$GEN" ml25m-ratings --rows 60000 -o "$D/a/r25.csv"
"$GEN" ml25m-ratings --rows 60000 >"$D/b/r25.csv"
check_same "ml25m-ratings identical on a second run" "$D/a/r25.csv" "$D/b/r25.csv"

# --- MovieLens shapes ---------------------------------------------------------------------------
A="$D/a"
layout() {
  "$PY" - "$1" <<'EOF'
import sys, zipfile
print(" ".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))
EOF
}
p=ml-100k/
check_eq "ml-100k zip layout" "$(layout "$A/ml-100k.zip")" \
  "${p} ${p}README ${p}allbut.pl ${p}mku.sh ${p}u.data ${p}u.genre ${p}u.info ${p}u.item ${p}u.occupation ${p}u.user ${p}u1.base ${p}u1.test ${p}u2.base ${p}u2.test ${p}u3.base ${p}u3.test ${p}u4.base ${p}u4.test ${p}u5.base ${p}u5.test ${p}ua.base ${p}ua.test ${p}ub.base ${p}ub.test"
check_eq "ml-1m zip layout" "$(layout "$A/ml-1m.zip")" "ml-1m/ ml-1m/README ml-1m/movies.dat ml-1m/ratings.dat ml-1m/users.dat"
p=ml-10M100K/
check_eq "ml-10m zip layout (inner dir ml-10M100K)" "$(layout "$A/ml-10m.zip")" \
  "${p} ${p}README.html ${p}allbut.pl ${p}movies.dat ${p}ratings.dat ${p}split_ratings.sh ${p}tags.dat"
for v in ml-20m ml-25m ml-latest; do
  p=$v/
  check_eq "$v zip layout" "$(layout "$A/$v.zip")" \
    "${p} ${p}README.txt ${p}genome-scores.csv ${p}genome-tags.csv ${p}links.csv ${p}movies.csv ${p}ratings.csv ${p}tags.csv"
done
for v in ml-32m ml-latest-small; do
  p=$v/
  check_eq "$v zip layout" "$(layout "$A/$v.zip")" "${p} ${p}README.txt ${p}links.csv ${p}movies.csv ${p}ratings.csv ${p}tags.csv"
done

check_eq "ml-20m md5 sidecar is BSD style" "$(cat "$A/ml-20m.zip.md5")" "MD5 (ml-20m.zip) = $(md5sum <"$A/ml-20m.zip" | cut -c1-32)"
check_eq "ml-25m md5 sidecar is GNU style" "$(cat "$A/ml-25m.zip.md5")" "$(md5sum <"$A/ml-25m.zip" | cut -c1-32)  ml-25m.zip"
(cd "$A" && md5sum -c --status ml-1m.zip.md5)
check_eq "md5sum -c accepts the GNU sidecar" "$?" 0

X="$D/x"
mkdir -p "$X"
for v in ml-100k ml-1m ml-10m ml-25m ml-latest-small; do (cd "$X" && unzip -q -o "$A/$v.zip"); done

check_eq "u.data starts with the real rows" "$(head -3 "$X/ml-100k/u.data" | tr '\t\n' ' ;')" \
  "196 242 3 881250949;186 302 3 891717742;22 377 1 878887116;"
check_grep "u.item holds the real Toy Story row" \
  '^1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0$' "$X/ml-100k/u.item"
check_grep "u.item holds the unknown row" '^267|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0$' "$X/ml-100k/u.item"
check_eq "u.item: every line has 24 '|' fields" "$(awk -F'|' 'NF!=24' "$X/ml-100k/u.item" | wc -l)" 0
check "u.item has 'Misérables' as a single 0xE9 byte" grep -q "$(printf 'Mis\351rables, Les (1995)')" "$X/ml-100k/u.item"
check_eq "ua.test: exactly 10 ratings per user" "$(cut -f1 "$X/ml-100k/ua.test" | sort | uniq -c | awk '$1!=10' | wc -l)" 0
check_eq "u.data: every user has >= 20 ratings" "$(cut -f1 "$X/ml-100k/u.data" | sort | uniq -c | awk '$1<20' | wc -l)" 0
check_eq "u1.test + u1.base = u.data" "$(cat "$X/ml-100k/u1.test" "$X/ml-100k/u1.base" | wc -l)" "$(wc -l <"$X/ml-100k/u.data")"

check "ml-1m movies.dat contains a 0xE9 byte" grep -q "$(printf '\351')" "$X/ml-1m/movies.dat"
check_not "ml-1m movies.dat is not valid UTF-8" iconv -f UTF-8 -t UTF-8 "$X/ml-1m/movies.dat" -o /dev/null
check_grep "ml-1m movies.dat has the real first row" "^1::Toy Story (1995)::Animation|Children's|Comedy$" "$X/ml-1m/movies.dat"
check_eq "ml-1m ratings.dat starts with the real rows" "$(head -2 "$X/ml-1m/ratings.dat" | tr '\n' ';')" "1::1193::5::978300760;1::661::3::978302109;"
check_eq "ml-1m users.dat first row" "$(head -1 "$X/ml-1m/users.dat")" "1::F::1::10::48067"
check_eq "ml-1m every user >= 20 ratings" "$(awk -F'::' '{print $1}' "$X/ml-1m/ratings.dat" | uniq -c | awk '$1<20' | wc -l)" 0
check_eq "ml-1m ratings grouped by user" "$(awk -F'::' '{print $1}' "$X/ml-1m/ratings.dat" | uniq | sort | uniq -d | wc -l)" 0
check_eq "ml-1m ratings are whole stars" "$(awk -F'::' '$3 !~ /^[1-5]$/' "$X/ml-1m/ratings.dat" | wc -l)" 0

check_grep "ml-10m ratings.dat has half stars" '^[0-9]*::[0-9]*::[0-5]\.5::' "$X/ml-10M100K/ratings.dat"
check_eq "ml-10m ratings.dat ordered by user then movie" \
  "$(awk -F'::' '{print $1" "$2}' "$X/ml-10M100K/ratings.dat" | sort -c -k1,1n -k2,2n 2>&1 | wc -l)" 0
check_eq "ml-10m tags.dat has 4 '::' fields" "$(awk -F'::' 'NF!=4' "$X/ml-10M100K/tags.dat" | wc -l)" 0

M25="$X/ml-25m"
check_eq "ml-25m ratings.csv header" "$(head -1 "$M25/ratings.csv")" "userId,movieId,rating,timestamp"
check_grep "ml-25m movies.csv has a doubled quote" '"Story of ""G.I. Joe"", The (1945)"' "$M25/movies.csv"
check_grep "ml-25m movies.csv has a quoted comma title" '^11,"American President, The (1995)",Comedy|Drama|Romance$' "$M25/movies.csv"
check_grep "ml-25m movies.csv has (no genres listed)" '(no genres listed)' "$M25/movies.csv"
check "ml-25m movies.csv is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$M25/movies.csv" -o /dev/null
check_grep "ml-25m links.csv keeps imdbId leading zeros" '^1,0114709,862$' "$M25/links.csv"
check_nogrep "ml-latest-small is not LF-only" "$(printf '[^\r]$')" "$X/ml-latest-small/ratings.csv"
check_eq "ml-latest-small ratings.csv lines end in CRLF" "$(head -1 "$X/ml-latest-small/ratings.csv" | od -An -c | tr -d ' \n' | tail -c 4)" '\r\n'
check_eq "ml-latest-small ratings start with the real rows" "$(head -3 "$X/ml-latest-small/ratings.csv" | tr -d '\r' | tr '\n' ';')" \
  "userId,movieId,rating,timestamp;1,1,4.0,964982703;1,3,4.0,964981247;"
check_eq "ml-25m ratings.csv has no CR" "$(tr -cd '\r' <"$M25/ratings.csv" | wc -c)" 0

"$PY" - "$M25" "$X/ml-latest-small" >"$T/csvcheck" 2>&1 <<'EOF'
import csv, sys
for d in sys.argv[1:]:
    for name, n in (("movies.csv", 3), ("ratings.csv", 4), ("tags.csv", 4), ("links.csv", 3)):
        rows = list(csv.reader(open(f"{d}/{name}", encoding="utf-8", newline="")))
        bad = [r for r in rows if len(r) != n]
        if bad:
            print("BAD", d, name, bad[:2]); sys.exit(1)
    r = list(csv.reader(open(f"{d}/ratings.csv", newline="")))[1:]
    keys = [(int(a), int(b)) for a, b, _, _ in r]
    if keys != sorted(keys) or len(set(keys)) != len(keys):
        print("BAD order", d); sys.exit(1)
    if any(x[2] not in {f"{h/2:.1f}" for h in range(1, 11)} for x in r):
        print("BAD rating", d); sys.exit(1)
    t = [row[2] for row in csv.reader(open(f"{d}/tags.csv", encoding="utf-8", newline=""))]
    if not any("," in x for x in t) or not any('"' in x for x in t):
        print("tags lack commas or quotes", d); sys.exit(1)
    m = [row[1] for row in csv.reader(open(f"{d}/movies.csv", encoding="utf-8", newline=""))]
    if not any(any(ord(c) > 127 for c in x) for x in m):
        print("no non-ASCII title", d); sys.exit(1)
print("ok")
EOF
check_eq "CSV releases parse with python csv (field counts, order, ratings, quoting)" "$(tail -1 "$T/csvcheck")" ok

# --- the benchmark's ratings.csv ----------------------------------------------------------------
R="$A/r25.csv"
check_eq "ml25m-ratings: header + exactly --rows rows" "$(wc -l <"$R")" 60001
check_eq "ml25m-ratings: header" "$(head -1 "$R")" "userId,movieId,rating,timestamp"
check_eq "ml25m-ratings: ordered by userId then movieId, no duplicates" \
  "$(tail -n +2 "$R" | awk -F, '{print $1" "$2}' | sort -c -u -k1,1n -k2,2n 2>&1 | wc -l)" 0
check_eq "ml25m-ratings: ratings x.y in 0.5..5.0, ts in range" \
  "$(tail -n +2 "$R" | awk -F, '$3 !~ /^[0-5]\.[05]$/ || $3 == "0.0" || $3 > 5 || $4 < 789652009 || $4 > 1574327703' | wc -l)" 0

# --- Amazon shapes ------------------------------------------------------------------------------
check_eq "amazon 2018 reviews: exactly --lines lines" "$(wc -l <"$A/amz2018reviews")" 1500
check_eq "amazon 2018 reviews: first line is the real Video_Games_5 line" "$(head -1 "$A/amz2018reviews")" \
  '{"overall": 5.0, "verified": true, "reviewTime": "10 17, 2015", "reviewerID": "A1HP7NVNPFMA4N", "asin": "0700026657", "reviewerName": "Ambrosia075", "reviewText": "This game is a bit hard to get the hang of, but when you do it'"'"'s great.", "summary": "but when you do it'"'"'s great.", "unixReviewTime": 1445040000}'
"$PY" - "$A" >"$T/amzcheck" 2>&1 <<'EOF'
import ast, json, sys, re, datetime, collections
d = sys.argv[1]
def fail(msg):
    print("BAD", msg); sys.exit(1)
raw = open(f"{d}/amz2018reviews", "rb").read()
for tok in (rb'\"', rb'\\', rb'\n', rb'\/', rb'\u00e9', rb'\ud83d\ude00'):
    if tok not in raw: fail(f"2018 reviews lack the escape {tok!r}")
if not re.search(rb'[\xc3-\xef][\x80-\xbf]', raw): fail("2018 reviews lack raw UTF-8")
order = ["overall", "vote", "verified", "reviewTime", "reviewerID", "asin", "style", "reviewerName",
         "reviewText", "summary", "unixReviewTime", "image"]
users, items, tlen, seen = collections.Counter(), collections.Counter(), [], set()
for line in raw.decode("utf-8").splitlines():
    o = json.loads(line)
    ks = list(o)
    if ks != [k for k in order if k in o]: fail(f"key order {ks}")
    if not isinstance(o["overall"], float) or not isinstance(o["verified"], bool): fail("types")
    if len(o["asin"]) != 10: fail("asin length")
    t = datetime.datetime.fromtimestamp(o["unixReviewTime"], datetime.timezone.utc)
    if o["reviewTime"] != f"{t.month:02d} {t.day}, {t.year}": fail("reviewTime " + o["reviewTime"])
    if "vote" in o and not re.fullmatch(r"\d{1,3}(,\d{3})*", o["vote"]): fail("vote")
    for k, v in o.get("style", {}).items():
        if not k.endswith(":") or not v.startswith(" "): fail("style")
    seen.update(k for k in o)
    users[o["reviewerID"]] += 1; items[o["asin"]] += 1
    tlen.append(len(o.get("reviewText", "").encode()))
if not {"vote", "style", "image"} <= seen: fail("optional keys never appear")
if max(users.values()) < 10 or sum(1 for c in users.values() if c < 5) < len(users) / 3: fail("user skew")
if not 250 < sum(tlen) / len(tlen) < 600: fail(f"mean review length {sum(tlen)/len(tlen)}")
if not any(a[0].isdigit() for a in items) or not any(a[0] == "B" for a in items): fail("asin kinds")
for line in open(f"{d}/amz2014reviews", encoding="utf-8"):
    o = json.loads(line)
    if list(o)[:2] != ["reviewerID", "asin"] or list(o)[-2:] != ["unixReviewTime", "reviewTime"]: fail("2014 order")
    if len(o["helpful"]) != 2 or o["helpful"][0] > o["helpful"][1]: fail("helpful")
nq = 0
for line in open(f"{d}/amz2014meta", encoding="utf-8"):
    o = ast.literal_eval(line)
    if not isinstance(o, dict) or "asin" not in o: fail("meta literal")
    try:
        json.loads(line); fail("2014 meta parsed as JSON: " + line[:80])
    except json.JSONDecodeError:
        pass
    nq += '"' in line and "'" in line
if nq == 0: fail("no meta string needed double quotes")
for line in open(f"{d}/amz2018meta", encoding="utf-8"):
    json.loads(line)
for line in open(f"{d}/amz2023meta", encoding="utf-8"):
    json.loads(line)
for line in open(f"{d}/amz2023reviews", encoding="utf-8"):
    o = json.loads(line)
    if list(o) != ["rating", "title", "text", "images", "asin", "parent_asin", "user_id", "timestamp",
                   "helpful_vote", "verified_purchase"]: fail("2023 order")
    if not 820454400000 <= o["timestamp"] <= 1704067200000: fail("2023 timestamp not ms in 1996..2023")
r = open(f"{d}/amz2023ratings").read().splitlines()
if r[0] != "user_id,parent_asin,rating,timestamp" or len(r) != 1501: fail("2023 ratings header/count")
prev, done, pairs = None, set(), set()
for x in r[1:]:
    u, i, rt, ts = x.split(",")
    if u != prev:
        if u in done: fail("2023 ratings not grouped by user")
        done.add(u); prev = u; last = 0
    if int(ts) < last: fail("2023 ratings not chronological")
    last = int(ts)
    if (u, i) in pairs: fail("duplicate (user, item)")
    pairs.add((u, i))
for name, first in (("amz2014ratings", "A39HTATAQ9V7YF,0205616461,5.0,1369699200"),):
    if open(f"{d}/{name}").readline().strip() != first: fail(name)
row = open(f"{d}/amz2018ratings").readline().strip().split(",")
if len(row[0]) != 10 or not row[1].startswith("A"): fail("2018 ratings are item,user,rating,ts")
print("ok")
EOF
check_eq "amazon files parse (JSON, Python literals, key order, escapes, skew)" "$(tail -1 "$T/amzcheck")" ok
