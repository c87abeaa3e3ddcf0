# CLI tests: Amazon reviews of all three releases on the streaming core — JSON lines (2014, 2018,
# 2023 in milliseconds), ratings-only CSVs (2018 is item first), Python-literal 2014 metadata,
# gzip through ISA-L and zlib, truncated and corrupt .gz, -j 1 = -j N.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"

# 2014 5-core reviews: the exact first line of reviews_Beauty_5.json.gz (datasets.md §3.1) + more
cat > "$F/reviews_Beauty_5.json" <<'J'
{"reviewerID": "A1YJEY40YUW4SE", "asin": "7806397051", "reviewerName": "Andrea", "helpful": [3, 4], "reviewText": "Very oily and creamy. Not at all what I expected... ordered this to try to highlight and contour and it just looked awful!!! Plus, took FOREVER to arrive.", "overall": 1.0, "summary": "Don't waste your money", "unixReviewTime": 1391040000, "reviewTime": "01 30, 2014"}
{"reviewerID": "A2SUAM1J3GNN3B", "asin": "0000013714", "helpful": [2, 3], "reviewText": "tab\there \"quoted\" caf\u00e9 \ud83d\ude00", "overall": 5.0, "summary": "x", "unixReviewTime": 1252800000, "reviewTime": "09 13, 2009"}
{"reviewerID": "A1YJEY40YUW4SE", "asin": "0000013714", "reviewerName": null, "helpful": [0, 0], "reviewText": "", "overall": 4.0, "summary": "", "unixReviewTime": 1391040000, "reviewTime": "01 30, 2014"}
J
gzip -c "$F/reviews_Beauty_5.json" > "$F/reviews_Beauty_5.json.gz"
# 2014 metadata: Python literals, not JSON (datasets.md §3.3)
cat > "$F/meta_Beauty.json" <<'J'
{'asin': '7806397051', 'title': "Don't \"Stop\" Kit", 'salesRank': {'Beauty': 402875}, 'categories': [['Beauty', 'Tools & Accessories']]}
{'asin': '0000013714', 'description': 'no title here', 'price': 12.5, 'related': {'also_bought': ['B001', 'B002']}}
{'asin': '0558925278', 'title': u'Eco Friendly \xe9co Brush Set', 'imUrl': 'http://ecx.images-amazon.com/images/I/51L%2BzYCQWSL._SX300_.jpg'}
J
gzip -c "$F/meta_Beauty.json" > "$F/meta_Beauty.json.gz"

printf 'user_id\titem_id\trating\ttimestamp\nA1YJEY40YUW4SE\t7806397051\t1.0\t1391040000\nA2SUAM1J3GNN3B\t0000013714\t5.0\t1252800000\nA1YJEY40YUW4SE\t0000013714\t4.0\t1391040000\n' > "$F/exp14.tsv"
# every text field a prompt uses: brand, price, the nested categories flattened, the description,
# the related ids (a key of the 'related' object) joined; absent keys are empty
# the title Don't "Stop" Kit holds a quote: written RFC 4180-quoted (docs/FORMAT.md)
printf 'item_id\ttitle\tbrand\tprice\tcategories\tdescription\talso_bought\talso_viewed\tbought_together\n7806397051\t"Don'"'"'t ""Stop"" Kit"\t\t\tBeauty|Tools & Accessories\t\t\t\t\n0000013714\t\t\t12.5\t\tno title here\tB001|B002\t\t\n0558925278\tEco Friendly \303\251co Brush Set\t\t\t\t\t\t\t\n' > "$F/exp14-items.tsv"

o="$T/a14"
check_exit 0 "2014 reviews .json.gz converts (default variant)" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" -o "$o" -q
check_same "2014 interactions: ids kept as strings (leading zeros)" "$o/interactions.tsv" "$F/exp14.tsv"
check_same "2014 Python-literal metadata -> items.tsv" "$o/items.tsv" "$F/exp14-items.tsv"
L4R_FORCE_ZLIB=1 "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" -o "$T/a14z" -q >/dev/null 2>&1
check_same "zlib path gives the same bytes" "$T/a14z/interactions.tsv" "$F/exp14.tsv"
check_exit 0 "plain (uncompressed) JSON lines work too" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json" -o "$T/a14p" -q
check_same "plain = gzip" "$T/a14p/interactions.tsv" "$F/exp14.tsv"

