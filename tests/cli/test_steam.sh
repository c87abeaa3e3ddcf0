# CLI tests: the steam recipe on l4r-gen's Steam files.  v2: steam_reviews.json.gz (Python 2 repr,
# u"..." around a text holding ', \n \' \\ \u2665 \U0001f600 escapes, free-text usernames with TABs and
# line breaks, grouped by game so users' reviews are out of time order, day dates, repeated pairs)
# and steam_games.json.gz (lists, price a float or a text, lines without id or title, an id twice).
# v1: australian_user_reviews.json.gz (Python 3 repr, one user per line, nested reviews, 'Posted'
# dates with and without a year, users without reviews) and australian_users_items.json.gz (nested
# libraries, playtime as rating, no time).  Every expected output comes from python's
# ast.literal_eval of the fixture lines; -j 1 and -j 3 must write the same bytes; the seq split
# follows the dates (or the list order without time); fetch goes through a file:// mirror.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
V2="$F/v2"
V1="$F/v1"
mkdir -p "$V2" "$V1"
check_exit 0 "generate v2 reviews" "$GEN" steam reviews --lines 3000 --users 600 --items 300 --gzip -o "$V2/steam_reviews.json.gz"
check_exit 0 "generate v2 games" "$GEN" steam games --items 300 --gzip -o "$V2/steam_games.json.gz"
check_exit 0 "generate v1 reviews" "$GEN" steam user-reviews --users 400 --items 300 --gzip -o "$V1/australian_user_reviews.json.gz"
check_exit 0 "generate v1 libraries" "$GEN" steam users-items --users 300 --items 300 --gzip -o "$V1/australian_users_items.json.gz"
check_exit 0 "generate bundles" "$GEN" steam bundles --lines 40 --items 300 --gzip -o "$F/bundle_data.json.gz"
cp "$V2/steam_games.json.gz" "$V1/"
check_exit 0 "generator: same arguments, same bytes" "$GEN" steam reviews --lines 3000 --users 600 --items 300 --gzip -o "$F/again.gz"
check_same "generator is deterministic" "$V2/steam_reviews.json.gz" "$F/again.gz"

# datasets.md's lines come first (the v2 review shape; the game line; the v1 lines' quoted starts)
check_eq "fixture: datasets.md's v2 review shape is line 1" "$(gzip -dc "$V2/steam_reviews.json.gz" | head -1)" \
  "{u'username': u'...', u'hours': 0.1, u'products': 41, u'product_id': u'725280', u'page_order': 0, u'date': u'2017-12-17', u'text': u'...', u'early_access': False, u'page': 1}"
# the verified part of datasets.md's game line, completed by its believed remainder (early_access, id, developer)
check_eq "fixture: datasets.md's game line is line 1" "$(gzip -dc "$V2/steam_games.json.gz" | head -1)" \
  "{u'publisher': u'Kotoshiro', u'genres': [u'Action', u'Casual', u'Indie', u'Simulation', u'Strategy'], u'app_name': u'Lost Summoner Kitty', u'title': u'Lost Summoner Kitty', u'url': u'http://store.steampowered.com/app/761140/Lost_Summoner_Kitty/', u'release_date': u'2018-01-04', u'tags': [u'Strategy', u'Action', u'Indie', u'Casual', u'Simulation'], u'discount_price': 4.49, u'reviews_url': u'http://steamcommunity.com/app/761140/reviews/?browsefilter=mostrecent&p=1', u'specs': [u'Single-player'], u'price': 4.99, u'early_access': False, u'id': u'761140', u'developer': u'Kotoshiro'}"
gzip -dc "$V1/australian_user_reviews.json.gz" | head -1 >"$F/r1"
check_grep "fixture: datasets.md's v1 review line starts line 1" \
  "^{'user_id': '76561197970982479', 'user_url': 'http://steamcommunity.com/profiles/76561197970982479', 'reviews': \[{'funny': '', 'posted': 'Posted November 5, 2011.', 'last_edited': '', 'item_id': '1250', 'helpful': 'No ratings yet', 'recommend': True, 'review': 'Simple yet with great replayability." "$F/r1"
