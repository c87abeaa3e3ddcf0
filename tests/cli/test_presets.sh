# CLI tests: convert --preset and the presets command.  The sasrec preset against SASRec's own
# logic, written here in python from its published code (data/DataProcessing.py: count every raw
# row per user and per item, keep the rows whose user and item both have >= 5, one pass; ids by
# first appearance in the file from 1; each user's rows stable-sorted by time, so ties keep file
# order; "user item" lines by user id), byte for byte, on an Amazon 2014 Beauty reviews fixture and
# an ML-1M fixture; the comparison with the paper; an override recorded; a deviation on the
# published source (a test recipe whose SHA-256 is the fixture's) exits 11 and writes nothing,
# --allow-deviation writes it; presets --json; did-you-mean; a dataset the preset does not cover.
. "$(dirname "$0")/../lib.sh"

# SASRec's preprocessing, from its published logic.  Input rows: (user, item, time) in file order.
cat >"$T/sasrec.py" <<'PY'
import ast, sys, zipfile
from collections import defaultdict

def rows_amazon(path):
    for line in open(path, encoding="utf-8"):
        if line.strip():
            r = ast.literal_eval(line)
            yield r["reviewerID"], r["asin"], int(r["unixReviewTime"])

def rows_ml1m(path):
    with zipfile.ZipFile(path) as z:
        for line in z.read("ml-1m/ratings.dat").decode("latin-1").splitlines():
            if line:
                u, i, _r, t = line.split("::")
                yield u, i, int(t)

def sasrec(rows, k):
    rows = list(rows)
    cu, ci = defaultdict(int), defaultdict(int)
    for u, i, _t in rows:
        cu[u] += 1
        ci[i] += 1
    umap, imap, user = {}, {}, {}
    for u, i, t in rows:
        if cu[u] < k or ci[i] < k:
            continue
        if u not in umap:
            umap[u] = len(umap) + 1
            user[umap[u]] = []
        if i not in imap:
            imap[i] = len(imap) + 1
        user[umap[u]].append((t, imap[i]))
    out = []
    for uid in sorted(user):
        for _t, iid in sorted(user[uid], key=lambda x: x[0]):  # stable: ties keep file order
            out.append("%d %d\n" % (uid, iid))
    return "".join(out), len(umap), len(imap)

kind, path, k, dest = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
text, nu, ni = sasrec(rows_amazon(path) if kind == "amazon" else rows_ml1m(path), k)
open(dest, "w").write(text)
print(nu, ni)
PY

# --- Amazon 2014 Beauty reviews (day-granular times: many ties within a user) ---
check_exit 0 "generate Amazon 2014 Beauty reviews" "$GEN" amazon 2014 reviews --lines 4000 --users 350 --items 250 -o "$T/reviews_Beauty.json"
python3 "$T/sasrec.py" amazon "$T/reviews_Beauty.json" 5 "$T/Beauty.expected" >/dev/null
check "the fixture keeps users and items after the filter" test -s "$T/Beauty.expected"
check_exit 0 "--preset sasrec on Amazon 2014 Beauty" "$L4R" convert amazon/2014/reviews_Beauty --raw "$T/reviews_Beauty.json" --preset sasrec -j 2 -o "$T/Beauty"
check_same "Beauty.txt as SASRec's DataProcessing.py writes it" "$T/Beauty/Beauty.txt" "$T/Beauty.expected"
check_grep "no paper numbers for Beauty: said so" "records no published statistics" "$T/.err"
check_exit 0 "the same with -j 1" "$L4R" convert amazon/2014/reviews_Beauty --raw "$T/reviews_Beauty.json" --preset sasrec -j 1 -o "$T/Beauty1"
check_same "-j 1 = -j 2" "$T/Beauty1/Beauty1.txt" "$T/Beauty/Beauty.txt"
for f in train.tsv valid.tsv test.tsv user_map.tsv item_map.tsv manifest.json; do
  check "the preset writes $f" test -s "$T/Beauty/$f"
done
# leave-one-out as data_partition: the last line of each user (>= 3 lines) is its test row
python3 - "$T/Beauty/Beauty.txt" "$T/Beauty/test.tsv" <<'PY'
import csv, sys
seq = {}
for line in open(sys.argv[1]):
    u, i = line.split()
    seq.setdefault(u, []).append(i)
