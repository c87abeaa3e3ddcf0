# CLI tests: recipe "explode" (issue 14) on synthetic recipes in the upstream files' shapes: one
# source record holding many interactions.  MIND behaviors.tsv (impressions "N123-1" split into
# news id and label, filtered on the label; the history list with its position), NineRec
# behaviour.tsv ("user<TAB>item item ..."), Amazon-M2 sessions_train.csv (a numpy array repr in a
# quoted, line-wrapped CSV field plus next_item, the session's line as its user), Steam v1
# australian_users_items (a Python literal per user holding a list of item dicts) and a JSON-lines
# twin.  Every expected output is computed from the fixture by awk or python, and every -j writes
# the same bytes.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
R="$T/recipes"
mkdir -p "$F" "$R"
# MIND: impression id, user, "M/D/YYYY h:mm:ss AM" (not zero-padded), history, impressions
awk 'BEGIN { srand(7);
  for (i = 1; i <= 600; i++) {
    h = ""; nh = i % 6; for (k = 0; k < nh; k++) h = h (k ? " " : "") "N" (1000 + (i * 7 + k * 13) % 500);
    m = ""; ni = 1 + i % 8; for (k = 0; k < ni; k++) m = m (k ? " " : "") "N" (2000 + (i * 11 + k * 17) % 700) "-" ((i + k) % 3 == 0);
    hr = 1 + i % 12; printf "%d\tU%d\t11/%d/2019 %d:%02d:%02d %s\t%s\t%s\n", i, i % 37, 9 + i % 6, hr, i % 60, (i * 7) % 60, (i % 2 ? "AM" : "PM"), h, m } }' \
  >"$F/behaviors.tsv"
# NineRec: user, then the items in order, space-separated (one line with a trailing space)
awk 'BEGIN { for (u = 0; u < 300; u++) { s = ""; for (k = 0; k <= u % 9; k++) s = s (k ? " " : "") "v" (u * 31 + k * 7) % 997;
  printf "u%d\t%s%s\n", 14500 + u, s, (u == 5 ? " " : "") } }' >"$F/Bili_behaviour.tsv"

file() { printf '[{"name": "%s", "url": "https://example.org/%s"}]' "$1" "$1"; }
MINDCOLS='"columns": ["impression_id", "user", "time", "history", "impressions"]'
cat >"$R/xt.json" <<JSON
{
  "schema": 1, "dataset": "xt", "title": "explode test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "clicks",
  "variants": {
    "clicks": {"description": "MIND impressions: the clicked news", "files": $(file behaviors.tsv),
      "interactions": {"path": "behaviors.tsv", "format": "delimited", "delimiter": "\t", $MINDCOLS,
        "explode": {"column": "impressions", "parts": ["news", "label"], "part_separator": "-"},
        "fields": {"user_id": "user", "item_id": "news", "rating": "label", "timestamp": "time"}, "time": "mdy_ampm",
        "filter": [{"column": "label", "op": "==", "value": "1", "negatives": true}]}},
    "shown": {"description": "MIND impressions: every news shown, the impression as user", "files": $(file behaviors.tsv),
      "interactions": {"path": "behaviors.tsv", "format": "delimited", "delimiter": "\t", $MINDCOLS,
        "explode": {"column": "impressions", "as": "imp", "parts": ["news", "label"], "part_separator": "-"},
        "fields": {"user_id": "impression_id", "item_id": "news", "rating": "label"}}},
    "history": {"description": "MIND history, no time: the position as rating", "files": $(file behaviors.tsv),
      "interactions": {"path": "behaviors.tsv", "format": "delimited", "delimiter": "\t", $MINDCOLS,
        "explode": {"column": "history", "as": "news"},
        "fields": {"user_id": "user", "item_id": "news", "rating": "\$position"}}},
    "ninerec": {"description": "NineRec user<TAB>item item ...", "files": $(file Bili_behaviour.tsv),
      "interactions": {"path": "Bili_behaviour.tsv", "format": "delimited", "delimiter": "\t",
        "columns": ["user", "items"], "explode": {"column": "items", "list": "separated", "separator": " "},
        "fields": {"user_id": "user", "item_id": "items"}}}
  }
}
JSON
xt() { "$L4R" --recipes "$R" convert xt "$@"; }
body() { tail -n +2 "$1"; }
# the data rows of a TSV as a file (sh has no <(...))
bodyf() { tail -n +2 "$1" >"$1.body"; echo "$1.body"; }