gzip -dc "$V1/australian_users_items.json.gz" | head -1 >"$F/i1"
check_grep "fixture: datasets.md's v1 library line starts line 1" \
  "^{'user_id': '76561197970982479', 'items_count': 277, 'steam_id': '76561197970982479', 'user_url': 'http://steamcommunity.com/profiles/76561197970982479', 'items': \[{'item_id': '10', 'item_name': 'Counter-Strike', 'playtime_forever': 6, 'playtime_2weeks': 0}, {'item_id': '20', 'item_name': 'Team Fortress Classic', 'playtime_forever': 0, 'playtime_2weeks': 0}, " "$F/i1"

# The independent reading: python's ast.literal_eval of every line, its own date parsing.
python3 - "$F" <<'PY'
import ast, calendar, gzip, sys
from l4r_expect import write_tsv
F = sys.argv[1]
HEAD = ["user_id", "item_id", "rating", "timestamp"]
def lines(p):
    return [ast.literal_eval(l) for l in gzip.open(p, "rt", encoding="utf-8")]
def clean(s):
    return str(s).replace("\t", " ").replace("\n", " ").replace("\r", " ")
def day(s):
    y, m, d = map(int, s.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
def posted(s):
    assert s.startswith("Posted ") and s.endswith(".")
    body = s[7:-1]
    if "," in body:
        md, y = body.split(", ")
        y = int(y)
    else:
        md, y = body, 2016
    m, d = md.split(" ")
    return calendar.timegm((y, MONTHS.index(m) + 1, int(d), 0, 0, 0))
def write(name, rows):
    write_tsv(F + "/" + name, HEAD, rows)
def seq(prefix, rows):
    users, by = [], {}
    for r in rows:
        if r[0] not in by:
            by[r[0]] = []
            users.append(r[0])
        by[r[0]].append(r)
    out = {"train": [], "valid": [], "test": []}
    for u in users:
        rr = sorted(by[u], key=lambda r: int(r[3]) if r[3] else 0)  # stable: ties keep the file's order
        if len(rr) < 3:
            out["train"] += rr
        else:
            out["train"] += rr[:-2]
            out["valid"].append(rr[-2])
            out["test"].append(rr[-1])
    for k, v in out.items():
        write(prefix + "." + k, v)
facts = {}
# v2 reviews
rev = lines(F + "/v2/steam_reviews.json.gz")
v2 = [(clean(r["username"]), r["product_id"], "1", str(day(r["date"]))) for r in rev]
write("v2.inter", v2)
seq("v2", v2)
facts["v2_rows"] = len(v2)
facts["v2_pairs"] = len(set((u, i) for u, i, _, _ in v2))
facts["v2_users"] = len(set(r["username"] for r in rev))
facts["v2_users_clean"] = len(set(u for u, _, _, _ in v2))
facts["v2_tabname"] = sum(1 for u, _, _, _ in v2 if u == "Tab Name")
facts["v2_ws_names"] = sum(1 for r in rev if any(c in r["username"] for c in "\t\n\r"))
facts["v2_quote_names"] = sum(1 for r in rev if "'" in r["username"])
facts["v2_nonascii"] = sum(1 for r in rev if any(ord(c) > 0x7f for c in r["username"]))
facts["v2_desc"] = sum(1 for a, b in zip(v2, v2[1:]) if int(a[3]) > int(b[3]))
# games: the first line of an id wins, lines without id are bad records
games = lines(F + "/v2/steam_games.json.gz")
cols = ["title", "app_name", "genres", "tags", "specs", "developer", "publisher", "release_date", "price",
        "discount_price", "metascore", "sentiment", "url", "early_access"]
def cell(g, c):
    v = g.get(c)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "|".join(clean(x) for x in v)
    return clean(v)
seen, items, noid = set(), [], []
for n, g in enumerate(games, 1):
    if "id" not in g:
        noid.append(n)
        continue
    if g["id"] in seen:
        continue
    seen.add(g["id"])
    items.append([g["id"]] + [cell(g, c) for c in cols])
write_tsv(F + "/items.want", ["item_id"] + cols, items)
facts["games_noid"] = len(noid)
facts["games_noid_first"] = noid[0]
facts["games_dups"] = len(games) - len(noid) - len(items)
facts["games_notitle"] = sum(1 for g in games if "id" in g and "title" not in g)
facts["games_price_text"] = sum(1 for g in games if isinstance(g.get("price"), str))
facts["games_price_float"] = sum(1 for g in games if isinstance(g.get("price"), float))
# v1 reviews: one row per element of 'reviews'
ur = lines(F + "/v1/australian_user_reviews.json.gz")
v1r = [(u["user_id"], r["item_id"], "1", str(posted(r["posted"]))) for u in ur for r in u["reviews"]]
v1p = [(u["user_id"], r["item_id"], "1", str(posted(r["posted"]))) for u in ur for r in u["reviews"] if r["recommend"] is True]
write("v1r.inter", v1r)
write("v1p.inter", v1p)
seq("v1r", v1r)
facts["v1r_rows"] = len(v1r)
facts["v1r_yearless"] = sum(1 for u in ur for r in u["reviews"] if "," not in r["posted"])
facts["v1r_feb29"] = sum(1 for u in ur for r in u["reviews"] if r["posted"] == "Posted February 29.")
facts["v1r_empty"] = sum(1 for u in ur if not u["reviews"])
facts["v1r_vanity"] = sum(1 for u in ur if not u["user_id"].isdigit())
facts["v1r_negatives"] = len(v1r) - len(v1p)
# v1 libraries: playtime as rating, no time (the list order is the order)
ui = lines(F + "/v1/australian_users_items.json.gz")
v1i = [(u["user_id"], it["item_id"], str(it["playtime_forever"]), "") for u in ui for it in u["items"]]
write("v1i.inter", v1i)
seq("v1i", v1i)
facts["v1i_rows"] = len(v1i)
facts["v1i_count_ok"] = int(all(u["items_count"] == len(u["items"]) for u in ui))
facts["v1i_zero"] = sum(1 for r in v1i if r[2] == "0")
facts["v1i_played"] = len(v1i) - facts["v1i_zero"]
with open(F + "/facts", "w") as f:
    for k, v in facts.items():
        f.write("%s=%s\n" % (k, v))
PY
. "$F/facts"
check "fixture: usernames with a TAB or a line break" test "$v2_ws_names" -gt 0
check "fixture: usernames holding ' (written u\"...\")" test "$v2_quote_names" -gt 0
check "fixture: non-ASCII usernames (\\xe9, \\u2665, \\U0001f600)" test "$v2_nonascii" -gt 0
check "fixture: the file is not in time order" test "$v2_desc" -gt 100
check "fixture: repeated (user, item) pairs" test "$v2_pairs" -lt "$v2_rows"
check "fixture: games without id" test "$games_noid" -gt 1
check "fixture: an id listed twice" test "$games_dups" -ge 1
check "fixture: games without title" test "$games_notitle" -gt 0
check "fixture: prices as text and as float" test "$games_price_text" -gt 0 -a "$games_price_float" -gt 0
check "fixture: v1 dates without a year" test "$v1r_yearless" -gt 0
check "fixture: a year-less 29 February (a date only in a leap time_year)" test "$v1r_feb29" -gt 0
check "fixture: v1 users without reviews" test "$v1r_empty" -gt 0
check "fixture: v1 vanity user ids" test "$v1r_vanity" -gt 0
check "fixture: v1 reviews that do not recommend" test "$v1r_negatives" -gt 0
check "fixture: items_count is the list's length" test "$v1i_count_ok" = 1
check "fixture: owned games never played (playtime 0)" test "$v1i_zero" -gt 0

st() { "$L4R" convert steam "$@"; }
ME=""

# v2 reviews (the default variant); the game lines without an id are dropped by the recipe's
# filter 'id present' and counted (they used to stop the run: a regression test)
for j in 1 3; do
  check_exit 0 "reviews -j $j" st --raw "$V2/steam_reviews.json.gz" -o "$T/r$j" -q -j "$j" --block-size 4096 $ME
done
check_same "reviews: -j 1 and -j 3 write the same interactions" "$T/r1/interactions.tsv" "$T/r3/interactions.tsv"
check_same "reviews: -j 1 and -j 3 write the same items" "$T/r1/items.tsv" "$T/r3/items.tsv"
check_same "reviews: username, product_id, 1, date as UTC midnight, in source order" "$T/r1/interactions.tsv" "$F/v2.inter"
check_same "items: id, title, app_name, lists joined by |, price as written; id-less skipped, first id wins" \
  "$T/r1/items.tsv" "$F/items.want"
check_eq "reviews: the first line is converted (RBD's reader skips it)" "$(sed -n 2p "$T/r1/interactions.tsv")" \
  "$(printf '...\t725280\t1\t1513468800')"
check_eq "reviews: one output row per review, whatever the username holds" "$(($(wc -l <"$T/r1/interactions.tsv") - 1))" "$v2_rows"
check_eq "reviews: 'Tab<TAB>Name' and 'Tab Name' are one user (TAB becomes a space)" \
  "$(awk -F'\t' '$1 == "Tab Name"' "$T/r1/interactions.tsv" | wc -l)" "$v2_tabname"
check_eq "manifest: the id-less games counted as filtered out" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["items"]["filtered_out"])' "$T/r1/manifest.json")" "$games_noid"
check_nogrep "manifest: nothing skipped as a bad record" '"records_skipped"' "$T/r1/manifest.json"
check_eq "manifest: one item id skipped as a duplicate" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"]["duplicate_ids_skipped"])' "$T/r1/manifest.json")" "$games_dups"
check_eq "items: games without title have an empty title and keep app_name" \
  "$(awk -F'\t' 'NR > 1 && $2 == "" && $3 != ""' "$T/r1/items.tsv" | wc -l)" "$games_notitle"
