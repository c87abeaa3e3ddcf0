# CLI tests: convert MovieLens in every layout from small hand-made fixtures in the exact
# upstream shapes, comparing the outputs byte for byte with hand-checked expectations.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F/ml-100k" "$F/ml-1m" "$F/ml-10M100K" "$F/ml-latest-small" "$F/exp"

# ---- ml-100k: u.data (tab, random order), u.item ('|', ISO-8859-1, 19 genre flags) ----
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t302\t4\t881250949\n196\t377\t2\t881250000\n186\t242\t5\t891717000\n22\t242\t2\t878887000\n' > "$F/ml-100k/u.data"
{
  printf '242|Kolya (1996)|24-Jan-1997||http://us.imdb.com/M/title-exact?Kolya%%20(1996)|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n'
  printf '267|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n'
  printf '302|L.A. Confidential (1997)|01-Jan-1997||http://us.imdb.com/M/title-exact?L%%2EA%%2E+Confidential+(1997)|0|0|0|0|0|0|1|0|0|0|0|0|0|1|0|0|1|0|0\n'
  printf '377|Mis\351rables, Les (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Mis%%E9rables%%2C%%20Les%%20%%281995%%29|0|0|0|0|0|0|0|0|1|0|0|0|1|0|0|0|0|0|0\n'
} > "$F/ml-100k/u.item"
printf 'unknown|0\nAction|1\n' > "$F/ml-100k/u.genre"
(cd "$F" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile("ml-100k.zip","w"); [z.write(p) for p in sys.argv[1:]]' ml-100k/u.data ml-100k/u.item ml-100k/u.genre)

printf 'user_id\titem_id\trating\ttimestamp\n196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t302\t4\t881250949\n196\t377\t2\t881250000\n186\t242\t5\t891717000\n22\t242\t2\t878887000\n' > "$F/exp/100k-inter.tsv"
printf 'item_id\ttitle\tgenres\n242\tKolya (1996)\tComedy\n267\tunknown\tunknown\n302\tL.A. Confidential (1997)\tCrime|Mystery|Thriller\n377\tMis\303\251rables, Les (1995)\tDrama|Musical\n' > "$F/exp/100k-items.tsv"
# seq: users in first-appearance order (196, 186, 22); 196: 377@881250000, 242@881250949, 302@881250949 (tie: source order)
printf 'user_id\titem_id\trating\ttimestamp\n196\t377\t2\t881250000\n' > "$F/exp/100k-train.tsv"
printf 'user_id\titem_id\trating\ttimestamp\n196\t242\t3\t881250949\n' > "$F/exp/100k-valid.tsv"
printf 'user_id\titem_id\trating\ttimestamp\n196\t302\t4\t881250949\n' > "$F/exp/100k-test.tsv"
# 186 and 22 have 2 interactions each: wholly train, chronological
printf '186\t242\t5\t891717000\n186\t302\t3\t891717742\n22\t242\t2\t878887000\n22\t377\t1\t878887116\n' >> "$F/exp/100k-train.tsv"

o="$T/o100k"
check_exit 0 "ml-100k archive converts" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$o" -q
check_same "ml-100k interactions byte for byte" "$o/interactions.tsv" "$F/exp/100k-inter.tsv"
check_same "ml-100k items: Latin-1 transcoded, genre flags joined" "$o/items.tsv" "$F/exp/100k-items.tsv"
check "manifest.json is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$o/manifest.json"
check "manifest records the interactions input with sha256" python3 -c '
import json,sys,hashlib
m=json.load(open(sys.argv[1]))
i=m["inputs"]["interactions"]
assert i["sha256"]==hashlib.sha256(open(sys.argv[2],"rb").read()).hexdigest(), i
assert i["records"]==7
outs={o["file"]:o for o in m["outputs"]}
assert outs["interactions.tsv"]["rows"]==7
assert outs["interactions.tsv"]["sha256"]==hashlib.sha256(open(sys.argv[3],"rb").read()).hexdigest()
assert m["command"][:3]==["convert","movielens","--variant"], m["command"]
assert m["table"]["format"]=="delimited", m["table"]  # the format table'"'"'s one name
' "$o/manifest.json" "$F/ml-100k.zip" "$o/interactions.tsv"

# convert never downloads when given --raw, so it runs where libcurl cannot be loaded
o="$T/o100knocurl"
LLM4REC_LIBCURL="$T/no/libcurl.so.4" check_exit 0 "--raw convert without a loadable libcurl" \
  "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$o" -q
check_same "--raw convert without libcurl: same interactions" "$o/interactions.tsv" "$F/exp/100k-inter.tsv"

o="$T/o100kseq"
check_exit 0 "ml-100k --split seq" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$o" --split seq -q
check_same "seq train" "$o/train.tsv" "$F/exp/100k-train.tsv"
check_same "seq valid" "$o/valid.tsv" "$F/exp/100k-valid.tsv"
check_same "seq test" "$o/test.tsv" "$F/exp/100k-test.tsv"
check "seq reports users with < 3 interactions" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]))
def find(d):
    if isinstance(d,dict):
        for k,v in d.items():
            if k=="users_short_to_train": return v
            r=find(v)
            if r is not None: return r