want = sorted((u, s[-1]) for u, s in seq.items() if len(s) >= 3)
rows = list(csv.DictReader(open(sys.argv[2]), delimiter="\t"))
got = sorted((r["user_id"], r["item_id"]) for r in rows)
print(("PASS " if got == want else "FAIL ") + "test_presets.sh: test.tsv is data_partition's test item of each user (%d)" % len(want))
PY

# an override: --kcore 3 beside the preset, recorded, and the file follows it
python3 "$T/sasrec.py" amazon "$T/reviews_Beauty.json" 3 "$T/Beauty3.expected" >/dev/null
check_exit 0 "--preset sasrec --kcore 3" "$L4R" convert amazon/2014/reviews_Beauty --raw "$T/reviews_Beauty.json" --kcore 3 --preset sasrec -o "$T/B3"
check_same "the override applies (k = 3)" "$T/B3/B3.txt" "$T/Beauty3.expected"
python3 - "$T/B3/manifest.json" "$T/Beauty/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
p = m["preset"]
def fact(what, ok):
    print(("PASS " if ok else "FAIL ") + "test_presets.sh: " + what)
fact("manifest: preset.name", p.get("name") == "sasrec")
fact("manifest: preset.options as the table gives them", p.get("options", [])[:4] == ["--kcore", "5", "--kcore-mode", "one-pass"])
fact("manifest: preset.overrides.kcore {preset 5, given 3}", p.get("overrides", {}).get("kcore") == {"preset": "5", "given": "3"})
fact("manifest: only the override is recorded", list(p.get("overrides", {})) == ["kcore"])
fact("manifest: convert_options has the effective kcore", m["convert_options"].get("kcore") == "3")
q = json.load(open(sys.argv[2]))["preset"]
fact("manifest without overrides: no preset.overrides", "overrides" not in q)
fact("manifest: preset.ours.users", q["ours"]["users"] > 0 and q.get("paper") is None)
PY

# --- ML-1M: the paper's numbers; fixture (informational) and "published" (a recipe with its digest) ---
check_exit 0 "generate ml-1m" "$GEN" movielens ml-1m "$T/m"
read -r NU NI <<EOF2
$(python3 "$T/sasrec.py" ml1m "$T/m/ml-1m.zip" 5 "$T/ml.expected")
EOF2
check_exit 0 "--preset sasrec on the ML-1M fixture (informational)" "$L4R" convert movielens/ml-1m --raw "$T/m/ml-1m.zip" --preset sasrec -o "$T/ml"
check_same "ml.txt as SASRec's logic writes it" "$T/ml/ml.txt" "$T/ml.expected"
check_grep "the comparison: a header" "ours beside the paper's (Kang & McAuley" "$T/.err"
check_grep "the comparison: users, ours beside 6040" "users  *$NU  *6040" "$T/.err"
check_grep "the comparison: items, ours beside 3416" "items  *$NI  *3416" "$T/.err"
check_grep "a fixture: said to be informational only" "not the published source.*for information only" "$T/.err"
check_nogrep "a fixture: no DEVIATION alarm" "DEVIATION" "$T/.err"
python3 - "$T/ml/manifest.json" "$NU" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["preset"]
def fact(what, ok):
    print(("PASS " if ok else "FAIL ") + "test_presets.sh: " + what)
nu = int(sys.argv[2])
fact("manifest: preset.paper", p.get("paper") == {"users": 6040, "items": 3416})
fact("manifest: preset.deviation.users", p["deviation"]["users"] == {"ours": nu, "paper": 6040, "difference": nu - 6040, "within_tolerance": False})
fact("manifest: preset.published_source false on a fixture", p.get("published_source") is False and p.get("deviates") is True)
fact("manifest: preset.citation names Table II", "Table II" in p.get("citation", ""))
PY

