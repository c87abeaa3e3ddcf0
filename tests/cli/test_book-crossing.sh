# CLI tests: the book-crossing recipe on l4r-gen's BX-CSV-Dump.zip (three ';'-separated files, a
# header, every value quoted except the NULL of a missing age, backslash-escaped quotes and
# backslashes, ';' and '&amp;' inside titles, cp1252-only bytes, CRLF, implicit 0 ratings, ISBNs
# missing from the books file, titles that end in a backslash before the closing quote).  The
# expected outputs come from a python tokenizer of the fixture's bytes, cross-checked against
# datasets.md's quote-aware split; -j 1 = -j 3; explicit (rating > 0) and all; seq split in file
# order (no time); the variants are manual (exit 9 naming the page and file), fetch --from then
# convert = convert --raw; info shows the license and the filter.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate the dump" "$GEN" book-crossing dump "$F" --lines 4000
check_exit 0 "generate again" "$GEN" book-crossing dump "$F/again" --lines 4000
check_same "generator: same arguments, same bytes" "$F/BX-CSV-Dump.zip" "$F/again/BX-CSV-Dump.zip"
check_exit 0 "generator: scales with --lines/--users/--items" "$GEN" book-crossing dump "$F/big" --lines 6000 --users 200 --items 3000
Z="$F/BX-CSV-Dump.zip"

python3 - "$Z" "$F/big/BX-CSV-Dump.zip" "$T" <<'PY'
import re, sys, zipfile
from l4r_expect import write_tsv
zpath, bigpath, out = sys.argv[1:4]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")
def parse(line):
    """One BX line: quoted values (a backslash takes the next character as it is) or bare ones
    (NULL), separated by ';'.  None when a quoted value is followed by anything but ';' or the end."""
    vals, i, n = [], 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            v = []
            while i < n and line[i] != '"':
                # an escaped quote that ends the field ('\";"' or '\"' at the end) is a literal
                # backslash and the closing quote: upstream's own split at '";"' reads it so
                if line[i] == "\\" and i + 1 < n and line[i + 1] == '"' and (
                        i + 2 == n or (line[i + 2] == ";" and i + 3 < n and line[i + 3] == '"')):
                    v.append("\\")
                    i += 1
                    break
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                v.append(line[i])
                i += 1
            if i >= n:
                return None
            i += 1
            vals.append("".join(v))
        else:
            j = line.find(";", i)
            j = n if j < 0 else j
            vals.append(line[i:j])
            i = j
        if i == n:
            return vals
        if line[i] != ";":
            return None
        i += 1
def table(z, name):
    raw = z.read(name)
    text = raw.decode("cp1252")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    return raw, lines[0], lines[1:-1]
def write(name, head, rows):
    write_tsv(f"{out}/{name}", head, rows)
z = zipfile.ZipFile(zpath)
fact("layout", z.namelist() == ["BX-Book-Ratings.csv", "BX-Books.csv", "BX-Users.csv"])
raw, head, lines = table(z, "BX-Book-Ratings.csv")
fact("ratings_real_lines", raw.startswith(b'"User-ID";"ISBN";"Book-Rating"\r\n"276725";"034545104X";"0"\r\n'
                                          b'"276726";"0155061224";"5"\r\n"276727";"0446520802";"0"\r\n'))
