# CLI tests: the u-need recipe on l4r-gen's dialogues in the shape of the authors' examples.md (one
# dialogue object per line; Chinese text; times with and without microseconds; a send_content that
# is a number; quotes, line breaks and TABs escaped in the JSON).  python's json module computes the
# expected interactions (userid, sellerid per dialogue, ds as the day), messages.tsv (one row per
# message, the time floored to the second as UTC) and dialogues.jsonl (each dialogue compact);
# -j 1 = -j 3.  The JSON array the authors' code reads (json.load) is read as it is, however python
# writes it (compact, indent 2 and 4, CRLF, a BOM, tabs, gzip'd, empty), to the same bytes, and
# messages.tsv is read from it under the authors' file name; each way an array breaks is exit 7
# naming the element and byte; the splits variant reads the train, dev and test arrays and writes
# their split; the manual download (exit 9 naming the e-mail address and the files, no jq step),
# fetch --from, fetched = --raw.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate the dialogues" "$GEN" u-need "$F" --lines 600
check_exit 0 "generator: same arguments again" "$GEN" u-need "$T/fx2" --lines 600
check_same "generator is deterministic (JSON lines)" "$F/dialogues.jsonl" "$T/fx2/dialogues.jsonl"
check_same "generator is deterministic (JSON array)" "$F/dialogues.json" "$T/fx2/dialogues.json"
check_grep "fixture: datasets.md's dialogue header first" \
  '^{"domain": "美妆行业", "sid": "03c621cb07fb9dc745e35fecd79e1d56", "sellerid": "2830038155", "userid": "2201523477005", "ds": "20180930", "dialogue": \[{"seq_no": 1, "time": "2018-09-30 15:57:00", "sender_type": "用户", "send_content": "你们店有没有套装"' \
  "$F/dialogues.jsonl"

python3 - "$F" "$T" <<'PY'
import calendar, json, sys, time
from l4r_expect import line
src, out = sys.argv[1], sys.argv[2]
ds = [json.loads(l) for l in open(f"{src}/dialogues.jsonl", encoding="utf-8")]
assert ds == json.load(open(f"{src}/dialogues.json", encoding="utf-8"))
def text(v):
    s = v if isinstance(v, str) else json.dumps(v)
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def day(s):
    return calendar.timegm(time.strptime(s, "%Y%m%d"))
def ts(s):
    return calendar.timegm(time.strptime(s.split(".")[0], "%Y-%m-%d %H:%M:%S"))
