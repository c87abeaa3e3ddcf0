# CLI tests: `llm4rec-data audit` on splits made to leak in each way it checks (written below in
# python, with the expected numbers computed there from the rows written, independently of the C
# code), on a clean split of our own, and in every layout it reads.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"

# ---- the leaking splits, and what each should report (expect.json per directory) ----
python3 - "$F" <<'PY'
import json, os, random, sys
F = sys.argv[1]
rnd = random.Random(18)

def q(s):
    # docs/FORMAT.md: a field holding '"' is RFC 4180-quoted
    return '"' + s.replace('"', '""') + '"' if '"' in s else s

def tsv(d, name, rows, extra=None):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write("user_id\titem_id\trating\ttimestamp" + ("\t" + extra if extra else "") + "\n")
        for r in rows:
            f.write("\t".join(q(str(x)) for x in r) + "\n")

def expect(d, **kw):
    json.dump(kw, open(os.path.join(d, "expect.json"), "w"))

# a base of 30 users x 8 items each, user-chronological, item ids distinct per user and random
def base(t0=1000):
    parts = {"train": [], "valid": [], "test": []}
    for u in range(30):
        items = rnd.sample(range(1000, 1400), 8)
        for k, i in enumerate(items):
            ts = t0 + u * 10 + k * 1000
            p = "test" if k == 7 else "valid" if k == 6 else "train"
            parts[p].append(["u%d" % u, str(i), 4, ts])
    return parts

def write(d, parts, extra=None):
    for p in ("train", "valid", "test"):
        tsv(d, p + ".tsv", parts[p], extra)

# 1. temporal: one test row older than its user's own train rows (and than the latest train row)
d = F + "/time"
P = base()
P["test"][0][3] = 1            # u0's test at t=1: older than all of u0's train rows
P["valid"][1][3] = 5           # u1's valid at t=5
write(d, P)
tmax = max(r[3] for r in P["train"])
def older_than_user(rows):
    out = []
    for r in rows:
        m = max(x[3] for x in P["train"] if x[0] == r[0])
        if r[3] < m:
            out.append(m - r[3])
    return out
ev = P["valid"] + P["test"]
ou = older_than_user(ev)
gt = [tmax - r[3] for r in P["test"] if r[3] < tmax]
gv = [tmax - r[3] for r in P["valid"] if r[3] < tmax]
expect(d, user_rows=len(ou), user_of=len(ev), user_worst=max(ou),
       test_rows=len(gt), test_of=len(P["test"]), test_worst=max(gt), valid_rows=len(gv), valid_worst=max(gv))