for j in 1 3; do
  for v in clicks shown history ninerec; do
    in=behaviors.tsv; [ $v = ninerec ] && in=Bili_behaviour.tsv
    check_exit 0 "$v -j $j" xt --variant $v --raw "$F/$in" -o "$T/$v$j" -q -j "$j" --block-size 4096
  done
done
for v in clicks shown history ninerec; do
  check_same "$v: -j 1 and -j 3 write the same bytes" "$T/${v}1/interactions.tsv" "$T/${v}3/interactions.tsv"
done

# what awk and python make of the same files
python3 - "$F/behaviors.tsv" >"$T/clicks.want" <<'PY'
import sys, datetime
from l4r_expect import line
for src in open(sys.argv[1]):
    imp, user, when, hist, imps = src.rstrip("\n").split("\t")
    ts = int(datetime.datetime.strptime(when, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=datetime.timezone.utc).timestamp())
    for e in imps.split():
        news, label = e.rsplit("-", 1)
        if label == "1":
            print(line([user, news, "1", ts]), end="")
PY
check_same "clicks: user, news, label and impression time of every '-1' impression" \
  "$(bodyf "$T/clicks1/interactions.tsv")" "$T/clicks.want"
check "clicks: some rows" test -s "$T/clicks.want"
shown=$(awk -F'\t' '{ n += split($5, a, " ") } END { print n }' "$F/behaviors.tsv")
# --keep-negatives: the filter marked "negatives" is skipped, every impression entry stays with its label
for j in 1 3; do
  check_exit 0 "clicks --keep-negatives -j $j" xt --variant clicks --raw "$F/behaviors.tsv" -o "$T/neg$j" -q -j "$j" \
    --block-size 4096 --keep-negatives
done
check_same "--keep-negatives: -j 1 and -j 3 agree" "$T/neg1/interactions.tsv" "$T/neg3/interactions.tsv"
check_eq "--keep-negatives: one row per impression entry" "$(body "$T/neg1/interactions.tsv" | wc -l | tr -d ' ')" "$shown"
check_eq "--keep-negatives: the clicks among them are the positives" \
  "$(body "$T/neg1/interactions.tsv" | awk -F'\t' '$3 == 1' | cut -f1-4)" "$(cat "$T/clicks.want")"
check_eq "--keep-negatives: the rest are labelled 0" "$(body "$T/neg1/interactions.tsv" | awk -F'\t' '$3 != 1 && $3 != 0' | wc -l | tr -d ' ')" 0
check_nogrep "--keep-negatives: nothing filtered out" '"filtered_out": [1-9]' "$T/neg1/manifest.json"
check_exit 0 "info marks the filter" "$L4R" --recipes "$R" info xt --variant clicks
check_grep "info: negatives" 'label == "1"  (drops the negatives; convert --keep-negatives keeps them)' "$T/.out"
check_eq "shown: one row per impression entry" "$(body "$T/shown1/interactions.tsv" | wc -l | tr -d ' ')" "$shown"
check_grep "shown: manifest counts the interactions" "\"records\": $shown" "$T/shown1/manifest.json"
check_eq "shown: the impression id as user" "$(body "$T/shown1/interactions.tsv" | head -2 | tr '\t\n' ' ;')" \
  "1 N2011 0 ;1 N2028 0 ;"
# q(): one TSV field as docs/FORMAT.md writes it (RFC 4180-quoted when it holds a '"'), as tests/py/l4r_expect.py's field()
Q='function q(s) { if (index(s, "\"")) { gsub(/"/, "\"\"", s); s = "\"" s "\"" } return s }'
awk -F'\t' "$Q"'{ n = split($4, a, " "); for (k = 1; k <= n; k++) print q($2) "\t" q(a[k]) "\t" (k - 1) "\t" }' "$F/behaviors.tsv" >"$T/history.want"
check_same "history: every clicked news in order, its position, no time (an empty history: no rows)" "$(bodyf "$T/history1/interactions.tsv")" "$T/history.want"
awk -F'\t' "$Q"'{ n = split($2, a, " "); for (k = 1; k <= n; k++) print q($1) "\t" q(a[k]) "\t1\t" }' "$F/Bili_behaviour.tsv" >"$T/nine.want"
check_same "ninerec: one row per item, in sequence order, rating 1 (a trailing space adds none)" \
  "$(bodyf "$T/ninerec1/interactions.tsv")" "$T/nine.want"
