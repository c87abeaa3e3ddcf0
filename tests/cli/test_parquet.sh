# CLI tests: convert --format parquet.  Every Parquet file is read back with DuckDB and Polars
# (tests/cli/parquet_read.mjs, from bench/node_modules) and compared value by value, with the
# column types, against the TSV the same run wrote; parquet_metadata() must show ZSTD and
# statistics that agree with the data.  Also: -j1 and -j3 give the same bytes, the manifest lists
# the files with their SHA-256, --partitions N puts each user's rows in part fnv1a64(user_id) % N,
# parquet without tsv leaves the interaction TSVs out, and a source without time has null
# timestamps.
. "$(dirname "$0")/../lib.sh"

RD="$(dirname "$0")/parquet_read.mjs"
S=VARCHAR
INTER="user_id=$S,item_id=$S,rating=DOUBLE,timestamp=BIGINT"
INTER_REMAP="user_id=INTEGER,item_id=INTEGER,rating=DOUBLE,timestamp=BIGINT"
ML_ITEMS="item_id=$S,title=$S,genres=$S"
ML_USERS="user_id=$S,age=$S,gender=$S,occupation=$S,zip_code=$S"

# read DESC DIR TABLE TYPES [reader options]: the reader must say "ok"
read_back() {
  _d=$1
  shift
  if node "$RD" "$@" >"$T/read.out" 2>&1 && grep -q '^ok ' "$T/read.out"; then pass "$_d"; else fail "$_d: $(head -c 600 "$T/read.out")"; fi
}

F="$T/fx"
check_exit 0 "generate ml-100k" "$GEN" movielens ml-100k "$F" --users 60 --items 200 --ratings 1800

# ---- ml-100k: interactions, items, users; small row groups so files have several ----
o="$T/ml"
L4R_PARQUET_ROW_GROUP=250 check_exit 0 "ml-100k --format tsv,parquet" \
  "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$o" --format tsv,parquet -q -j3
read_back "ml-100k interactions.parquet: every value and type as in interactions.tsv" "$o" interactions "$INTER" --meta
check_eq "interactions.parquet has ceil(1800/250) = 8 row groups of 4 column chunks" "$(cut -d" " -f8 "$T/read.out")" 32
read_back "ml-100k items.parquet: titles and genres as in items.tsv" "$o" items "$ML_ITEMS" --meta
read_back "ml-100k users.parquet as in users.tsv" "$o" users "$ML_USERS" --meta
check "manifest lists each Parquet file with its rows, bytes and sha256" python3 -c '
import json, sys, hashlib, os
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
outs = {o["file"]: o for o in m["outputs"]}
for t in ("interactions", "items", "users"):
    o = outs[t + ".parquet"]
    b = open(d + "/" + t + ".parquet", "rb").read()
    assert o["sha256"] == hashlib.sha256(b).hexdigest() and o["bytes"] == len(b), o
    assert o["rows"] == outs[t + ".tsv"]["rows"], (o, outs[t + ".tsv"])
    assert b[:4] == b"PAR1" and b[-4:] == b"PAR1"
assert m["parquet"]["compression"] == "zstd" and m["parquet"]["row_group_rows"] == 250, m["parquet"]
' "$o"
check_exit 0 "verify re-checks the Parquet files" "$L4R" verify "$o" -q

o1="$T/ml1"
L4R_PARQUET_ROW_GROUP=250 check_exit 0 "the same with -j1" \
  "$L4R" convert movielens --variant ml-100k --raw "$F/ml-100k.zip" -o "$o1" --format tsv,parquet -q -j1
for t in interactions items users; do
  check_same "-j1 and -j3: same $t.parquet" "$o1/$t.parquet" "$o/$t.parquet"
done

# ---- --remap, --split seq, --partitions 4: INT32 ids, NAME/part-0000K.parquet ----
o="$T/mlp"
check_exit 0 "--split seq --remap --partitions 4" "$L4R" convert movielens --variant ml-100k \
  --raw "$F/ml-100k.zip" -o "$o" --format tsv,parquet --split seq --remap --partitions 4 -q -j3
for t in train valid test; do
  read_back "$t/part-*.parquet: INT32 ids, rows in part fnv1a64(user_id) % 4, as in $t.tsv" "$o" $t "$INTER_REMAP" --partitions 4 --meta
done
read_back "users/ is partitioned like the interactions" "$o" users "$ML_USERS" --partitions 4
read_back "items.parquet (no user_id) is one file, original ids" "$o" items "$ML_ITEMS"
check "no train.parquet beside train/" test ! -e "$o/train.parquet"
o1="$T/mlp1"
check_exit 0 "the same with -j1" "$L4R" convert movielens --variant ml-100k \
  --raw "$F/ml-100k.zip" -o "$o1" --format tsv,parquet --split seq --remap --partitions 4 -q -j1