print(find(m)); assert find(m)==2' "$o/manifest.json"

# directory form and single-file form give the same interactions
o="$T/o100kdir"
check_exit 0 "--raw directory" "$L4R" convert movielens --variant ml-100k --raw "$F" -o "$o" -q
check_same "--raw directory = archive" "$o/interactions.tsv" "$F/exp/100k-inter.tsv"
o="$T/o100kfile"
check_exit 0 "--raw single file" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k/u.data" -o "$o" -q
check_same "--raw u.data = archive" "$o/interactions.tsv" "$F/exp/100k-inter.tsv"
check_same "--raw u.data finds u.item next to it" "$o/items.tsv" "$F/exp/100k-items.tsv"

# ---- ml-1m: '::' separated, movies.dat ISO-8859-1 ----
printf '1::1193::5::978300760\n1::661::3::978302109\n1::914::3::978301968\n2::1193::4::978298413\n' > "$F/ml-1m/ratings.dat"
printf '661::James and the Giant Peach (1996)::Animation|Children'"'"'s|Musical\n914::My Fair Lady (1964)::Musical|Romance\n1193::One Flew Over the Cuckoo'"'"'s Nest (1975)::Drama\n2000::Caf\351 au lait (1993)::Comedy\n' > "$F/ml-1m/movies.dat"
printf '1::F::1::10::48067\n2::M::56::16::70072\n' > "$F/ml-1m/users.dat"
(cd "$F" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile("ml-1m.zip","w"); [z.write(p) for p in sys.argv[1:]]' ml-1m/movies.dat ml-1m/ratings.dat ml-1m/users.dat)
printf 'user_id\titem_id\trating\ttimestamp\n1\t1193\t5\t978300760\n1\t661\t3\t978302109\n1\t914\t3\t978301968\n2\t1193\t4\t978298413\n' > "$F/exp/1m-inter.tsv"
printf 'item_id\ttitle\tgenres\n661\tJames and the Giant Peach (1996)\tAnimation|Children'"'"'s|Musical\n914\tMy Fair Lady (1964)\tMusical|Romance\n1193\tOne Flew Over the Cuckoo'"'"'s Nest (1975)\tDrama\n2000\tCaf\303\251 au lait (1993)\tComedy\n' > "$F/exp/1m-items.tsv"
o="$T/o1m"
check_exit 0 "ml-1m archive converts" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m.zip" -o "$o" -q
check_same "ml-1m '::' interactions" "$o/interactions.tsv" "$F/exp/1m-inter.tsv"
check_same "ml-1m items transcoded" "$o/items.tsv" "$F/exp/1m-items.tsv"
o="$T/o1mseq"
check_exit 0 "ml-1m seq" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m.zip" -o "$o" --split seq -q
printf 'user_id\titem_id\trating\ttimestamp\n1\t1193\t5\t978300760\n2\t1193\t4\t978298413\n' > "$F/exp/1m-train.tsv"
check_same "ml-1m seq train (time-ordered, short user wholly in train)" "$o/train.tsv" "$F/exp/1m-train.tsv"
printf 'user_id\titem_id\trating\ttimestamp\n1\t914\t3\t978301968\n' > "$F/exp/1m-valid.tsv"
check_same "ml-1m seq valid" "$o/valid.tsv" "$F/exp/1m-valid.tsv"

# a malformed line names file, line and what was expected; nothing is left under the final name
printf '1::1193::5::978300760\n1::661::3\n' > "$F/ml-1m/ratings.dat"
o="$T/o1mbad"
check_exit 7 "malformed ratings.dat line -> parse error (exit 7)" "$L4R" convert movielens --variant ml-1m --raw "$F/ml-1m" -o "$o" -q
check_grep "error names the file and line 2" "ratings.dat' line 2: expected 4 fields separated by '::', found 3" "$T/.err"
check_not "no output directory after a failure" test -e "$o"
check_eq "no temporary directory left behind" "$(ls -a "$T" | grep -c l4r-tmp)" "0"

# ---- ml-10m: zip named ml-10m.zip, inner folder ml-10M100K/, half stars ----
printf '1::122::5::838985046\n1::185::4.5::838983525\n' > "$F/ml-10M100K/ratings.dat"
printf '122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action|Crime|Thriller\n' > "$F/ml-10M100K/movies.dat"
printf '15::4973::excellent!::1215184630\n' > "$F/ml-10M100K/tags.dat"
(cd "$F" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile("ml-10m.zip","w"); [z.write(p) for p in sys.argv[1:]]' ml-10M100K/ratings.dat ml-10M100K/movies.dat ml-10M100K/tags.dat)
o="$T/o10m"
check_exit 0 "ml-10m (ml-10M100K/ folder) converts" "$L4R" convert movielens --variant ml-10m --raw "$F/ml-10m.zip" -o "$o" -q
printf 'user_id\titem_id\trating\ttimestamp\n1\t122\t5\t838985046\n1\t185\t4.5\t838983525\n' > "$F/exp/10m-inter.tsv"
check_same "ml-10m half stars kept as in the source" "$o/interactions.tsv" "$F/exp/10m-inter.tsv"

# ---- ml-latest-small: CSV with header, CRLF, quoted titles with commas and doubled quotes ----
printf 'userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,3,4.0,964981247\r\n2,11,3.5,1445714994\r\n' > "$F/ml-latest-small/ratings.csv"
printf 'movieId,title,genres\r\n1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\r\n3,"Story of ""G.I. Joe"", The (1945)",War\r\n11,"American President, The (1995)",Comedy|Drama|Romance\r\n12,"Multi\nline, title (2000)",(no genres listed)\r\n' > "$F/ml-latest-small/movies.csv"
(cd "$F" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile("ml-latest-small.zip","w"); [z.write(p) for p in sys.argv[1:]]' ml-latest-small/ratings.csv ml-latest-small/movies.csv)
o="$T/olatest"
check_exit 0 "ml-latest-small (CSV, CRLF) converts" "$L4R" convert movielens --variant ml-latest-small --raw "$F/ml-latest-small.zip" -o "$o" -q
printf 'user_id\titem_id\trating\ttimestamp\n1\t1\t4.0\t964982703\n1\t3\t4.0\t964981247\n2\t11\t3.5\t1445714994\n' > "$F/exp/latest-inter.tsv"
# the title Story of "G.I. Joe", The (1945) holds a quote: written RFC 4180-quoted (docs/FORMAT.md)
printf 'item_id\ttitle\tgenres\n1\tToy Story (1995)\tAdventure|Animation|Children|Comedy|Fantasy\n3\t"Story of ""G.I. Joe"", The (1945)"\tWar\n11\tAmerican President, The (1995)\tComedy|Drama|Romance\n12\tMulti line, title (2000)\t(no genres listed)\n' > "$F/exp/latest-items.tsv"
check_same "CSV: CRLF stripped, header mapped" "$o/interactions.tsv" "$F/exp/latest-inter.tsv"
check_same "CSV: quoted commas, doubled quotes, newline in a title" "$o/items.tsv" "$F/exp/latest-items.tsv"
check "pandas-style read: every line has 4 fields" awk -F'\t' 'NF!=4{exit 1}' "$o/interactions.tsv"

# -j 1 equals -j 4 (tiny blocks force many blocks)
python3 -c '
import random
r=random.Random(7)
with open("'"$F"'/big.csv","w",newline="") as f:
    f.write("userId,movieId,rating,timestamp\r\n")
    for u in range(1,400):
        for k in range(r.randint(1,30)):
            f.write("%d,%d,%.1f,%d\r\n"%(u,r.randint(1,5000),r.randint(1,10)/2,r.randint(789652009,1574327703)))
'
check_exit 0 "-j1 big" "$L4R" convert movielens --variant ml-25m --raw "$F/big.csv" -o "$T/j1" -j 1 --block-size 4096 --split seq -q
check_exit 0 "-j4 big" "$L4R" convert movielens --variant ml-25m --raw "$F/big.csv" -o "$T/j4" -j 4 --block-size 4096 --split seq -q
check_same "-j 1 train = -j 4 train" "$T/j1/train.tsv" "$T/j4/train.tsv"
check_same "-j 1 test = -j 4 test" "$T/j1/test.tsv" "$T/j4/test.tsv"
check_exit 0 "-j1 stream" "$L4R" convert movielens --variant ml-25m --raw "$F/big.csv" -o "$T/s1" -j 1 --block-size 4096 -q
check_exit 0 "-j3 stream" "$L4R" convert movielens --variant ml-25m --raw "$F/big.csv" -o "$T/s3" -j 3 --block-size 4096 -q
check_same "-j 1 = -j 3 streaming" "$T/s1/interactions.tsv" "$T/s3/interactions.tsv"
check_eq "streaming keeps every row" "$(($(wc -l < "$F/big.csv") ))" "$(wc -l < "$T/s1/interactions.tsv")"
# The input's SHA-256 is taken inline (-j 1, and -j 2's two threads, where the reader also parses
# and the writer hashes its own output), from the blocks on a thread of its own (-j 3), with a BOM
# and a header the reader strips from the first block: always the file's digest.
printf '\357\273\277' >"$F/bom.csv"
cat "$F/big.csv" >>"$F/bom.csv"
for j in 1 2 3; do
  check_exit 0 "-j$j BOM stream" "$L4R" convert movielens --variant ml-25m --raw "$F/bom.csv" -o "$T/bom$j" -j $j --block-size 4096 -q
  check "-j$j manifest: input and output SHA-256 are the files'" python3 -c '
import json,sys,hashlib
m=json.load(open(sys.argv[1]))
h=lambda p: hashlib.sha256(open(p,"rb").read()).hexdigest()
assert m["inputs"]["interactions"]["sha256"]==h(sys.argv[2]), m["inputs"]
assert {o["file"]:o for o in m["outputs"]}["interactions.tsv"]["sha256"]==h(sys.argv[3])
' "$T/bom$j/manifest.json" "$F/bom.csv" "$T/bom$j/interactions.tsv"
done
check_same "BOM: -j 1 = -j 2" "$T/bom1/interactions.tsv" "$T/bom2/interactions.tsv"

# output directory safety
mkdir -p "$T/notours" && echo precious > "$T/notours/file"
mkfifo "$T/fifo.csv"
check_exit 8 "--raw on a pipe is refused" "$L4R" convert movielens --variant ml-25m --raw "$T/fifo.csv" -o "$T/fifo" -q
check_grep "the pipe message says what to do" "is not a regular file or a directory; --raw needs a file" "$T/.err"
check_exit 8 "--raw on a missing file" "$L4R" convert movielens --variant ml-25m --raw "$T/nope.csv" -o "$T/nope" -q
check_grep "the missing-file message" "cannot open '.*nope.csv': No such file or directory" "$T/.err"
check_exit 8 "refuses to replace a directory it did not write" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$T/notours" -q
check_grep "refusal says --force" "force" "$T/.err"
check_exit 0 "replaces its own previous output" "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$T/o100k" --split seq -q
check_not "old interactions.tsv gone after re-run with a split" test -e "$T/o100k/interactions.tsv"

# usage errors
check_exit 2 "unknown option -> exit 2" "$L4R" convert movielens --bogus
check_exit 2 "bad --split -> exit 2" "$L4R" convert movielens --split sideways
check_exit 6 "unknown variant -> exit 6" "$L4R" convert movielens --variant ml-7m --raw "$F/ml-100k.zip"
check_exit 0 "convert --help" "$L4R" convert --help
check_grep "--help documents --split seq" "leave-one-out" "$T/.out"

# edge shapes: no final newline, header only, empty file, CRLF in '::' files, 1 = N threads
printf '196\t242\t3\t881250949\n186\t302\t3\t891717742' > "$F/nonl.data"
check_exit 0 "last line without newline" "$L4R" convert movielens --variant ml-100k --raw "$F/nonl.data" -o "$T/nonl" -q
check_eq "last line without newline is kept" "$(tail -1 "$T/nonl/interactions.tsv")" "$(printf '186\t302\t3\t891717742')"
printf 'userId,movieId,rating,timestamp\r\n' > "$F/hdr/ratings.csv" 2>/dev/null || { mkdir -p "$F/hdr"; printf 'userId,movieId,rating,timestamp\r\n' > "$F/hdr/ratings.csv"; }
check_exit 0 "header-only CSV converts to an empty table" "$L4R" convert movielens --variant ml-25m --raw "$F/hdr/ratings.csv" -o "$T/hdr" -q
check_eq "header-only CSV gives just the header" "$(cat "$T/hdr/interactions.tsv")" "$(printf 'user_id\titem_id\trating\ttimestamp')"
: > "$F/hdr/empty.csv"
check_exit 7 "an empty CSV that needs a header is a parse error" "$L4R" convert movielens --variant ml-25m --raw "$F/hdr/empty.csv" -o "$T/empty" -q
check_grep "empty file message" "is empty: expected a header line" "$T/.err"
printf '1::1193::5::978300760\r\n1::661::3::978302109\r\n' > "$F/crlf.dat"
check_exit 0 "CRLF '::' file" "$L4R" convert movielens --variant ml-1m --raw "$F/crlf.dat" -o "$T/crlf" -q
check_eq "CR stripped from the last field" "$(tail -1 "$T/crlf/interactions.tsv")" "$(printf '1\t661\t3\t978302109')"
printf 'userId,movieId,rating,timestamp\n1,2,3.0,notatime\n' > "$F/hdr/badts.csv"
check_exit 7 "a non-numeric timestamp is a parse error" "$L4R" convert movielens --variant ml-25m --raw "$F/hdr/badts.csv" -o "$T/badts" -q
check_grep "bad timestamp message names line 2" "line 2: timestamp 'notatime' is not Unix seconds" "$T/.err"
printf 'userId,movieId,rating,timestamp\n1,2,3.0,978300760\n,5,3.0,978300760\n' > "$F/hdr/nouser.csv"
check_exit 7 "an empty user id is a parse error" "$L4R" convert movielens --variant ml-25m --raw "$F/hdr/nouser.csv" -o "$T/nouser" -q
check_grep "empty user id message" "line 3: empty or missing user id" "$T/.err"
printf 'userId,movieId,rating,timestamp\n1,2,3.0,978300760\n2,\351,3.0,978300760\n' > "$F/hdr/latin.csv"
check_exit 7 "invalid UTF-8 in a UTF-8 table is a parse error" "$L4R" convert movielens --variant ml-25m --raw "$F/hdr/latin.csv" -o "$T/latin" -q
check_grep "invalid UTF-8 message" "line 3: invalid UTF-8 in the item id" "$T/.err"