check_exit 0 "ninerec: the sequence split" xt --variant ninerec --raw "$F/Bili_behaviour.tsv" -o "$T/nine-seq" -q --split seq
check_exit 0 "stats reads it" "$L4R" stats "$T/nine-seq"

# invalid recipes: exit 6 naming the JSON path and what is wrong
bad() { # description, sed expression, expected message
  mkdir -p "$T/bad-r"
  sed "$2" "$R/xt.json" >"$T/bad-r/xt.json"
  check_exit 6 "$1" "$L4R" --recipes "$T/bad-r" info xt
  check_grep "$1: the message" "$3" "$T/.err"
}
bad "parts without part_separator" 's/"parts": \["news", "label"\], "part_separator": "-"}/"parts": ["news", "label"]}/' \
  'variants.clicks.interactions.explode: .parts. needs .part_separator.'
bad "one part" 's/"parts": \["news", "label"\], "part_separator": "-"}/"parts": ["news"], "part_separator": "-"}/' \
  'explode.parts: expected two or more names'
bad "an unknown derived field" 's/"rating": "\$position"/"rating": "$pos"/' \
  "variants.history.interactions.fields.rating: unknown derived field '\$pos' (expected \$line or \$position)"
bad "\$position without explode" 's/"explode": {"column": "items", "list": "separated", "separator": " "},/"explode": null, "flags": null,/; s/"fields": {"user_id": "user", "item_id": "items"}/"fields": {"user_id": "user", "item_id": "items", "rating": "$position"}/' \
  "\$position' is the position in an exploded list, and the table has no 'explode'"
bad "a timestamp from \$line" 's/"fields": {"user_id": "impression_id", "item_id": "news", "rating": "label"}/"fields": {"user_id": "impression_id", "item_id": "news", "timestamp": "$line"}, "time": "unix_s"/' \
  "'timestamp' cannot be \$line"
bad "an explode column not in columns" 's/"explode": {"column": "history", "as": "news"}/"explode": {"column": "hist", "as": "news"}/' \
  "variants.history.interactions.explode.column: column 'hist' is not in 'columns'"
bad "a key of an element that is split into parts" 's/"item_id": "news", "rating": "label", "timestamp"/"item_id": "impressions.id", "rating": "label", "timestamp"/' \
  "'impressions.id' names a key of an object element, but the list is split into parts"
bad "a separator with list json" 's/"list": "separated", "separator": " "/"list": "json", "separator": " "/' \
  "explode.separator: applies to list 'separated' only, not 'json'"
bad "a part named like the element" 's/"as": "imp", "parts": \["news", "label"\]/"as": "imp", "parts": ["imp", "label"]/' \
  "'imp' is the element's name ('as') already"
bad "an unknown key" 's/"list": "separated",/"lst": "separated",/' "explode: unknown key 'lst'"
check_grep "manifest: table.explode names the column" '"explode": "impressions"' "$T/clicks1/manifest.json"

# Amazon-M2 sessions_train.csv: prev_items is numpy's repr of a string array inside a quoted CSV
# field, wrapped by numpy across lines (a newline and a space) in long sessions; next_item is the
# session's last item; no user and no time: the session's first line is its user
python3 - "$F" <<'PY'
import sys, ast
from l4r_expect import line
out = open(sys.argv[1] + "/sessions_train.csv", "w", newline="")
want = open(sys.argv[1] + "/m2.want", "w")
out.write("prev_items,next_item,locale\n")
lno = 2
for s in range(400):
    items = ["B0%08X" % ((s * 2654435761 + k * 40503) % 0xFFFFFFFF) for k in range(1 + s % 14)]
    nxt = "B0%08X" % (s * 97 + 5)
    body = ""
    for k, it in enumerate(items):
        body += ("" if k == 0 else ("\n " if k % 6 == 0 else " ")) + "'" + it + "'"
    rec = '"[' + body + ']",' + nxt + "," + ["DE", "JP", "UK"][s % 3] + "\n"
    out.write(rec)
    for it in items + [nxt]:
        want.write(line([lno, it, "1", ""]))
    lno += rec.count("\n")