# seq split on tied day-granular timestamps keeps source order
o="$T/a14s"
check_exit 0 "2014 --split seq" "$L4R" convert amazon --raw "$F/reviews_Beauty_5.json.gz" -o "$o" --split seq -q
printf 'user_id\titem_id\trating\ttimestamp\nA1YJEY40YUW4SE\t7806397051\t1.0\t1391040000\nA1YJEY40YUW4SE\t0000013714\t4.0\t1391040000\nA2SUAM1J3GNN3B\t0000013714\t5.0\t1252800000\n' > "$F/exp14-train.tsv"
check_same "users with < 3 interactions wholly in train, ties in source order" "$o/train.tsv" "$F/exp14-train.tsv"

# 2018: strict JSON, style dicts, verified true; the first line of Video_Games_5 (datasets.md §4.1)
cat > "$F/Video_Games_5.json" <<'J'
{"overall": 5.0, "verified": true, "reviewTime": "10 17, 2015", "reviewerID": "A1HP7NVNPFMA4N", "asin": "0700026657", "reviewerName": "Ambrosia075", "reviewText": "This game is a bit hard to get the hang of, but when you do it's great.", "summary": "but when you do it's great.", "unixReviewTime": 1445040000}
{"overall": 5.0, "verified": true, "reviewTime": "09 1, 2016", "reviewerID": "A3CIUOJXQ5VDQ2", "asin": "B0000530HU", "style": {"Size:": " 7.0 oz", "Flavor:": " Classic Ice Blue"}, "reviewerName": "Shelly F", "reviewText": "As advertised. Reasonably priced", "summary": "Five Stars", "unixReviewTime": 1472688000}
J
gzip -c "$F/Video_Games_5.json" > "$F/Video_Games_5.json.gz"
printf 'user_id\titem_id\trating\ttimestamp\nA1HP7NVNPFMA4N\t0700026657\t5.0\t1445040000\nA3CIUOJXQ5VDQ2\tB0000530HU\t5.0\t1472688000\n' > "$F/exp18.tsv"
check_exit 0 "2018 5-core converts" "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/Video_Games_5.json.gz" -o "$T/a18" -q
check_same "2018 interactions" "$T/a18/interactions.tsv" "$F/exp18.tsv"

# 2018 ratings-only CSV is ITEM first
printf '0700026657,A1HP7NVNPFMA4N,5.0,1445040000\nB0000530HU,A3CIUOJXQ5VDQ2,5.0,1472688000\n' > "$F/Video_Games.csv"
check_exit 0 "2018 ratings CSV converts" "$L4R" convert amazon --variant 2018/ratings/Video_Games --raw "$F/Video_Games.csv" -o "$T/a18r" -q
check_same "2018 ratings CSV: item,user swapped back" "$T/a18r/interactions.tsv" "$F/exp18.tsv"

# 2014 ratings CSV is user first
printf 'A39HTATAQ9V7YF,0205616461,5.0,1369699200\nA3JM6GV9MNOF9X,0558925278,3.0,1355443200\n' > "$F/ratings_Beauty.csv"
printf 'user_id\titem_id\trating\ttimestamp\nA39HTATAQ9V7YF\t0205616461\t5.0\t1369699200\nA3JM6GV9MNOF9X\t0558925278\t3.0\t1355443200\n' > "$F/exp14r.tsv"
check_exit 0 "2014 ratings CSV converts" "$L4R" convert amazon --variant 2014/ratings_Beauty --raw "$F/ratings_Beauty.csv" -o "$T/a14r" -q
check_same "2014 ratings CSV" "$T/a14r/interactions.tsv" "$F/exp14r.tsv"