for j in 1 3; do
  check_exit 0 "reviews --split seq -j $j" st --raw "$V2/steam_reviews.json.gz" -o "$T/rs$j" -q --split seq -j "$j" --block-size 4096 $ME
done
for k in train valid test; do
  check_same "reviews seq $k: by date, ties in file order (the file is grouped by game)" "$T/rs1/$k.tsv" "$F/v2.$k"
  check_same "reviews seq $k: -j 1 = -j 3" "$T/rs1/$k.tsv" "$T/rs3/$k.tsv"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/rs1"
check_grep "stats: users counted after the TAB rule" "^users	$v2_users_clean\$" "$T/.out"
check_exit 0 "reviews --dedup first" st --raw "$V2/steam_reviews.json.gz" -o "$T/rd" -q --dedup first $ME
check_eq "reviews --dedup first: one row per (username, product)" "$(($(wc -l <"$T/rd/interactions.tsv") - 1))" "$v2_pairs"

# v1 reviews: every review, and the recommended ones
for j in 1 3; do
  check_exit 0 "v1/reviews -j $j" st --variant v1/reviews --raw "$V1/australian_user_reviews.json.gz" -o "$T/v$j" -q -j "$j" --block-size 4096 $ME
  check_exit 0 "v1/recommended -j $j" st --variant v1/recommended --raw "$V1/australian_user_reviews.json.gz" -o "$T/p$j" -q -j "$j" --block-size 4096 $ME