fact("crlf", raw.count(b"\r\n") == raw.count(b"\n"))
ratings = [parse(l) for l in lines]
fact("ratings_parse", all(r is not None and len(r) == 3 for r in ratings))
write("all-inter.want", ["user_id", "item_id", "rating", "timestamp"], [(u, i, r, "") for u, i, r in ratings])
write("explicit-inter.want", ["user_id", "item_id", "rating", "timestamp"], [(u, i, r, "") for u, i, r in ratings if int(r) > 0])
zeros = sum(1 for r in ratings if r[2] == "0")
open(f"{out}/zeros", "w").write(f"{zeros}\n")
fact("implicit_zeros", zeros > 1000)
fact("ratings_1_to_10", {r[2] for r in ratings} == {str(k) for k in range(11)})
# seq split without time: per user in order of first appearance, the file's order
def seq(tag, rows):
    order, by = [], {}
    for r in rows:
        by.setdefault(r[0], []).append(r)
        if len(by[r[0]]) == 1:
            order.append(r[0])
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        rr = by[u]
        if len(rr) < 3:
            parts["train"] += rr
        else:
            parts["train"] += rr[:-2]; parts["valid"].append(rr[-2]); parts["test"].append(rr[-1])
    for k, rr in parts.items():
        write(f"{tag}-{k}.want", ["user_id", "item_id", "rating", "timestamp"], [(a, b, c, "") for a, b, c in rr])
seq("explicit", [r for r in ratings if int(r[2]) > 0])

braw, bhead, blines = table(z, "BX-Books.csv")
fact("books_header", bhead == '"ISBN";"Book-Title";"Book-Author";"Year-Of-Publication";"Publisher";"Image-URL-S";"Image-URL-M";"Image-URL-L"')
books = [parse(l) for l in blines]
bad = [i + 2 for i, b in enumerate(books) if b is None]
good = [b for b in books if b is not None]
open(f"{out}/bad_lines", "w").write(" ".join(map(str, bad)) + "\n")
fact("books_bad_lines", len(bad) == 0)
fact("books_title_ends_in_backslash", any('\\";"' in l for l in blines))
fact("books_good_8", all(len(b) == 8 for b in good))
# cross-check: datasets.md's split at '";"' agrees on every good line
fact("regex_agrees", all([re.sub(r'\\(.)', r'\1', p[1:-1]) for p in re.split(r'(?<=");(?=")', l)] == b
                         for l, b in zip(blines, books) if b is not None))
write("items.want", ["item_id", "title", "author", "year", "publisher", "image_url"],
      [(b[0], b[1], b[2], b[3], b[4], b[7]) for b in good])
titles = [b[1] for b in good]
fact("escaped_quote", b'\\"' in braw and any('"' in t for t in titles))
fact("escaped_backslash", any("\\" in t for t in titles))
fact("semicolon_in_title", any(";" in t for t in titles))
fact("amp_entity", any("&amp;" in t for t in titles))
fact("cp1252_only_bytes", all(c in braw for c in (b"\x92", b"\x96", b"\x80")) and any("\u20ac" in t for t in titles))
fact("latin1_letters", b"\xe9" in braw or b"\xfc" in braw)
fact("year_zero", any(b[3] == "0" for b in good))
isbns = {b[0] for b in good}
fact("ratings_of_unknown_isbns", any(r[1] not in isbns for r in ratings))
fact("lowercase_x_isbn", any(r[1].endswith("x") for r in ratings))
fact("real_isbns_are_books", {"034545104X", "0155061224", "0446520802"} <= isbns)

uraw, uhead, ulines = table(z, "BX-Users.csv")
fact("users_real_line", ulines[0] == '1;"nyc, new york, usa";NULL'.replace("1;", '"1";', 1))
users = [parse(l) for l in ulines]
fact("users_parse", all(u is not None and len(u) == 3 for u in users))
fact("null_age_unquoted", b'";NULL\r\n' in uraw and b'"NULL"' not in uraw)
write("users.want", ["user_id", "location", "age"], users)

big = zipfile.ZipFile(bigpath)
_, _, bl = table(big, "BX-Book-Ratings.csv")
_, _, bb = table(big, "BX-Books.csv")
_, _, bu = table(big, "BX-Users.csv")
fact("gen_scales", len(bl) == 6000 and len(bb) == 3000 and len(bu) == 201)
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts")" 25
nbad=$(wc -w <"$T/bad_lines")
first_bad=$(cut -d' ' -f1 "$T/bad_lines")