PY
# Steam v1 australian_users_items: one Python dict per user with a list of item dicts (a name with
# an apostrophe is written in double quotes, as Python's repr does; one user owns no items), and
# the same data as JSON lines
python3 - "$F" <<'PY'
import sys, json
from l4r_expect import line
py = open(sys.argv[1] + "/australian_users_items.json", "w")
js = open(sys.argv[1] + "/users_items.jsonl", "w")
want = open(sys.argv[1] + "/steam.want", "w")
names = ["Counter-Strike", "Garry's Mod", "Team Fortress Classic", "Portal 2"]
for u in range(250):
    uid = str(76561197970982479 + u * 7919) if u % 5 else "vanity_%d" % u
    items = [{"item_id": str(10 * (1 + (u + k) % 40)), "item_name": names[(u + k) % 4],
              "playtime_forever": (u * k) % 7, "playtime_2weeks": 0} for k in range(u % 6)]
    rec = {"user_id": uid, "items_count": len(items), "steam_id": uid,
           "user_url": "http://steamcommunity.com/profiles/" + uid, "items": items}
    py.write(repr(rec) + "\n")
    js.write(json.dumps(rec) + "\n")
    for it in items:
        if it["playtime_forever"] > 0:
            want.write(line([uid, it["item_id"], it["playtime_forever"], ""]))
PY
cat >"$R/xo.json" <<JSON
{
  "schema": 1, "dataset": "xo", "title": "explode test, lists of values and objects", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "m2",
  "variants": {
    "m2": {"description": "Amazon-M2 sessions", "files": $(file sessions_train.csv),
      "interactions": {"path": "sessions_train.csv", "format": "csv", "header": true,
        "explode": {"column": "prev_items", "list": "numpy", "as": "item", "append": "next_item"},
        "fields": {"user_id": "\$line", "item_id": "item"}}},
    "steam": {"description": "Steam v1 users and their items", "files": $(file australian_users_items.json),
      "interactions": {"path": "australian_users_items.json", "format": "python-literal",
        "explode": {"column": "items", "as": "it"},
        "fields": {"user_id": "user_id", "item_id": "it.item_id", "rating": "it.playtime_forever"},
        "filter": [{"column": "it.playtime_forever", "op": ">", "value": 0}]}},
    "steamjson": {"description": "the same as JSON lines", "files": $(file users_items.jsonl),
      "interactions": {"path": "users_items.jsonl", "format": "jsonl",
        "explode": {"column": "items", "as": "it"},
        "fields": {"user_id": "user_id", "item_id": "it.item_id", "rating": "it.playtime_forever"},
        "filter": [{"column": "it.playtime_forever", "op": ">", "value": 0}]}}
  }
}
JSON
xo() { "$L4R" --recipes "$R" convert xo "$@"; }
for j in 1 3; do
  check_exit 0 "m2 -j $j" xo --variant m2 --raw "$F/sessions_train.csv" -o "$T/m2-$j" -q -j "$j" --block-size 4096
  check_exit 0 "steam -j $j" xo --variant steam --raw "$F/australian_users_items.json" -o "$T/steam$j" -q -j "$j" --block-size 4096
  check_exit 0 "steam json -j $j" xo --variant steamjson --raw "$F/users_items.jsonl" -o "$T/steamj$j" -q -j "$j" --block-size 4096
done
for v in m2- steam steamj; do
  check_same "$v: -j 1 and -j 3 write the same bytes" "$T/${v}1/interactions.tsv" "$T/${v}3/interactions.tsv"
done
check_same "m2: each session's items in order, next_item last, the session's first line as user" \
  "$(bodyf "$T/m2-1/interactions.tsv")" "$F/m2.want"
check_same "steam: the played items of every user (Python literals)" "$(bodyf "$T/steam1/interactions.tsv")" "$F/steam.want"
check_same "steam: the same from JSON lines" "$(bodyf "$T/steamj1/interactions.tsv")" "$F/steam.want"
check_exit 0 "m2: the seq split" xo --variant m2 --raw "$F/sessions_train.csv" -o "$T/m2-seq" -q --split seq
check_exit 0 "m2: stats reads it" "$L4R" stats "$T/m2-seq"