done
check_same "v1/reviews: -j 1 = -j 3" "$T/v1/interactions.tsv" "$T/v3/interactions.tsv"
check_same "v1/recommended: -j 1 = -j 3" "$T/p1/interactions.tsv" "$T/p3/interactions.tsv"
check_same "v1/reviews: one row per nested review, 'Posted' dates (no year: 2016)" "$T/v1/interactions.tsv" "$F/v1r.inter"
check_same "v1/recommended: only recommend == True" "$T/p1/interactions.tsv" "$F/v1p.inter"
check_same "v1 items.tsv: the same games table" "$T/v1/items.tsv" "$F/items.want"
check_eq "v1/recommended: the others counted as filtered out" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["interactions"]["filtered_out"])' "$T/p1/manifest.json")" "$v1r_negatives"
check_eq "v1/reviews: the quoted review is 2011-11-05" "$(sed -n 2p "$T/v1/interactions.tsv")" "$(printf '76561197970982479\t1250\t1\t1320451200')"
check_exit 0 "v1/reviews --split seq" st --variant v1/reviews --raw "$V1/australian_user_reviews.json.gz" -o "$T/vs" -q --split seq $ME
for k in train valid test; do
  check_same "v1/reviews seq $k: by date (the lists are newest first)" "$T/vs/$k.tsv" "$F/v1r.$k"