for k in 0 1 2 3; do
  check_same "-j1 and -j3: same train/part-0000$k.parquet" "$o1/train/part-0000$k.parquet" "$o/train/part-0000$k.parquet"
done
check "manifest lists every part with its sha256" python3 -c '
import json, sys, hashlib
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
outs = {o["file"]: o for o in m["outputs"]}
for t in ("train", "valid", "test", "users"):
    rows = 0
    for k in range(4):
        f = "%s/part-%05d.parquet" % (t, k)
        assert outs[f]["sha256"] == hashlib.sha256(open(d + "/" + f, "rb").read()).hexdigest(), f
        rows += outs[f]["rows"]
    assert rows == outs[t + ".tsv"]["rows"], t
assert m["parquet"]["partitions"] == 4
' "$o"

# ---- parquet alone: the same Parquet bytes, no interaction TSV ----
o2="$T/mlponly"
check_exit 0 "--format parquet alone" "$L4R" convert movielens --variant ml-100k \
  --raw "$F/ml-100k.zip" -o "$o2" --format parquet --split seq --remap --partitions 4 -q
check_same "parquet alone: the same test/part-00002.parquet" "$o2/test/part-00002.parquet" "$o/test/part-00002.parquet"
check "parquet alone: no train.tsv, and the manifest does not list it" python3 -c '
import json, sys, os
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
files = [o["file"] for o in m["outputs"]]
assert not os.path.exists(d + "/train.tsv") and "train.tsv" not in files, files
assert "train/part-00000.parquet" in files and "items.tsv" in files, files
' "$o2"
check_exit 0 "parquet alone: verify passes" "$L4R" verify "$o2" -q
check_exit 0 "parquet alone: the directory is replaced as an earlier output" "$L4R" convert movielens \
  --variant ml-100k --raw "$F/ml-100k.zip" -o "$o2" --format parquet --partitions 2 -q
check "the replaced directory holds only the new layout" test -e "$o2/interactions/part-00001.parquet" -a ! -e "$o2/train"

check_exit 2 "--partitions without parquet is a usage error" "$L4R" convert movielens --variant ml-100k \
  --raw "$F/ml-100k.zip" -o "$T/bad" --partitions 4 -q

# ---- Amazon 2023: text columns (empty = null), reviews side table ----
C="$T/a23"
mkdir -p "$C"
check_exit 0 "generate 2023 reviews" "$GEN" amazon 2023 reviews --lines 800 --gzip -o "$C/All_Beauty.jsonl.gz"
check_exit 0 "generate 2023 meta" "$GEN" amazon 2023 meta --lines 300 --gzip -o "$C/meta_All_Beauty.jsonl.gz"
o="$T/a23o"
check_exit 0 "2023 All_Beauty --with reviews --format tsv,parquet" "$L4R" convert amazon --variant 2023/All_Beauty \
  --raw "$C" -o "$o" -q --with reviews --format tsv,parquet
read_back "2023 interactions.parquet" "$o" interactions "$INTER" --meta
read_back "2023 items.parquet: every text column, empty fields null" "$o" items \
  "item_id=$S,title=$S,main_category=$S,store=$S,price=$S,average_rating=$S,rating_number=$S,categories=$S,features=$S,description=$S" --meta
check "2023 items.tsv has empty fields (so nulls are tested)" grep -q "$(printf '\t\t')" "$o/items.tsv"
read_back "2023 reviews.parquet: review text, typed rating and timestamp" "$o" reviews \
  "user_id=$S,item_id=$S,rating=DOUBLE,timestamp=BIGINT,review_title=$S,review_text=$S,helpful_vote=$S,verified_purchase=$S" --meta

# ---- Tenrec: a source without time: timestamp is an INT64 column of nulls ----
check_exit 0 "generate tenrec" "$GEN" tenrec QB-video "$T/ten" --lines 1500 --users 40 --items 300
o="$T/teno"
check_exit 0 "tenrec --split seq --format tsv,parquet" "$L4R" convert tenrec --variant QB-video \
  --raw "$T/ten/QB-video.csv" -o "$o" -q --split seq --format tsv,parquet
for t in train valid test; do
  read_back "tenrec $t.parquet: null timestamps, typed BIGINT" "$o" $t "$INTER" --meta
done
check "tenrec: the timestamps are empty in the TSV" sh -c "tail -n +2 '$o/train.tsv' | cut -f4 | grep -qv . && ! tail -n +2 '$o/train.tsv' | cut -f4 | grep -q ."
