# CLI tests: the u-need recipe on l4r-gen's dialogues in the shape of the authors' examples.md (one
# dialogue object per line; Chinese text; times with and without microseconds; a send_content that
# is a number; quotes, line breaks and TABs escaped in the JSON).  python's json module computes the
# expected interactions (userid, sellerid per dialogue, ds as the day) and messages.tsv (one row per
# message, the time floored to the second as UTC); -j 1 = -j 3; the JSON-array form the authors'
# code reads is refused (exit 7) and python's one-object-per-line rewrite of it converts the same;
# the manual download (exit 9 naming the e-mail address and the file), fetch --from, fetched = --raw.
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
for j in 1 3; do
  check_exit 0 "dialogues -j $j" un --raw "$F/dialogues.jsonl" -o "$T/o$j" -q -j "$j" --block-size 4096
done
check_same "interactions: userid, sellerid, 1, ds (yyyymmdd) as UTC midnight, one row per dialogue" "$T/o1/interactions.tsv" "$T/inter.want"
check_same "messages.tsv: one row per message, time floored to the second, numbers as written" "$T/o1/messages.tsv" "$T/messages.want"
for f in interactions messages; do
  check_same "$f.tsv: -j 1 = -j 3" "$T/o1/$f.tsv" "$T/o3/$f.tsv"
done
check_eq "the real dialogue: ds 20180930 is 2018-09-30 00:00 UTC" "$(sed -n 2p "$T/o1/interactions.tsv")" "$(printf '2201523477005\t2830038155\t1\t1538265600')"
check_eq "the real first message: 2018-09-30 15:57:00 as UTC" "$(sed -n 2p "$T/o1/messages.tsv" | cut -f2,10)" "$(printf '1538323020\t你们店有没有套装')"
check_exit 0 "--split seq (by ds, one day's dialogues in file order)" un --raw "$F/dialogues.jsonl" -o "$T/seq" -q --split seq
check_same "seq test: the shop of each user's latest dialogue by ds, not the file's last" "$T/seq/test.tsv" "$T/test.want"

# the JSON array the authors' code reads is not JSON lines
check_exit 7 "the JSON array form is refused" un --raw "$F/dialogues.json" -o "$T/arr" -q
check_grep "the message names the file and line" "dialogues.json' line 1" "$T/.err"
python3 -c 'import json,sys; [print(json.dumps(d, ensure_ascii=False)) for d in json.load(open(sys.argv[1], encoding="utf-8"))]' \
  "$F/dialogues.json" >"$T/rewritten.jsonl"
check_exit 0 "one object per line, rewritten from the array, under another name" un --raw "$T/rewritten.jsonl" -o "$T/rw" -q
check_same "rewritten: the same interactions" "$T/rw/interactions.tsv" "$T/inter.want"
check "another name: no messages.tsv" test ! -e "$T/rw/messages.tsv"
check_grep "another name: a warning names the missing table's file" "dialogues.jsonl" "$T/.err"
mkdir "$T/rwd"
cp "$T/rewritten.jsonl" "$T/rwd/dialogues.jsonl"
check_exit 0 "rewritten, named dialogues.jsonl in a directory" un --raw "$T/rwd" -o "$T/rw2" -q
check_same "rewritten: the same messages" "$T/rw2/messages.tsv" "$T/messages.want"

# the manual download
check_exit 9 "fetch: manual (e-mail application), exit 9" "$L4R" fetch u-need
check_grep "the steps name the address" "baohua.dbh@alibaba-inc.com" "$T/.err"
check_grep "the steps name the statement page" "https://github.com/LeeeeoLiu/U-NEED/blob/main/dataset_access.md" "$T/.err"
check_grep "the steps name the file" "dialogues.jsonl" "$T/.err"
check_grep "the steps say how to write JSON lines" "jq -c" "$T/.err"
check_exit 9 "convert without --raw: the same exit 9" un -o "$T/nf" -q
cp "$F/dialogues.jsonl" "$T/mine.jsonl"
check_exit 0 "fetch --from (one file: any name)" "$L4R" fetch u-need --from "$T/mine.jsonl" -q
check_exit 0 "convert the fetched copy" un -o "$T/fetched" -q
check_same "fetched = --raw: interactions" "$T/fetched/interactions.tsv" "$T/o1/interactions.tsv"
check_same "fetched = --raw: messages" "$T/fetched/messages.tsv" "$T/o1/messages.tsv"

check_exit 0 "info" "$L4R" info u-need
check_grep "info: license (research only, delete after use)" "deleted" "$T/.out"
check_grep "info: terms" "terms:.*dataset_access.md" "$T/.out"
check_grep "info: notes say what is belief" "belief" "$T/.out"
check_grep "info: notes name what is not written" "rec_item_id" "$T/.out"
check_grep "info: citation" "liu2023uneed" "$T/.out"