pin_recipe movielens ml-1m "$T/m/ml-1m.zip" "$T/r"
check_exit 11 "published source, numbers differ: exit 11" "$L4R" convert movielens/ml-1m --recipes "$T/r" --raw "$T/m/ml-1m.zip" --preset sasrec -o "$T/pub"
check_grep "the deviation said loudly" "DEVIATION: preset sasrec on the published movielens/ml-1m" "$T/.err"
check_grep "the deviation names the numbers" "users $NU (paper 6040)" "$T/.err"
check_not "nothing written on a deviation" test -e "$T/pub"
check_exit 0 "--allow-deviation writes it" "$L4R" convert movielens/ml-1m --recipes "$T/r" --raw "$T/m/ml-1m.zip" --preset sasrec --allow-deviation -o "$T/pub"
check_grep "--allow-deviation still warns" "warning: DEVIATION" "$T/.err"
check_grep "manifest: published_source true" '"published_source": true' "$T/pub/manifest.json"
check_same "the same file either way" "$T/pub/pub.txt" "$T/ml.expected"

# --- usage ---
check_exit 2 "a dataset the preset does not cover" "$L4R" convert movielens/ml-100k --raw "$T/m/ml-1m.zip" --preset sasrec -o "$T/no"
check_grep "names what it covers" "does not cover movielens/ml-100k: it covers amazon/2014/reviews_\*, steam/reviews, movielens/ml-1m" "$T/.err"
check_exit 2 "an unknown preset" "$L4R" convert movielens/ml-1m --raw "$T/m/ml-1m.zip" --preset sasrek -o "$T/no"
check_grep "did you mean" "no preset 'sasrek'; did you mean 'sasrec'?" "$T/.err"
check_exit 2 "presets: an unknown name" "$L4R" presets sasrc
check_grep "presets: did you mean" "did you mean 'sasrec'?" "$T/.err"
check_exit 0 "presets" "$L4R" presets
check_grep "presets: the options" "options: *--kcore 5 --kcore-mode one-pass" "$T/.out"
check_grep "presets: the citation" "Table II" "$T/.out"
check_exit 0 "presets sasrec --json" "$L4R" presets sasrec --json
python3 - "$T/.out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
ok = p["name"] == "sasrec" and "movielens/ml-1m" in p["covers"] and p["options"][:2] == ["--kcore", "5"] \
    and any(x["covers"] == "movielens/ml-1m" and x["statistics"]["users"]["value"] == 6040 for x in p["papers"])
print(("PASS " if ok else "FAIL ") + "test_presets.sh: presets --json parses and has covers, options, papers")
PY
check_exit 0 "presets --json" "$L4R" presets --json
check "presets --json: an array" python3 -c "import json,sys; assert isinstance(json.load(open(sys.argv[1])), list)" "$T/.out"

# the tallrec and bigrec rows: the preset writes exactly what its options write
check_exit 0 "generate ml-100k" "$GEN" movielens ml-100k "$T/m100"
check_exit 0 "--preset tallrec" "$L4R" convert movielens/ml-100k --raw "$T/m100/ml-100k.zip" --preset tallrec -o "$T/tp" -q
check_exit 0 "the tallrec options by hand" "$L4R" convert movielens/ml-100k --raw "$T/m100/ml-100k.zip" --format tallrec --window 10 --max-windows 10000 -o "$T/th" -q
for f in train valid test; do
  check_same "tallrec preset = its options: $f.json" "$T/tp/$f.json" "$T/th/$f.json"