# an element that does not parse fails its whole record; --max-errors skips the record
sed '8s/{.item_id.: .\([0-9]*\).,/{"item_id": ["\1"],/' "$F/australian_users_items.json" >"$F/bad.json"
check "bad.json: line 8 changed" test "$(cmp "$F/bad.json" "$F/australian_users_items.json" 2>&1 | grep -c 'line 8')" = 1
check_exit 7 "an array where an item id should be" xo --variant steam --raw "$F/bad.json" -o "$T/bad" -q
check_grep "names line, element and key" "bad.json' line 8: key 'item_id' of element 1 of 'items' holds an array" "$T/.err"
for j in 1 3; do
  check_exit 0 "--max-errors 1 skips the record -j $j" xo --variant steam --raw "$F/bad.json" -o "$T/badm$j" -q \
    --max-errors 1 -j "$j" --block-size 4096
done
check_same "--max-errors: -j 1 and -j 3 agree" "$T/badm1/interactions.tsv" "$T/badm3/interactions.tsv"
awk -F'\t' -v u="$(sed -n '8s/^{.user_id.: .\([^'"'"']*\).*/\1/p' "$F/australian_users_items.json")" '$1 != u' "$F/steam.want" >"$T/bad.want"
check_same "--max-errors: every row but those of line 8" "$(bodyf "$T/badm1/interactions.tsv")" "$T/bad.want"
printf 'prev_items,next_item,locale\n"[%s ... %s]",B1,DE\n' "'B01'" "'B99'" >"$F/summ.csv"
check_exit 7 "m2: numpy's '...' summary is an error" xo --variant m2 --raw "$F/summ.csv" -o "$T/summ" -q
check_grep "saying the list is incomplete" "summ.csv' line 2: 'prev_items'.*numpy summarised this array" "$T/.err"

# info shows the explode as the recipe says it, in text and JSON
check_exit 0 "info shows a split explode" "$L4R" --recipes "$R" info xt --variant shown
check_grep "info: column, list, element, parts" \
  'explode:   impressions, a list (separated by " "): one interaction per element, named imp; split at the last "-" into news, label' "$T/.out"
check_exit 0 "info shows a numpy explode" "$L4R" --recipes "$R" info xo --variant m2
check_grep "info: numpy and append" 'explode:   prev_items, a list (numpy): one interaction per element, named item; then next_item' "$T/.out"
check_exit 0 "info --json" "$L4R" --recipes "$R" info xt --variant shown --json
check_eq "info --json: the explode object" "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["interactions"]["explode"], sort_keys=True))' "$T/.out")" \
  '{"append": null, "as": "imp", "column": "impressions", "list": "separated", "part_separator": "-", "parts": ["news", "label"], "separator": " "}'
check_exit 0 "info --json, a Python literal's list" "$L4R" --recipes "$R" info xo --variant steam --json
check_eq "info --json: its own syntax when the recipe does not say" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interactions"]["explode"]["list"])' "$T/.out")" python
check_exit 0 "info --json without explode" "$L4R" info movielens --json
check_eq "info --json: explode is null" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["interactions"]["explode"])' "$T/.out")" None

# {"join": ...}: list-valued item fields joined into one text column — Steam games' genres and
# tags (Python lists; a game without tags; a null), Amazon 2014 meta's nested category lists,
# Goodreads-style author objects (a key), a JSON list inside a CSV text field
python3 - "$F" <<'PY'
import sys, json
from l4r_expect import line
d = sys.argv[1]
games = open(d + "/steam_games.json", "w")
books = open(d + "/books.jsonl", "w")
csvf = open(d + "/news.csv", "w")
gw, bw, cw = open(d + "/games.want", "w"), open(d + "/books.want", "w"), open(d + "/news.want", "w")
gw.write("item_id\ttitle\tgenres\ttags\tcategories\n"); bw.write("item_id\ttitle\tauthors\n"); cw.write("item_id\ttitle\tentities\n")
for i in range(120):
    g = {"publisher": "P%d" % i, "genres": ["Action", "Indie", "Casual"][: i % 4], "app_name": "Game %d's" % i,
         "title": "Game %d's" % i, "id": str(761140 + i), "tags": None if i % 7 == 0 else ["T%d" % (i % 5), "Multi|Player"],
         "categories": [["Games", "PC"], ["Games", "Sub %d" % (i % 3)]], "price": 4.99 if i % 2 else "Free To Play"}
    if i % 11 == 0:
        del g["tags"]
    games.write(repr(g) + "\n")
    tags = g.get("tags") or None
    cats = [c for sub in g["categories"] for c in sub]
    gw.write(line([g["id"], g["title"], "|".join(g["genres"]), "|".join(tags) if tags else "", " > ".join(cats)]))
    b = {"book_id": str(5000 + i), "title": "Book \"%d\"" % i, "authors": [{"author_id": str(100 + k), "role": ""} for k in range(i % 3)]}
    books.write(json.dumps(b) + "\n")
    bw.write(line([b["book_id"], b["title"], ",".join(a["author_id"] for a in b["authors"])]))
    ents = [{"Label": "L%d" % k} for k in range(i % 2)] and ["Q%d" % i, "Q%d" % (i + 1)][: i % 3]
    csvf.write('N%d,Title %d,"%s"\n' % (i, i, json.dumps(ents).replace('"', '""')))
    cw.write(line(["N%d" % i, "Title %d" % i, ";".join(ents)]))