done
mkdir -p "$F/ny"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); del r["variants"]["v1/reviews"]["interactions"]["time_year"]; json.dump(r, open(sys.argv[2], "w"))' \
  "$TOP/recipes/steam.json" "$F/ny/steam.json"
check_exit 7 "v1/reviews without time_year: a year-less date is an error" \
  "$L4R" --recipes "$F/ny" convert steam --variant v1/reviews --raw "$V1/australian_user_reviews.json.gz" -o "$T/ny" -q $ME
check_grep "without time_year: the message says the year is missing" "has no year" "$T/.err"

# v1 libraries: playtime as rating, no time
for j in 1 3; do
  check_exit 0 "v1/items -j $j" st --variant v1/items --raw "$V1/australian_users_items.json.gz" -o "$T/i$j" -q -j "$j" --block-size 4096 $ME
done
check_same "v1/items: -j 1 = -j 3" "$T/i1/interactions.tsv" "$T/i3/interactions.tsv"
check_same "v1/items: one row per owned game, playtime_forever as rating, empty timestamp" "$T/i1/interactions.tsv" "$F/v1i.inter"
check_eq "v1/items: manifest says there is no time" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"]["time"])' "$T/i1/manifest.json")" "none"
check_exit 0 "v1/items --split seq" st --variant v1/items --raw "$V1/australian_users_items.json.gz" -o "$T/is" -q --split seq $ME
for k in train valid test; do
  check_same "v1/items seq $k: the library order" "$T/is/$k.tsv" "$F/v1i.$k"
done
check_exit 0 "v1/items --min-rating 1: the played games" st --variant v1/items --raw "$V1/australian_users_items.json.gz" -o "$T/ip" -q --min-rating 1 $ME
check_eq "v1/items --min-rating 1 drops playtime 0" "$(($(wc -l <"$T/ip/interactions.tsv") - 1))" "$v1i_played"

# bundles: fetch only
check_exit 6 "convert bundles: refused, no interactions table" st --variant bundles --raw "$F/bundle_data.json.gz" -o "$T/b" -q
check_grep "convert bundles: the message says why" "no interaction table" "$T/.err"

# info
check_exit 0 "info steam" "$L4R" info steam
check_grep "info: license" "No explicit license is published" "$T/.out"
check_grep "info: SASRec citation" "kang2018self" "$T/.out"
check_grep "info: the id-less games are filtered" "id present" "$T/.out"
check_exit 0 "info v1/items" "$L4R" info steam --variant v1/items
check_grep "info v1/items: the third-party sha256" "0b329f79ddf450aba0aad923c8cb6d1affac0c98efaf70242d22fd10987a8d99" "$T/.out"
check_grep "info v1/items: the size" "73574835" "$T/.out"
check_exit 0 "info v1/reviews" "$L4R" info steam --variant v1/reviews
check_grep "info v1/reviews: the year of year-less dates" 'time:      posted (a date without a year is in 2016: "time_year")' "$T/.out"

# fetch through a file:// mirror
M="$T/mirror/mcauleylab.ucsd.edu/public_datasets/data/steam"
mkdir -p "$M"
cp "$V2/steam_reviews.json.gz" "$V2/steam_games.json.gz" "$V1/australian_user_reviews.json.gz" \
  "$V1/australian_users_items.json.gz" "$F/bundle_data.json.gz" "$M/"
check_exit 0 "convert reviews through the mirror (fetch, pin, convert)" \
  st --mirror "file://$T/mirror" -o "$T/m" -q $ME
check_same "mirror: the same interactions as --raw" "$T/m/interactions.tsv" "$T/r1/interactions.tsv"
check_same "mirror: the same items as --raw" "$T/m/items.tsv" "$T/r1/items.tsv"
check_exit 0 "fetch v1/reviews through the mirror" "$L4R" fetch steam --variant v1/reviews --mirror "file://$T/mirror" -q
check_exit 4 "fetch v1/items: the fixture is not the real file (size/sha256, exit 4)" \
  "$L4R" fetch steam --variant v1/items --mirror "file://$T/mirror" -q
check_exit 0 "fetch bundles through the mirror" "$L4R" fetch steam --variant bundles --mirror "file://$T/mirror" -q
check_same "fetched bundles are the mirror's bytes" "$(cat "$T/.out")/bundle_data.json.gz" "$F/bundle_data.json.gz"