done
check_grep "tallrec: the preset is in the manifest" '"name": "tallrec"' "$T/tp/manifest.json"
check_exit 2 "tallrec covers ml-100k only" "$L4R" convert movielens/ml-1m --raw "$T/m100/ml-100k.zip" --preset tallrec -o "$T/tx" -q
check_grep "the refusal names what it covers" "movielens/ml-100k" "$T/.err"
check_exit 0 "generate ml-10m" "$GEN" movielens ml-10m "$T/m10"
Z10=$(ls "$T/m10"/*.zip)
check_exit 0 "--preset bigrec" "$L4R" convert movielens/ml-10m --raw "$Z10" --preset bigrec -o "$T/bp" -q
check_exit 0 "the bigrec options by hand" "$L4R" convert movielens/ml-10m --raw "$Z10" --format bigrec --window 10 --eval-sample 5000 --seed 42 -o "$T/bh" -q
for f in train valid test valid_5000 test_5000; do
  check_same "bigrec preset = its options: $f.json" "$T/bp/$f.json" "$T/bh/$f.json"
done

# the p5 and llara rows: the preset writes what its options write
check_exit 0 "generate Amazon 2014 Beauty 5-core reviews" "$GEN" amazon 2014 reviews --lines 20000 --users 1500 --items 400 -o "$T/b5.json"
check_exit 0 "--preset p5" "$L4R" convert amazon/2014/reviews_Beauty_5 --raw "$T/b5.json" --preset p5 -o "$T/pp" -q
check_exit 0 "the p5 options by hand" "$L4R" convert amazon/2014/reviews_Beauty_5 --raw "$T/b5.json" --kcore 5 --format p5 --seed 2022 -o "$T/ph" -q
for f in sequential_data.txt datamaps.json negative_samples.txt; do
  check_same "p5 preset = its options: $f" "$T/pp/$f" "$T/ph/$f"
done
check "p5 on Beauty: the paper's numbers (Hua et al., Table 1) in the manifest" python3 -c '
import json,sys
p=json.load(open(sys.argv[1]))["preset"]
assert p["paper"]=={"users":22363,"items":12101,"interactions":198502}, p
assert "Hua et al." in p["citation"] and p["published_source"] is False, p
' "$T/pp/manifest.json"
check_exit 0 "--preset p5 on Toys" "$L4R" convert amazon/2014/reviews_Toys_and_Games_5 --raw "$T/b5.json" --preset p5 -o "$T/pt" -q
check "p5 on Toys: P5's own Table 1 in the manifest" python3 -c '
import json,sys
p=json.load(open(sys.argv[1]))["preset"]
assert p["paper"]=={"users":19412,"items":11924,"interactions":167597}, p
assert "Geng et al." in p["citation"] and "(Toys)" in p["citation"], p
' "$T/pt/manifest.json"
check_exit 0 "--preset llara" "$L4R" convert movielens/ml-100k --raw "$T/m100/ml-100k.zip" --preset llara -o "$T/lp" -q
check_exit 0 "the llara options by hand" "$L4R" convert movielens/ml-100k --raw "$T/m100/ml-100k.zip" --format llara --split ratio:8,1,1 --llara-candidates 20 --history 10 -o "$T/lh" -q
for f in train_data Val_data Test_data; do
  check_same "llara preset = its options: $f.jsonl" "$T/lp/$f.jsonl" "$T/lh/$f.jsonl"
done

# --- LLaRA's Table 1 on an ML-100K of the real size (943 users, 1,682 items, 100,000 ratings) ---
# The generator at those counts gives every user and item a rating, as the real u.data does; a
# recipe carrying the fixture's digest makes it "the published source", so the numbers must match.
check_exit 0 "generate ml-100k at its real size" "$GEN" movielens ml-100k "$T/mfull" --users 943 --items 1682 --ratings 100000
pin_recipe movielens ml-100k "$T/mfull/ml-100k.zip" "$T/r100"
check_exit 0 "--preset llara on the published ML-100K: the paper's numbers" "$L4R" convert movielens/ml-100k --recipes "$T/r100" --raw "$T/mfull/ml-100k.zip" --preset llara -o "$T/lpub"
check_grep "llara: the comparison cites LLaRA's Table 1" "ours beside the paper's (Liao et al., LLaRA.*Table 1" "$T/.err"
check_grep "llara: users 943 beside 943" "users  *943  *943  *0" "$T/.err"
check_grep "llara: interactions 100000 beside 100000" "interactions  *100000  *100000  *0" "$T/.err"
check_grep "llara: the published source gives the paper's numbers" "the published source gives the paper's numbers" "$T/.err"
check "llara: manifest preset.paper and no deviation" python3 -c '
import json,sys
p=json.load(open(sys.argv[1]))["preset"]
assert p["paper"]=={"users":943,"items":1682,"interactions":100000}, p
assert p["published_source"] is True and p["deviates"] is False, p
assert "known_cause" not in p, p
' "$T/lpub/manifest.json"
check_exit 11 "--preset llara --kcore 30 on the published ML-100K: a deviation" "$L4R" convert movielens/ml-100k --recipes "$T/r100" --raw "$T/mfull/ml-100k.zip" --preset llara --kcore 30 -o "$T/lk30"
check_grep "llara: the deviation names the items" "DEVIATION: preset llara on the published movielens/ml-100k.*items [0-9]* (paper 1682)" "$T/.err"
check_not "llara: nothing written on the deviation" test -e "$T/lk30"