# 2023: milliseconds, parent_asin is the item
cat > "$F/All_Beauty.jsonl" <<'J'
{"rating": 5.0, "title": "Such a lovely scent but not overpowering.", "text": "This spray is really nice.", "images": [], "asin": "B00YQ6X8EO", "parent_asin": "B00YQ6X8EO", "user_id": "AGKHLEW2SOWHNMFQIJGBECAF7INQ", "timestamp": 1588687728923, "helpful_vote": 0, "verified_purchase": true}
{"rating": 4.0, "title": "t", "text": "x", "images": [{"small_image_url": "https://m.media-amazon.com/a.jpg", "attachment_type": "IMAGE"}], "asin": "B0CHILD001", "parent_asin": "B0PARENT01", "user_id": "AGKHLEW2SOWHNMFQIJGBECAF7INQ", "timestamp": 1588687729999, "helpful_vote": 2, "verified_purchase": false}
J
gzip -c "$F/All_Beauty.jsonl" > "$F/All_Beauty.jsonl.gz"
printf 'user_id\titem_id\trating\ttimestamp\nAGKHLEW2SOWHNMFQIJGBECAF7INQ\tB00YQ6X8EO\t5.0\t1588687728\nAGKHLEW2SOWHNMFQIJGBECAF7INQ\tB0PARENT01\t4.0\t1588687729\n' > "$F/exp23.tsv"
check_exit 0 "2023 raw reviews convert" "$L4R" convert amazon --variant 2023/All_Beauty --raw "$F/All_Beauty.jsonl.gz" -o "$T/a23" -q
check_same "2023: parent_asin, ms floored to s" "$T/a23/interactions.tsv" "$F/exp23.tsv"
# 2023 benchmark CSV with header
printf 'user_id,parent_asin,rating,timestamp\nAGKASBHYZPGTEPO6LWZPVJWB2BVA,B006GBITXC,3.0,1452647382000\nAGKASBHYZPGTEPO6LWZPVJWB2BVA,B00TLEMSVK,4.0,1454675785000\n' | gzip -c > "$F/All_Beauty.csv.gz"
printf 'user_id\titem_id\trating\ttimestamp\nAGKASBHYZPGTEPO6LWZPVJWB2BVA\tB006GBITXC\t3.0\t1452647382\nAGKASBHYZPGTEPO6LWZPVJWB2BVA\tB00TLEMSVK\t4.0\t1454675785\n' > "$F/exp23b.tsv"
check_exit 0 "2023 5-core benchmark CSV converts" "$L4R" convert amazon --variant 2023/5core/All_Beauty --raw "$F/All_Beauty.csv.gz" -o "$T/a23b" -q
check_same "2023 benchmark CSV" "$T/a23b/interactions.tsv" "$F/exp23b.tsv"

# not JSON: a Python literal where JSON is expected is a parse error naming file and line
printf '{"reviewerID": "A", "asin": "B", "overall": 1.0, "unixReviewTime": 1}\n{'"'"'reviewerID'"'"': '"'"'A'"'"'}\n' | gzip -c > "$F/bad.json.gz"
check_exit 7 "Python literal in a JSON file -> exit 7" "$L4R" convert amazon --raw "$F/bad.json.gz" -o "$T/bad" -q
check_grep "message names line 2" "line 2" "$T/.err"
check_not "nothing left after the parse error" test -e "$T/bad"

# truncated and corrupt .gz: an error, never a silently short output
"$GEN" amazon 2018 reviews --lines 3000 --gzip -o "$F/big.json.gz"
size=$(wc -c < "$F/big.json.gz")
head -c $((size / 2)) "$F/big.json.gz" > "$F/trunc.json.gz"
check_exit 5 "truncated .gz -> archive error (exit 5)" "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/trunc.json.gz" -o "$T/tr" -q
check_not "no output after truncated input" test -e "$T/tr"
L4R_FORCE_ZLIB=1 "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/trunc.json.gz" -o "$T/trz" -q >/dev/null 2>&1
check_eq "truncated .gz with zlib -> exit 5" "$?" "5"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[len(b)//3]^=0xFF; open(sys.argv[2],"wb").write(b)' "$F/big.json.gz" "$F/corrupt.json.gz"
check_not "corrupt .gz fails" "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/corrupt.json.gz" -o "$T/co" -q
check_not "no output after corrupt input" test -e "$T/co"

# -j 1 = -j N with blocks smaller than a record
check_exit 0 "-j1 amazon" "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/big.json.gz" -o "$T/j1" -j 1 --block-size 300 -q
check_exit 0 "-j3 amazon" "$L4R" convert amazon --variant 2018/Video_Games_5 --raw "$F/big.json.gz" -o "$T/j3" -j 3 --block-size 300 -q
check_same "-j 1 = -j 3 on JSON lines" "$T/j1/interactions.tsv" "$T/j3/interactions.tsv"
check_eq "every review became a row" "$(wc -l < "$T/j1/interactions.tsv")" "3001"
check "jansson-free cross-check with python json" python3 -c '
import gzip,json,sys
from l4r_expect import read_tsv
rows=read_tsv(sys.argv[2])[1:]
src=[json.loads(l) for l in gzip.open(sys.argv[1],"rt",encoding="utf-8")]
assert len(rows)==len(src)
for r,s in zip(rows,src):
    assert r==[s["reviewerID"],s["asin"],repr(s["overall"]),str(s["unixReviewTime"])], (r,s)
' "$F/big.json.gz" "$T/j1/interactions.tsv"