bx() { "$L4R" convert book-crossing "$@"; }
check_exit 0 "a title ending in a backslash converts (no --max-errors needed: split at '\";\"' as upstream's reader does)" bx --raw "$Z" -o "$T/e" -q
check_grep "the title keeps its final backslash" "Readers)\\\\	" "$T/e/items.tsv"
for v in explicit all; do
  for j in 1 3; do
    check_exit 0 "$v -j $j --max-errors $nbad" bx --variant "$v" --raw "$Z" -o "$T/$v$j" -q -j "$j" --block-size 4096 --max-errors "$nbad"
  done
  for f in interactions items users; do
    check_same "$v: -j 1 = -j 3 ($f.tsv)" "$T/${v}1/$f.tsv" "$T/${v}3/$f.tsv"
  done
  check_same "$v: interactions (User-ID, ISBN, Book-Rating, no time)" "$T/${v}1/interactions.tsv" "$T/$v-inter.want"
  check_same "$v: items: \\\" a quote, \\\\ a backslash, ';' and &amp; kept, cp1252 decoded, bad lines skipped" "$T/${v}1/items.tsv" "$T/items.want"
  check_same "$v: users: location, age (NULL copied)" "$T/${v}1/users.tsv" "$T/users.want"
done
check_grep "explicit: the implicit 0s are counted as filtered out" "\"filtered_out\": $(cat "$T/zeros")" "$T/explicit1/manifest.json"
check_nogrep "explicit: nothing skipped as a bad record" '"records_skipped"' "$T/explicit1/manifest.json"
check_eq "all: every rating row kept" "$(($(wc -l <"$T/all1/interactions.tsv") - 1))" 4000
check_exit 0 "explicit --split seq (no time: file order)" bx --raw "$Z" -o "$T/seq" -q --split seq --max-errors "$nbad"
for k in train valid test; do
  check_same "seq $k: each user's ratings in file order" "$T/seq/$k.tsv" "$T/explicit-$k.want"
done

# info, manual fetch, --from
check_exit 0 "info" "$L4R" info book-crossing
check_grep "info: the license (research use, cite)" "Freely available for research use" "$T/.out"
check_grep "info: the citation" "Improving Recommendation Lists Through Topic Diversification" "$T/.out"
check_grep "info: the filter" "filter:    Book-Rating > 0" "$T/.out"
check_grep "info: the escape rule in the notes" "a backslash escapes the" "$T/.out"
check_grep "info: cp1252" "encoding cp1252" "$T/.out"
check_exit 0 "info all" "$L4R" info book-crossing --variant all
check_nogrep "info all: no filter" "filter:" "$T/.out"
for v in explicit all; do
  check_exit 9 "$v: fetch is manual (the original site is gone), exit 9" "$L4R" fetch book-crossing --variant "$v"
  check_grep "$v: the message names the original page" "http://www2.informatik.uni-freiburg.de/~cziegler/BX/BX-CSV-Dump.zip" "$T/.err"
  check_grep "$v: the message names the dump" "unchanged dump BX-CSV-Dump.zip (BX-Book-Ratings.csv," "$T/.err"
  check_grep "$v: the message names the other files" "BX-Books.csv and BX-Users.csv at its root" "$T/.err"
  check_grep "$v: the --from command" "fetch book-crossing --variant $v --from BX-CSV-Dump.zip" "$T/.err"
done
check_exit 0 "fetch --from BX-CSV-Dump.zip" "$L4R" fetch book-crossing --from "$Z" -q
check "fetch: the three files unpacked" test -f "$LLM4REC_DATA_HOME/book-crossing/explicit/BX-Users.csv"
check_exit 0 "convert the fetched copy" bx -o "$T/fetched" -q --max-errors "$nbad"
for f in interactions items users; do
  check_same "fetched = --raw ($f.tsv)" "$T/fetched/$f.tsv" "$T/explicit1/$f.tsv"
done