with open(f"{out}/inter.want", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\trating\ttimestamp\n")
    for d in ds:
        f.write(line([d['userid'], d['sellerid'], "1", day(d['ds'])]))
with open(f"{out}/messages.want", "w", encoding="utf-8") as f:
    f.write("user_id\ttimestamp\tsid\tdomain\tsellerid\tds\tseq_no\tsender_type\tact_tag\tsend_content\n")
    for d in ds:
        for m in d["dialogue"]:
            f.write(line([d["userid"], str(ts(m["time"])), d["sid"], d["domain"], d["sellerid"], d["ds"],
                         str(m["seq_no"]), m["sender_type"], m["act_tag"], text(m["send_content"])]))
def recs(ds):
    rows = []
    for d in ds:
        for m in d["dialogue"]:
            for it in m.get("rec_item_id") or []:
                rows.append(line([d["userid"], it, str(ts(m["time"])), d["sid"], d["sellerid"], str(m["seq_no"])]))
    return "user_id\titem_id\ttimestamp\tsid\tsellerid\tseq_no\n" + "".join(rows)
open(f"{out}/recs.want", "w", encoding="utf-8").write(recs(ds))
# a second fixture whose messages recommend several items, none (null, no key, []), as numbers
import copy
many = copy.deepcopy(ds)
k = 0
for d in many:
    for m in d["dialogue"]:
        k += 1
        if m["rec_item_id"]:
            m["rec_item_id"] = m["rec_item_id"] + [str(900000 + k), 700000 + k][: 1 + k % 2]
        elif k % 7 == 0:
            m["rec_item_id"] = None
        elif k % 11 == 0:
            del m["rec_item_id"]
json.dump(many, open(f"{out}/many.json", "w", encoding="utf-8"), indent=2, ensure_ascii=False)
open(f"{out}/many-recs.want", "w", encoding="utf-8").write(recs(many))
# dialogues.jsonl: each dialogue whole, compact (separators (',', ':')), its text as the input
# writes it: raw UTF-8 from the generator's lines (ensure_ascii=False), \u escapes where the input
# has them (ensure_ascii=True)
for name, ascii in (("dialogues.want", False), ("dialogues-ascii.want", True)):
    with open(f"{out}/{name}", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(d, ensure_ascii=ascii, separators=(",", ":")) + "\n" for d in ds)
msgs = [m for d in ds for m in d["dialogue"]]
users = {}
for d in ds:
    users.setdefault(d["userid"], []).append((day(d["ds"]), d["sellerid"]))
with open(f"{out}/facts", "w") as f:
    f.write("micro %d\n" % sum(1 for m in msgs if "." in m["time"]))
    f.write("number %d\n" % sum(1 for m in msgs if not isinstance(m["send_content"], str)))
    f.write("escaped %d\n" % sum(1 for m in msgs if isinstance(m["send_content"], str) and any(c in m["send_content"] for c in '"\n\t')))
    f.write("rec %d\n" % sum(1 for m in msgs if m["rec_item_id"]))
    f.write("multi %d\n" % sum(1 for v in users.values() if len(v) >= 3))
    f.write("domains %d\n" % len({d["domain"] for d in ds}))
    f.write("unsorted %d\n" % sum(1 for v in users.values() if [t for t, _ in v] != sorted(t for t, _ in v)))
    f.write("sameday %d\n" % sum(1 for v in users.values() if len({t for t, _ in v}) < len(v)))
# seq: every user's dialogues by day (stable: one day's keep the file's order), the last to test
with open(f"{out}/test.want", "w") as f:
    f.write("user_id\titem_id\trating\ttimestamp\n")
    for u in dict.fromkeys(d["userid"] for d in ds):
        if len(users[u]) >= 3:
            t, s = sorted(users[u], key=lambda x: x[0])[-1]
            f.write(line([u, s, "1", t]))
PY
fact() { awk -v k="$1" '$1 == k { print $2 }' "$T/facts"; }
check "fixture: times with microseconds" test "$(fact micro)" -gt 100
check "fixture: a send_content that is a number" test "$(fact number)" -gt 0
check "fixture: quotes, line breaks or TABs in messages" test "$(fact escaped)" -gt 10
check "fixture: recommendation messages with item ids" test "$(fact rec)" -gt 100
check "fixture: users with 3 or more dialogues" test "$(fact multi)" -gt 5
check_eq "fixture: the five domains" "$(fact domains)" 5
check "fixture: users whose dialogues are not in day order in the file" test "$(fact unsorted)" -gt 5
check "fixture: users with two dialogues on one day" test "$(fact sameday)" -gt 0

un() { "$L4R" convert u-need "$@"; }
# the four outputs of ${1}1 (-j 1) against python's, and = ${1}3 (-j 3); $3: dialogues.jsonl's
check_four() {
  local d=$1 what=$2 dw=$3 f
  check_same "$what: interactions: userid, sellerid, 1, ds (yyyymmdd) as UTC midnight, one row per dialogue" "${d}1/interactions.tsv" "$T/inter.want"
  check_same "$what: messages.tsv: one row per message, time floored to the second, numbers as written" "${d}1/messages.tsv" "$T/messages.want"
  check_same "$what: recommendations.tsv: one row per recommended item of a message, at its time" "${d}1/recommendations.tsv" "$T/recs.want"
  check_same "$what: dialogues.jsonl: every dialogue whole, compact, in the file's order" "${d}1/dialogues.jsonl" "$dw"
  for f in interactions.tsv messages.tsv recommendations.tsv dialogues.jsonl; do
    check_same "$what: $f -j 1 = -j 3" "${d}1/$f" "${d}3/$f"
  done
}
for j in 1 3; do
  check_exit 0 "dialogues -j $j" un --raw "$F/dialogues.jsonl" -o "$T/o$j" -q -j "$j" --block-size 4096
done
check_four "$T/o" "JSON lines" "$T/dialogues.want"
check "fixture: recommendations" test "$(wc -l <"$T/recs.want")" -gt 100
for j in 1 3; do
  check_exit 0 "several items per message, -j $j" un --raw "$T/many.json" -o "$T/many$j" -q -j "$j" --block-size 4096
done
check_same "several items per message, none, null, no key, numbers: one row each" "$T/many1/recommendations.tsv" "$T/many-recs.want"
check_same "several items per message: -j 1 = -j 3" "$T/many1/recommendations.tsv" "$T/many3/recommendations.tsv"
check "fixture: messages with two or three items, the last a number" test "$(grep -c '^ *7[0-9]\{5\}$' "$T/many.json")" -gt 10
sed '0,/"rec_item_id": \[\]/s//"rec_item_id": "x"/' "$T/many.json" >"$T/many-bad.json"
check_exit 7 "rec_item_id that is no list: exit 7" un --raw "$T/many-bad.json" -o "$T/many-bad" -q
check_grep "rec_item_id that is no list: names the element, message and key" "many-bad.json' element 1: element 1 of 'dialogue': key 'rec_item_id' holds a string, expected a list" "$T/.err"
check_eq "the real dialogue: ds 20180930 is 2018-09-30 00:00 UTC" "$(sed -n 2p "$T/o1/interactions.tsv")" "$(printf '2201523477005\t2830038155\t1\t1538265600')"
check_eq "the real first message: 2018-09-30 15:57:00 as UTC" "$(sed -n 2p "$T/o1/messages.tsv" | cut -f2,10)" "$(printf '1538323020\t你们店有没有套装')"
check_exit 0 "--split seq (by ds, one day's dialogues in file order)" un --raw "$F/dialogues.jsonl" -o "$T/seq" -q --split seq
check_same "seq test: the shop of each user's latest dialogue by ds, not the file's last" "$T/seq/test.tsv" "$T/test.want"

check "dialogues.jsonl: json.loads of each line is the dialogue" python3 -c '
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
sys.exit(got != json.load(open(sys.argv[2], encoding="utf-8")))' "$T/o1/dialogues.jsonl" "$F/dialogues.json"
check "manifest: dialogues.jsonl with its rows and digest" python3 -c '
import hashlib, json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
o = [x for x in m["outputs"] if x["file"] == "dialogues.jsonl"][0]
data = open(sys.argv[1] + "/dialogues.jsonl", "rb").read()
sys.exit(not (o["rows"] == data.count(b"\n") == 600 and o["sha256"] == hashlib.sha256(data).hexdigest()
              and o["content"] == "records" and "columns" not in o and m["counts"]["dialogues"] == 600))' "$T/o1"

# The JSON array the authors' code reads (json.load), as python writes it in every way: compact (the
# generator's dialogues.json), indent=2 with raw UTF-8 (the authors' own save_json), indent=4 with
# \u escapes, CRLF line breaks, a BOM, gzip'd; under the authors' file name
A="$T/arrays"
mkdir "$A"
python3 - "$F" "$A" <<'PY'
import gzip, json, sys
src, out = sys.argv[1], sys.argv[2]
ds = json.load(open(f"{src}/dialogues.json", encoding="utf-8"))
def put(name, text, bom=False):
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    open(f"{out}/{name}", "wb").write(data)
    return data
put("indent2.json", json.dumps(ds, indent=2, ensure_ascii=False))
put("indent4.json", json.dumps(ds, indent=4) + "\n")
put("crlf.json", json.dumps(ds, indent=1, ensure_ascii=False).replace("\n", "\r\n") + "\r\n")
put("bom.json", "\n  " + json.dumps(ds, ensure_ascii=False) + " \n\n", bom=True)
put("tabs.json", json.dumps(ds, indent="\t", ensure_ascii=False, separators=(" ,", " :  ")))
gzip.open(f"{out}/indent2.json.gz", "wb").write(json.dumps(ds, indent=2, ensure_ascii=False).encode())
put("air_train_dataset_0210_encrypt.json", json.dumps(ds, indent=2, ensure_ascii=False))
PY
check "fixture: the indented arrays span many lines" test "$(wc -l <"$A/indent2.json")" -gt 50000
check_grep "fixture: indent=4 writes \\u escapes" '"domain": "\\u' "$A/indent4.json"
for a in "$F/dialogues.json" "$A"/*.json "$A/indent2.json.gz"; do
  n=$(basename "$a")
  want=$T/dialogues.want
  case $n in indent4.json) want=$T/dialogues-ascii.want ;; esac
  for j in 1 3; do
    check_exit 0 "array $n -j $j" un --raw "$a" -o "$T/a-$n-$j" -q -j "$j" --block-size 4096
  done
  check_four "$T/a-$n-" "array $n (its side tables read from it whatever its name)" "$want"
done
check_nogrep "the authors' name: no warning of a missing table" "not written" "$T/.err"
check_eq "manifest: the input's digest is the file's" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["interactions"]["sha256"])' "$T/a-indent2.json.gz-3/manifest.json")" \
  "$(sha256sum "$A/indent2.json.gz" | cut -d' ' -f1)"
check_exit 0 "--split seq on the array" un --raw "$A/indent2.json" -o "$T/aseq" -q --split seq
# the array as a member of a zip and of a gzip tar, under the recipe's name: the same outputs; a
# truncated one is exit 7 naming the member and the element
mkdir -p "$A/zip" "$A/bad"
cp "$A/indent2.json" "$A/zip/dialogues.jsonl"
head -c 400000 "$A/indent2.json" >"$A/bad/dialogues.jsonl"
python3 - "$A" <<'PY'
import sys, tarfile, zipfile
a = sys.argv[1]
for d, name in (("zip", "array"), ("bad", "bad")):
    with zipfile.ZipFile(f"{a}/{name}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(f"{a}/{d}/dialogues.jsonl", "dialogues.jsonl")
    with tarfile.open(f"{a}/{name}.tar.gz", "w:gz") as t:
        t.add(f"{a}/{d}/dialogues.jsonl", "dialogues.jsonl")
PY
for a in array.zip array.tar.gz; do
  for j in 1 3; do
    check_exit 0 "array inside $a -j $j" un --raw "$A/$a" -o "$T/z-$a-$j" -q -j "$j" --block-size 4096
  done
  check_four "$T/z-$a-" "array inside $a" "$T/dialogues.want"
done
for a in bad.zip bad.tar.gz; do
  check_exit 7 "a truncated array inside $a: exit 7" un --raw "$A/$a" -o "$T/zb-$a" -q
  check_grep "a truncated array inside $a: names the member and the element" "'$A/$a:dialogues.jsonl' element [0-9]*: the file ends inside it" "$T/.err"
  check "a truncated array inside $a: no output" test ! -e "$T/zb-$a"
done
check_same "--split seq on the array: the same test file" "$T/aseq/test.tsv" "$T/test.want"
printf '[]\n' >"$A/empty.json"
printf '\357\273\277 [ \r\n ]' >"$A/empty-bom.json"
for n in empty.json empty-bom.json; do
  check_exit 0 "an empty array ($n)" un --raw "$A/$n" -o "$T/e-$n" -q
  check_eq "an empty array ($n): no rows" "$(cat "$T/e-$n/interactions.tsv" "$T/e-$n/messages.tsv" "$T/e-$n/dialogues.jsonl" | wc -l | tr -d ' ')" 2
done

# a record-level error in an array (an empty user id) names the element, not a line: exit 7, and
# under --max-errors the skipped record's note (stderr and manifest) names it the same way
python3 - "$F/dialogues.json" "$A/empty-user.json" <<'PY'
import json, sys
ds = json.load(open(sys.argv[1], encoding="utf-8"))
ds[316]["userid"] = ""
open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(ds, indent=2, ensure_ascii=False))
PY
for j in 1 3; do
  check_exit 7 "an empty user id in element 317 -j $j: exit 7" un --raw "$A/empty-user.json" -o "$T/eu$j" -q -j "$j"
  check_grep "an empty user id -j $j: named by its element" "'$A/empty-user.json' element 317: empty or missing user id" "$T/.err"
  check_exit 0 "an empty user id -j $j, --max-errors 1" un --raw "$A/empty-user.json" -o "$T/eum$j" -q -j "$j" --max-errors 1
  check_grep "--max-errors -j $j: the warning names the element" "skipped a bad record: '$A/empty-user.json' element 317:" "$T/.err"
  check_grep "--max-errors -j $j: the manifest names the element" "element 317: empty or missing user id" "$T/eum$j/manifest.json"
done

# a broken array is exit 7 naming the file, the element and the byte: never a shorter dataset
B="$T/broken"
mkdir "$B"
python3 - "$F" "$B" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
ds = json.load(open(f"{src}/dialogues.json", encoding="utf-8"))
el = [json.dumps(d, indent=2, ensure_ascii=False) for d in ds]
def array(parts):
    return "[\n" + ",\n".join(parts) + "\n]\n"
cases = []  # name, text, the message's element part, its byte part
def add(name, text, what, at):
    cases.append((name, text, what, at))
k = 317  # 1-based
full = array(el)
start = full.index(el[k - 1])  # element k's '{' (each element is unique)
add("truncated-inside", full[:start + len(el[k - 1]) // 2], f"element {k}: the file ends inside it", f"(it begins at byte {len(full[:start].encode())}")
head = "[\n" + ",\n".join(el[:k])
add("truncated-after", head + "\n", f"after element {k}: the file ends", f"at byte {len((head + chr(10)).encode())}")
add("garbage", full + "[]\n", f": '[' at byte {len(full.encode())} after the JSON array's closing ']'", f"(byte {len(full.encode()) - 2})")
bad = el[:k - 1] + ["42"] + el[k - 1:]
t = array(bad)
add("non-object", t, f"element {k}: not a JSON object: it begins with '4'", f"at byte {len(t[:t.index(chr(10) + '42,') + 1].encode())}")
i = el[k - 1].index('"rec_item_id": []')
e2 = el[k - 1][:i] + '"rec_item_id": [}' + el[k - 1][i + len('"rec_item_id": []'):]
t = array(el[:k - 1] + [e2] + el[k:])
add("unbalanced", t, f"element {k}: unbalanced brackets: '}}'", f"at byte {len(t[:t.index('[}') + 1].encode())}")
t = array(el[:k]) .replace("\n]\n", ",\n]\n")
add("trailing-comma", t, f"element {k + 1}: missing: ']'", f"at byte {len(t.encode()) - 2}")
t = "[\n" + ",\n".join(el[:k]) + "\n" + ",\n".join(el[k:]) + "\n]\n"
add("missing-comma", t, f"after element {k}: expected ',' or ']'", "found '{'")
e3 = el[k - 1].replace('"sid": "', '"sid" "', 1)
t = array(el[:k - 1] + [e3] + el[k:])
add("bad-element", t, f"element {k}: expected ':'", "at byte")
with open(f"{out}/cases", "w", encoding="utf-8") as f:
    for name, text, what, at in cases:
        open(f"{out}/{name}.json", "w", encoding="utf-8").write(text)
        what = what if what[0] == ":" else " " + what
        f.write("\t".join([name, what.replace("[", "\\["), at.replace("[", "\\[")]) + "\n")  # grep patterns
PY
while IFS="$(printf '\t')" read -r name what at; do
  for j in 1 3; do
    check_exit 7 "broken array ($name) -j $j: exit 7" un --raw "$B/$name.json" -o "$T/b-$name-$j" -q -j "$j" --block-size 4096
    check_grep "broken array ($name) -j $j: names the file and element" "'$B/$name.json'$what" "$T/.err"
    check_grep "broken array ($name) -j $j: and the byte" "$at" "$T/.err"
    check "broken array ($name) -j $j: no output" test ! -e "$T/b-$name-$j"
  done
done <"$B/cases"
check "the broken cases were all made" test "$(wc -l <"$B/cases")" -eq 8

# python's one-per-line rewrite of the array converts the same, under its own name too
python3 -c 'import json,sys; [print(json.dumps(d, ensure_ascii=False)) for d in json.load(open(sys.argv[1], encoding="utf-8"))]' \
  "$F/dialogues.json" >"$T/rewritten.jsonl"
check_exit 0 "one object per line, rewritten from the array, under another name" un --raw "$T/rewritten.jsonl" -o "$T/rw" -q
check_same "rewritten: the same interactions" "$T/rw/interactions.tsv" "$T/inter.want"
check_same "rewritten, another name: the same messages" "$T/rw/messages.tsv" "$T/messages.want"
check_same "rewritten: the same dialogues.jsonl (compact whatever the input's separators)" "$T/rw/dialogues.jsonl" "$T/dialogues.want"
mkdir "$T/rwd"
cp "$T/rewritten.jsonl" "$T/rwd/dialogues.jsonl"
check_exit 0 "rewritten, named dialogues.jsonl in a directory" un --raw "$T/rwd" -o "$T/rw2" -q
check_same "rewritten in a directory: the same messages" "$T/rw2/messages.tsv" "$T/messages.want"
mkdir "$T/ad"
cp "$A/indent2.json" "$T/ad/dialogues.jsonl"
check_exit 0 "the array named dialogues.jsonl in a directory" un --raw "$T/ad" -o "$T/ad-o" -q
check_same "the array in a directory: the same dialogues.jsonl" "$T/ad-o/dialogues.jsonl" "$T/dialogues.want"

# the manual download
check_exit 9 "fetch: manual (e-mail application), exit 9" "$L4R" fetch u-need
check_grep "the steps name the address" "baohua.dbh@alibaba-inc.com" "$T/.err"
check_grep "the steps name the statement page" "https://github.com/LeeeeoLiu/U-NEED/blob/main/dataset_access.md" "$T/.err"
check_grep "the steps name the authors' file" "air_train_dataset_0210_encrypt.json" "$T/.err"
check_grep "the steps say the array is read as it is" "under any" "$T/.err"
check_nogrep "the steps need no jq" "jq" "$T/.err"
check_exit 9 "convert without --raw: the same exit 9" un -o "$T/nf" -q
check_exit 0 "fetch --from the authors' array file (one file: any name)" "$L4R" fetch u-need --from "$A/air_train_dataset_0210_encrypt.json" -q
check_exit 0 "convert the fetched copy" un -o "$T/fetched" -q
for f in interactions.tsv messages.tsv recommendations.tsv dialogues.jsonl; do
  check_same "fetched = --raw: $f" "$T/fetched/$f" "$T/o1/$f"
done
cp "$F/dialogues.jsonl" "$T/mine.jsonl"
export LLM4REC_DATA_HOME="$T/home2"
check_exit 0 "fetch --from JSON lines under another name" "$L4R" fetch u-need --from "$T/mine.jsonl" -q
check_exit 0 "convert the fetched JSON lines" un -o "$T/fetched2" -q
check_same "fetched JSON lines = --raw: messages" "$T/fetched2/messages.tsv" "$T/o1/messages.tsv"

# the splits variant: the authors' train, dev and test files (indented arrays) as one table, and
# their split as --split published writes it
S="$T/splits"
mkdir "$S"
python3 - "$F" "$S" "$T" <<'PY'
import json, sys
from l4r_expect import line
import calendar, time
src, out, t = sys.argv[1], sys.argv[2], sys.argv[3]
ds = json.load(open(f"{src}/dialogues.json", encoding="utf-8"))
parts = {"train": ds[:420], "dev": ds[420:510], "test": ds[510:]}
for n, p in parts.items():
    json.dump(p, open(f"{out}/air_{n}_dataset_0210_encrypt.json", "w", encoding="utf-8"), indent=2, ensure_ascii=False)
for n, p in parts.items():
    with open(f"{t}/split-{n}.want", "w", encoding="utf-8") as f:
        f.write("user_id\titem_id\trating\ttimestamp\n")
        for d in p:
            f.write(line([d["userid"], d["sellerid"], "1", calendar.timegm(time.strptime(d["ds"], "%Y%m%d"))]))
PY
for j in 1 3; do
  check_exit 0 "splits --raw DIR -j $j" un --variant splits --raw "$S" -o "$T/s$j" -q -j "$j"
done
for f in interactions.tsv messages.tsv recommendations.tsv dialogues.jsonl; do
  check_same "splits: $f of the three files in order = the one array's" "$T/s1/$f" "$T/o1/$f"
  check_same "splits: $f -j 1 = -j 3" "$T/s1/$f" "$T/s3/$f"
done
check_exit 0 "splits: --split published" un --variant splits --raw "$S" -o "$T/sp" -q --split published
for p in train:train valid:dev test:test; do
  check_same "splits --split published: ${p%%:*}.tsv is the ${p##*:} file's dialogues" "$T/sp/${p%%:*}.tsv" "$T/split-${p##*:}.want"
done
check_exit 9 "fetch u-need/splits: manual, exit 9" "$L4R" fetch u-need/splits
check_grep "the splits steps name the three files" "air_dev_dataset_0210_encrypt.json" "$T/.err"
check_exit 0 "fetch u-need/splits --from DIR" "$L4R" fetch u-need/splits --from "$S" -q
check_exit 0 "convert the fetched splits" un --variant splits -o "$T/sf" -q --split published
check_same "fetched splits = --raw: test.tsv" "$T/sf/test.tsv" "$T/sp/test.tsv"
check_same "fetched splits = --raw: dialogues.jsonl" "$T/sf/dialogues.jsonl" "$T/o1/dialogues.jsonl"

check_exit 0 "info" "$L4R" info u-need
check_grep "info: license (research only, delete after use)" "deleted" "$T/.out"
check_grep "info: terms" "terms:.*dataset_access.md" "$T/.out"
check_grep "info: notes say what is belief" "belief" "$T/.out"
check_grep "info: notes name what is not written" "rec_item_info" "$T/.out"
check_grep "info: the second explode level" "then one per element of its key rec_item_id, named item" "$T/.out"
check_grep "info: the dialogues.jsonl copy" "^dialogues.jsonl:" "$T/.out"
check_grep "info: citation" "liu2023uneed" "$T/.out"