# 1b. a global temporal split: every valid/test row after every train row
d = F + "/global"
P = base()
rows = sorted(P["train"] + P["valid"] + P["test"], key=lambda r: r[3])
n = len(rows)
write(d, {"train": rows[: n * 8 // 10], "valid": rows[n * 8 // 10 : n * 9 // 10], "test": rows[n * 9 // 10 :]})

# 2. cold users and items: a test user and a test item train never saw
d = F + "/cold"
P = base()
P["test"].append(["newcomer", "1100", 4, 9_000_000])
P["test"].append(["newcomer", "1101", 4, 9_000_001])
P["valid"].append(["u3", "999999", 4, 9_000_002])
write(d, P)
tu = {r[0] for r in P["train"]}; ti = {r[1] for r in P["train"]}
ev = P["valid"] + P["test"]
expect(d, users=len({r[0] for r in ev} - tu), user_rows=sum(r[0] not in tu for r in ev),
       items=len({r[1] for r in ev} - ti), item_rows=sum(r[1] not in ti for r in ev), of=len(ev))

# 3. the same (user, item) in train and test (and one in train and valid)
d = F + "/dup"
P = base()
P["test"][4][1] = P["train"][4 * 6][1]   # u4's first train item is its test item too
P["valid"][5][1] = P["train"][5 * 6][1]
write(d, P)
def pairs(a, b):
    return len({(r[0], r[1]) for r in P[a]} & {(r[0], r[1]) for r in P[b]})
expect(d, train_test=pairs("train", "test"), valid_test=pairs("valid", "test"), train_valid=pairs("train", "valid"))

# 4. histories that hold their own target: our JSONL, and an Amazon 2023 `history` column
#    (with an id that needs quoting, so the check sees the unquoted values)
d = F + "/hist"
P = base()
write(d, P)
n = hits = 0
for name, rows in (("train.jsonl", P["train"]), ("test.jsonl", P["test"])):
    with open(os.path.join(d, name), "w") as f:
        for k, r in enumerate(rows):
            hist = [x[1] for x in rows[max(0, k - 3) : k]]
            if k in (5, 17):
                hist.append(r[1])
                hits += 1
            n += 1
            f.write(json.dumps({"user_id": r[0], "history_item_ids": hist, "target_item_id": r[1]}) + "\n")
expect(d, rows=hits, of=n)

d = F + "/hist23"
P = base()
for p in ("train", "valid"):
    tsv(d, p + ".tsv", [r + [""] for r in P[p]], "history")
test = [r + [" ".join(x[1] for x in P["train"] if x[0] == r[0])] for r in P["test"]]
test[2][1] = 'x"y'            # quoted in the file: "x""y"
test[2][4] += ' x"y'          # its history (quoted as a whole) holds it
tsv(d, "test.tsv", test, "history")
expect(d, rows=1, of=len(test))

# 5. ids along the sequences (P5: numbered by first appearance in the users' sequences) vs
#    the same sequences under a shuffled numbering
seqs = [rnd.sample(["asin%03d" % k for k in range(300)], 10) for _ in range(60)]
first = {}
for s in seqs:
    for i in s:
        first.setdefault(i, len(first) + 1)
shuf = list(range(1, len(first) + 1)); rnd.shuffle(shuf)
shuffled = {i: shuf[v - 1] for i, v in first.items()}
for name, m in (("p5seq", first), ("p5shuf", shuffled)):
    d = F + "/" + name
    os.makedirs(d)
    with open(d + "/sequential_data.txt", "w") as f:
        for u, s in enumerate(seqs):
            f.write(" ".join([str(u + 1)] + [str(m[i]) for i in s]) + "\n")
    pairs_ = [(m[a], m[b]) for s in seqs for a, b in zip(s, s[1:])]
    expect(d, pairs=len(pairs_), plus_one=sum(b - a == 1 for a, b in pairs_), items=len(m))
# the same as SASRec's NAME.txt ("user item" lines), which auto-detection finds as sasrec
d = F + "/sasrec"
os.makedirs(d)
with open(d + "/Beauty.txt", "w") as f:
    for u, s in enumerate(seqs):
        for i in s:
            f.write("%d %d\n" % (u + 1, first[i]))
expect(d, train=sum(len(s) - 2 for s in seqs), valid=len(seqs), test=len(seqs))

# 6. ties: runs of equal timestamps whose items are in ascending id order, vs in random order
for name, by_id in (("tie_id", True), ("tie_src", False)):
    d = F + "/" + name
    P = {"train": [], "valid": [], "test": []}
    for u in range(40):
        items = rnd.sample(range(1, 500), 9)
        runs = [items[0:3], items[3:6], items[6:9]]
        seq = []
        for k, run in enumerate(runs):
            run = sorted(run) if by_id else run
            seq += [(i, 100000 + u + k * 5000) for i in run]
        for k, (i, ts) in enumerate(seq):
            p = "test" if k == 8 else "valid" if k == 7 else "train"
            P[p].append(["u%d" % u, str(i), 3, ts])
    write(d, P)
    tied = asc = desc = steps = 0
    for u in range(40):
        s = [r for p in ("train", "valid", "test") for r in P[p] if r[0] == "u%d" % u]
        for a, b in zip(s, s[1:]):
            steps += 1
            if a[3] == b[3]:
                tied += 1
                asc += int(a[1]) < int(b[1])
                desc += int(a[1]) > int(b[1])
    expect(d, tied=tied, steps=steps, asc=asc, desc=desc)

# a RecBole-only directory (atomic files with a typed header)
d = F + "/recbole"
os.makedirs(d)
P = base()
for p in ("train", "valid", "test"):
    with open("%s/Toys.%s.inter" % (d, p), "w") as f:
        f.write("user_id:token\titem_id:token\trating:float\ttimestamp:float\n")
        for r in P[p]:
            f.write("%s\t%s\t%d\t%d.0\n" % tuple(r))
expect(d, train=len(P["train"]), valid=len(P["valid"]), test=len(P["test"]))
PY

# jq-like assertions on the JSON report in $T/.out: python code with `f` (findings by check),
# `j` (the report) and `x` (the directory's expect.json)
jcheck() {
  desc=$1; dir=$2; code=$3
  cp "$T/.out" "$T/report.json"
  check "$desc" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
f = {k["check"]: k for k in j["findings"]}
try:
    x = json.load(open(sys.argv[2] + "/expect.json"))
except FileNotFoundError:
    x = {}
v = lambda c: f[c]["values"]
exec(sys.argv[3])
' "$T/report.json" "$dir" "$code"
}

A() { "$L4R" audit "$@"; }

# ---- 1. temporal leakage ----
check_exit 11 "test older than its user's train: exit 11 (error at the default --fail-on)" A "$F/time" --json
jcheck "per-user leakage: rows, of, worst gap as written" "$F/time" '
assert f["temporal_leakage_user"]["severity"] == "error"
u = v("temporal_leakage_user")
assert (u["rows"], u["of"], u["worst_gap_seconds"]) == (x["user_rows"], x["user_of"], x["user_worst"]), u'
jcheck "global leakage: test and valid counts and worst gaps, warn" "$F/time" '
g = v("temporal_leakage_global")
assert f["temporal_leakage_global"]["severity"] == "warn"
assert (g["test_rows"], g["test_of"], g["test_worst_gap_seconds"]) == (x["test_rows"], x["test_of"], x["test_worst"]), g
assert (g["valid_rows"], g["valid_worst_gap_seconds"]) == (x["valid_rows"], x["valid_worst"]), g
assert abs(g["test_share"] - x["test_rows"] / x["test_of"]) < 1e-9'
check_exit 0 "a global temporal split: exit 0" A "$F/global" --json
jcheck "global temporal split: no leakage of either kind" "$F/global" '
assert f["temporal_leakage_user"]["severity"] == "ok" and f["temporal_leakage_global"]["severity"] == "ok", f
assert v("temporal_leakage_global")["test_rows"] == 0'
check_exit 11 "--fail-on warn fails on global leakage alone" A "$F/time" --fail-on warn
check_exit 0 "--fail-on never: exit 0 whatever is found" A "$F/time" --fail-on never
check_grep "the table shows the per-user leakage as error" "temporal_leakage_user *error" "$T/.out"

# ---- 2. cold users and items ----
check_exit 0 "cold users/items are warnings: exit 0 at the default --fail-on" A "$F/cold" --json
jcheck "cold users and items counted as written" "$F/cold" '
assert f["cold_users"]["severity"] == "warn" and f["cold_items"]["severity"] == "warn"
cu, ci = v("cold_users"), v("cold_items")
assert (cu["users"], cu["rows"], cu["of"]) == (x["users"], x["user_rows"], x["of"]), cu
assert (ci["items"], ci["rows"], ci["of"]) == (x["items"], x["item_rows"], x["of"]), ci'
check_exit 11 "cold items fail under --fail-on warn" A "$F/cold" --fail-on warn

# ---- 3. a pair in two parts ----
check_exit 11 "a (user, item) in train and test: exit 11" A "$F/dup" --json
jcheck "duplicate pairs per part combination" "$F/dup" '
d = v("duplicate_pairs")
assert f["duplicate_pairs"]["severity"] == "error"
assert (d["train_test"], d["valid_test"], d["train_valid"]) == (x["train_test"], x["valid_test"], x["train_valid"]), d
assert x["train_test"] == 1 and x["train_valid"] == 1'

# ---- 4. histories holding their target ----
check_exit 11 "a JSONL history holding its target: exit 11" A "$F/hist" --json
jcheck "JSONL histories: hits and examples counted" "$F/hist" '
h = v("history_contains_target")
assert f["history_contains_target"]["severity"] == "error"
assert (h["rows"], h["of"]) == (x["rows"], x["of"]), h
assert "train.jsonl line 6" in f["history_contains_target"]["numbers"], f["history_contains_target"]'
check_exit 11 "an Amazon 2023 history column holding a quoted target: exit 11" A "$F/hist23" --json
jcheck "history column: the RFC 4180-quoted id is matched unquoted" "$F/hist23" '
h = v("history_contains_target")
assert (h["rows"], h["of"]) == (x["rows"], x["of"]), h'
check_exit 11 "a split without histories" A "$F/time" --json
jcheck "a split without histories: history check skipped" "$F/time" '
assert f["history_contains_target"]["severity"] == "skipped", f["history_contains_target"]'

# ---- 5. id orders along the sequences ----
check_exit 11 "P5 sequential indexing: exit 11 (error in the p5 layout)" A "$F/p5seq" --json
jcheck "P5 sequential ids: +1 pairs counted, expected 1/items, detected as p5" "$F/p5seq" '
i = v("id_order")
assert j["format"] == "p5" and j["detected"] is True, j
assert f["id_order"]["severity"] == "error"
assert (i["pairs"], i["plus_one"]) == (x["pairs"], x["plus_one"]), (i, x)
assert abs(i["expected_share"] - 1 / x["items"]) < 1e-12, i'
check_exit 0 "the same sequences under shuffled ids: exit 0" A "$F/p5shuf" --json
jcheck "shuffled ids: +1 pairs as written, near chance, ok" "$F/p5shuf" '
i = v("id_order")
assert f["id_order"]["severity"] == "ok", f["id_order"]
assert (i["pairs"], i["plus_one"]) == (x["pairs"], x["plus_one"]), (i, x)'
jcheck "P5 layout: no timestamps, so the time and tie checks are skipped" "$F/p5shuf" '
for c in ("temporal_leakage_user", "temporal_leakage_global", "tie_rate", "ties_by_item_id"):
    assert f[c]["severity"] == "skipped", f[c]
assert j["timestamps"] is False'

# ---- 6. ties ----
check_exit 0 "ties broken by item id are a warning: exit 0 by default" A "$F/tie_id" --json
jcheck "ties broken by id: tie rate and ascending runs counted, warn" "$F/tie_id" '
t, b = v("tie_rate"), v("ties_by_item_id")
assert f["tie_rate"]["severity"] == "info" and f["ties_by_item_id"]["severity"] == "warn", f
assert (t["tied"], t["of"]) == (x["tied"], x["steps"]), t
assert (b["ascending"], b["descending"]) == (x["asc"], x["desc"]), b'
check_exit 11 "ties by id fail under --fail-on warn" A "$F/tie_id" --fail-on warn
check_exit 0 "ties in source (random) order" A "$F/tie_src" --json
jcheck "ties in source order: same tie rate, not flagged as by id" "$F/tie_src" '
t, b = v("tie_rate"), v("ties_by_item_id")
assert f["ties_by_item_id"]["severity"] == "ok", f["ties_by_item_id"]
assert (t["tied"], t["of"]) == (x["tied"], x["steps"]), t
assert (b["ascending"], b["descending"]) == (x["asc"], x["desc"]), b'
check_exit 11 "the tie rate alone fails under --fail-on info" A "$F/tie_src" --fail-on info

# ---- layouts ----
check_exit 0 "SASRec NAME.txt alone" A "$F/sasrec" --json --fail-on error
jcheck "SASRec layout detected, split as data_partition (last test, second last valid)" "$F/sasrec" '
assert j["format"] == "sasrec" and j["files"] == "Beauty.txt", j
assert j["rows"] == {"train": x["train"], "valid": x["valid"], "test": x["test"]}, j["rows"]
assert f["id_order"]["severity"] == "warn", f["id_order"]'
check_exit 0 "RecBole atomic files alone" A "$F/recbole" --json
jcheck "RecBole layout detected, rows per part, float timestamps read" "$F/recbole" '
assert j["format"] == "recbole" and j["timestamps"] is True, j
assert j["files"] == "Toys.train.inter Toys.valid.inter Toys.test.inter", j["files"]
assert j["rows"] == {"train": x["train"], "valid": x["valid"], "test": x["test"]}, j["rows"]'
check_exit 8 "a directory without a split: i/o exit code" A "$F"
check_grep "says which layouts it looked for" "sequential_data.txt" "$T/.err"
check_exit 8 "--format names a layout the directory lacks" A "$F/recbole" --format tsv
check_exit 2 "unknown --format is a usage error" A "$F/recbole" --format csv
check_exit 2 "unknown --fail-on is a usage error" A "$F/recbole" --fail-on sometimes
check_exit 0 "audit --help" A --help
check_grep "help names every layout" "recbole" "$T/.out"

# ---- a clean split of our own: ML-1M-shaped fixture, convert --split seq ----
"$GEN" movielens ml-1m "$F/ml" >/dev/null || fail "fixture generation"
o="$T/seq"
check_exit 0 "convert the fixture with --split seq (tsv, recbole, sasrec, jsonl)" \
  "$L4R" convert movielens --variant ml-1m --raw "$F/ml/ml-1m.zip" -o "$o" --split seq --format tsv,recbole,sasrec,jsonl -q
check_exit 0 "our own seq split passes at the default --fail-on" A "$o" --json
jcheck "clean split: tsv detected, other layouts listed, documented keys, no error" "$o" '
for k in ("dir", "format", "detected", "also_present", "files", "rows", "users", "items", "timestamps",
          "findings", "worst", "fail_on", "failed"):
    assert k in j, k
assert j["format"] == "tsv" and j["detected"] and j["also_present"] == ["recbole", "sasrec"], j
assert [k["check"] for k in j["findings"]] == ["temporal_leakage_user", "temporal_leakage_global", "cold_users",
    "cold_items", "duplicate_pairs", "history_contains_target", "id_order", "tie_rate", "ties_by_item_id"]
for k in j["findings"]:
    assert set(k) == {"check", "severity", "values", "numbers", "explanation"}, k
    assert k["severity"] in ("skipped", "ok", "info", "warn", "error"), k
assert j["worst"] != "error" and j["failed"] is False and j["fail_on"] == "error", j
assert f["temporal_leakage_user"]["severity"] == "ok" and f["duplicate_pairs"]["severity"] == "ok"
assert f["history_contains_target"]["severity"] == "ok" and v("history_contains_target")["of"] > 0
rows = {p: sum(1 for _ in open(sys.argv[2] + "/" + p + ".tsv")) - 1 for p in ("train", "valid", "test")}
assert j["rows"] == rows, (j["rows"], rows)'
for fmt in recbole sasrec; do
  check_exit 0 "our own split read as $fmt" A "$o" --format $fmt --json
  jcheck "$fmt layout of our split: same rows as the TSV, chosen by --format" "$o" "
assert j['format'] == '$fmt' and j['detected'] is False, j
rows = {p: sum(1 for _ in open(sys.argv[2] + '/' + p + '.tsv')) - 1 for p in ('train', 'valid', 'test')}
assert j['rows'] == rows, (j['rows'], rows)"
done
check_exit 0 "the table for our split" A "$o"
check_grep "the table says which layout was detected" "tsv layout (detected); also present: recbole,sasrec" "$T/.out"
check_grep "the table ends with the verdict" "^verdict: .* (--fail-on error: pass)" "$T/.out"

# our global temporal split: no global leakage (docs/AUDIT.md says so of it)
o="$T/tq"
check_exit 0 "convert the fixture with --split time-quantile:0.8,0.9" \
  "$L4R" convert movielens --variant ml-1m --raw "$F/ml/ml-1m.zip" -o "$o" --split time-quantile:0.8,0.9 -q
check_exit 0 "our time-quantile split passes" A "$o" --json
jcheck "time-quantile split: no test or valid row older than the latest train row" "$o" '
g = v("temporal_leakage_global")
assert f["temporal_leakage_global"]["severity"] == "ok" and g["test_rows"] == 0 and g["valid_rows"] == 0, g
assert g["test_of"] > 0 and g["valid_of"] > 0, g
assert f["history_contains_target"]["severity"] == "skipped"'

# RecBole's sequential benchmark files: an item_id_list history column, no timestamp
mkdir -p "$F/rbseq"
printf 'user_id:token\titem_id_list:token_seq\titem_id:token\n1\t5 6 7\t8\n2\t5 6\t7\n' > "$F/rbseq/Beauty.train.inter"
printf 'user_id:token\titem_id_list:token_seq\titem_id:token\n1\t5 6 7 8\t9\n2\t5 6 7\t5\n' > "$F/rbseq/Beauty.test.inter"
check_exit 11 "RecBole item_id_list holding its target: exit 11" A "$F/rbseq" --json
jcheck "RecBole item_id_list: 1 of 4 examples, no timestamps, no valid file" "$F/rbseq" '
h = v("history_contains_target")
assert (h["rows"], h["of"]) == (1, 4), h
assert "Beauty.test.inter line 3" in f["history_contains_target"]["numbers"], f["history_contains_target"]
assert j["timestamps"] is False and j["rows"] == {"train": 2, "valid": 0, "test": 2}, j'

# a malformed row is a parse error naming the file and line
mkdir -p "$F/bad"
printf 'user_id\titem_id\trating\ttimestamp\nu1\ti1\t4\t10\n' > "$F/bad/train.tsv"
printf 'user_id\titem_id\trating\ttimestamp\nu1\ti2\t4\tsoon\n' > "$F/bad/test.tsv"
check_exit 7 "a timestamp that is not a number: parse exit code" A "$F/bad"
check_grep "the message names the file and line" "test.tsv' line 2, field timestamp" "$T/.err"

# SASRec: a user whose lines are not together is refused, not split in two
mkdir -p "$F/sasbad"
printf '1 1\n1 2\n2 1\n1 3\n' > "$F/sasbad/x.txt"
check_exit 7 "SASRec file with a user's lines apart: parse exit code" A "$F/sasbad"
check_grep "names the line" "x.txt' line 4: user '1' appears again" "$T/.err"