PY
printf 'user,item\n1,761140\n' >"$F/games_inter.csv"
printf 'user,item\n1,5000\n' >"$F/books_inter.csv"
printf 'user,item\n1,N0\n' >"$F/news_inter.csv"
cat >"$R/xj.json" <<JSON
{
  "schema": 1, "dataset": "xj", "title": "join test", "homepage": "https://example.org/",
  "license": "test data", "citation": "none", "default_variant": "games",
  "variants": {
    "games": {"description": "Steam games", "files": $(file games_inter.csv),
      "interactions": {"path": "games_inter.csv", "format": "csv", "header": true, "fields": {"user_id": "user", "item_id": "item"}},
      "items": {"path": "steam_games.json", "format": "python-literal",
        "fields": {"item_id": "id", "title": "title", "genres": {"join": "genres"}, "tags": {"join": "tags"},
                   "categories": {"join": "categories", "separator": " > "}}}},
    "books": {"description": "authors", "files": $(file books_inter.csv),
      "interactions": {"path": "books_inter.csv", "format": "csv", "header": true, "fields": {"user_id": "user", "item_id": "item"}},
      "items": {"path": "books.jsonl", "format": "jsonl",
        "fields": {"item_id": "book_id", "title": "title", "authors": {"join": "authors", "key": "author_id", "separator": ","}}}},
    "news": {"description": "a JSON list in a CSV field", "files": $(file news_inter.csv),
      "interactions": {"path": "news_inter.csv", "format": "csv", "header": true, "fields": {"user_id": "user", "item_id": "item"}},
      "items": {"path": "news.csv", "format": "csv", "columns": ["id", "title", "ents"],
        "fields": {"item_id": "id", "title": "title", "entities": {"join": "ents", "list": "json", "separator": ";"}}}}
  }
}
JSON
mkdir -p "$T/jg" "$T/jb" "$T/jn"
cp "$F/games_inter.csv" "$F/steam_games.json" "$T/jg/"; cp "$F/books_inter.csv" "$F/books.jsonl" "$T/jb/"; cp "$F/news_inter.csv" "$F/news.csv" "$T/jn/"
xj() { "$L4R" --recipes "$R" convert xj "$@"; }
check_exit 0 "join: Steam games' lists" xj --variant games --raw "$T/jg" -o "$T/jgo" -q
check_same "join: genres and tags joined with |, nested categories flattened, null and missing empty" "$T/jgo/items.tsv" "$F/games.want"
check_exit 0 "join: author objects by key" xj --variant books --raw "$T/jb" -o "$T/jbo" -q
check_same "join: the key of each object" "$T/jbo/items.tsv" "$F/books.want"
check_exit 0 "join: a JSON list in a CSV field" xj --variant news --raw "$T/jn" -o "$T/jno" -q
check_same "join: the list in the text, joined" "$T/jno/items.tsv" "$F/news.want"
for j in 1 3; do
  check_exit 0 "join -j $j" xj --variant games --raw "$T/jg" -o "$T/jgj$j" -q -j $j --block-size 4096
done
check_same "join: -j 1 and -j 3 agree" "$T/jgj1/items.tsv" "$T/jgj3/items.tsv"
sed 's/"authors": {"join": "authors", "key": "author_id", "separator": ","}/"authors": {"join": "authors"}/' "$R/xj.json" >"$T/xj2.json"
mkdir -p "$T/xj2" && mv "$T/xj2.json" "$T/xj2/xj.json"
check_exit 7 "join: objects without a key are an error" "$L4R" --recipes "$T/xj2" convert xj --variant books --raw "$T/jb" -o "$T/jbx" -q
check_grep "join: the message names the key to set" "books.jsonl' line 2: 'authors': element 1 is an object (the recipe's \"key\" names the key to join)" "$T/.err"
sed 's/"genres": {"join": "genres"}/"genres": {"join": "genres", "list": "separated"}/' "$R/xj.json" >"$T/xj2/xj.json"
check_exit 6 "join: list separated is a recipe error" "$L4R" --recipes "$T/xj2" info xj
check_grep "join: saying to map the column" "genres.list: a text list that is already separated is taken as it is" "$T/.err"
sed 's/"fields": {"user_id": "user", "item_id": "item"}},\n      "items": {"path": "steam_games.json"/X/; 0,/"fields": {"user_id": "user", "item_id": "item"}/s//"fields": {"user_id": "user", "item_id": {"join": "item"}}/' "$R/xj.json" >"$T/xj2/xj.json"
check_exit 6 "join: not in an interactions table" "$L4R" --recipes "$T/xj2" info xj
check_grep "join: the message" '"join" is for items and users tables' "$T/.err"
check_exit 0 "info shows joins" "$L4R" --recipes "$R" info xj --variant books
check_grep "info: the join" 'authors <- authors\[\].author_id joined by ","' "$T/.out"
check_exit 0 "info --json shows joins" "$L4R" --recipes "$R" info xj --variant games --json
check_eq "info --json: the join object" "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["items"]["fields"]["categories"], sort_keys=True))' "$T/.out")" \
  '{"join": "categories", "key": null, "list": null, "separator": " > "}'

# Steam v1 australian_user_reviews: nested review dicts whose 'posted' dates may lack the year
# (the crawl year, "time_year"); info says which year
mkdir -p "$T/ty-r" "$T/ty-in"
cat >"$T/ty-r/ty.json" <<'JSON'
{"schema": 1, "dataset": "ty", "title": "t", "license": "x", "default_variant": "v",
 "variants": {"v": {"description": "d", "files": [{"url": "https://example.org/australian_user_reviews.json"}],
   "interactions": {"path": "australian_user_reviews.json", "format": "python-literal",
     "explode": {"column": "reviews", "as": "r"},
     "fields": {"user_id": "user_id", "item_id": "r.item_id", "timestamp": "r.posted"}, "time": "posted", "time_year": 2016,
     "filter": [{"column": "r.recommend", "op": "==", "value": "true"}]}}}}
JSON
cat >"$T/ty-in/australian_user_reviews.json" <<'PY'
{'user_id': '76561197970982479', 'user_url': 'http://steamcommunity.com/profiles/76561197970982479', 'reviews': [{'funny': '', 'posted': 'Posted November 5, 2011.', 'last_edited': '', 'item_id': '1250', 'helpful': 'No ratings yet', 'recommend': True, 'review': 'Simple yet with great replayability.'}, {'funny': '', 'posted': 'Posted April 21.', 'last_edited': '', 'item_id': '22200', 'helpful': '0 of 1 people (0%) found this review helpful', 'recommend': True, 'review': "It's fun"}, {'funny': '', 'posted': 'Posted July 28, 2012.', 'last_edited': '', 'item_id': '43110', 'helpful': 'No ratings yet', 'recommend': False, 'review': 'meh'}]}
{'user_id': 'evcentric', 'user_url': 'http://steamcommunity.com/id/evcentric', 'reviews': []}
PY
check_exit 0 "steam v1 reviews: posted dates, nested, recommend filter" "$L4R" --recipes "$T/ty-r" convert ty \
  --raw "$T/ty-in/australian_user_reviews.json" -o "$T/ty-o" -q
printf 'user_id\titem_id\trating\ttimestamp\n76561197970982479\t1250\t1\t1320451200\n76561197970982479\t22200\t1\t1461196800\n' >"$T/ty.want"
check_same "steam v1 reviews: a year-less date is in time_year, a user without reviews adds nothing" "$T/ty-o/interactions.tsv" "$T/ty.want"
check_exit 0 "info shows time_year" "$L4R" --recipes "$T/ty-r" info ty
check_grep "info: time_year" 'time:      posted (a date without a year is in 2016: "time_year")' "$T/.out"
