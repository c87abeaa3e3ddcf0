# CLI tests: the mind recipe on l4r-gen's MIND zips (MINDsmall_train.zip ... MINDlarge_test.zip,
# flat: behaviors.tsv, news.tsv and the two .vec files at the root).  behaviors.tsv's Impressions
# ("N123-1 N45-0") become one row per entry, split at the last '-'; clicks by default, every entry
# with --keep-negatives (label as rating), every bare id of large/test with an empty rating; the
# -history variants turn the History column into rows at the impression's time, deduplicated by
# --dedup first.  news.tsv (8 TAB-separated columns, '"' in titles, empty abstracts) gives
# items.tsv.  Times "M/D/YYYY H:MM:SS AM" are checked at 12:xx AM and PM against python and fixed
# values.  Every expected output is computed by python from the zips; -j 1 = -j 3; the seq split
# is on time order; fetch through a file:// mirror needs --accept-license (exit 9 naming the URL).
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
SPLITS="small/train small/dev large/train large/dev large/test"
for v in $SPLITS; do
  check_exit 0 "generate $v" "$GEN" mind "${v%/*}" "${v#*/}" "$F"
done
check_exit 1 "the generator refuses small/test (MIND-small has none)" "$GEN" mind small test "$F"
check_exit 0 "generate small/train again" "$GEN" mind small train "$T/again"
check_same "the generator: same arguments, same bytes" "$T/again/MINDsmall_train.zip" "$F/MINDsmall_train.zip"
check_exit 0 "generate a scaled zip" "$GEN" mind large dev "$T/scaled" --lines 50 --users 10 --items 60 --seed 3
check_eq "the scaled zip: --lines impressions" "$(unzip -p "$T/scaled/MINDlarge_dev.zip" behaviors.tsv | wc -l | tr -d ' ')" 50
check_eq "the scaled zip: --items news" "$(unzip -p "$T/scaled/MINDlarge_dev.zip" news.tsv | wc -l | tr -d ' ')" 60
zipof() { echo "$F/MIND${1%/*}_${1#*/}.zip"; }
check_eq "zip: the four files sit at the root (no folder)" \
  "$(python3 -c 'import sys, zipfile; print(" ".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$(zipof small/train)")" \
  "behaviors.tsv entity_embedding.vec news.tsv relation_embedding.vec"

# datasets.md §10's example rows, verbatim, first
unzip -p "$(zipof small/train)" behaviors.tsv | head -1 >"$T/b1"
unzip -p "$(zipof small/train)" news.tsv | head -1 >"$T/n1"
printf '91\tU397059\t11/15/2019 10:22:32 AM\tN106403 N71977 N97080 N102132 N97212 N121652\tN129416-0 N26703-1 N120089-1 N53018-0 N89764-0 N91737-0 N29160-0\n' >"$T/b1.want"
printf '%s\n' 'N37378	sports	golf	PGA Tour winners	A gallery of recent winners on the PGA Tour.	https://www.msn.com/en-us/sports/golf/pga-tour-winners/ss-AAjnQjj?ocid=chopendata	[{"Label": "PGA Tour", "Type": "O", "WikidataId": "Q910409", "Confidence": 1.0, "OccurrenceOffsets": [0], "SurfaceForms": ["PGA Tour"]}]	[{"Label": "PGA Tour", "Type": "O", "WikidataId": "Q910409", "Confidence": 1.0, "OccurrenceOffsets": [35], "SurfaceForms": ["PGA Tour"]}]' >"$T/n1.want"
check_same "fixture: the real behaviors.tsv row comes first" "$T/b1" "$T/b1.want"
check_same "fixture: the real news.tsv line comes first" "$T/n1" "$T/n1.want"

md() { "$L4R" convert mind "$@"; }
name() { echo "$1" | tr / -; }
ALL="$SPLITS small/train-history small/dev-history large/train-history large/dev-history large/test-history"
for v in $ALL; do
  n=$(name "$v")
  z=$(zipof "${v%-history}")
  for j in 1 3; do
    check_exit 0 "$v -j $j" md --variant "$v" --raw "$z" -o "$T/$n-$j" -q -j "$j" --block-size 4096
  done
  for f in interactions items; do
    check_same "$v: -j 1 and -j 3 write the same $f.tsv" "$T/$n-1/$f.tsv" "$T/$n-3/$f.tsv"
  done
done
for v in small/train large/dev; do
  n=$(name "$v")
  for j in 1 3; do
    check_exit 0 "$v --keep-negatives -j $j" md --variant "$v" --raw "$(zipof "$v")" -o "$T/$n-neg-$j" -q -j "$j" \
      --block-size 4096 --keep-negatives
  done
  check_same "$v --keep-negatives: -j 1 and -j 3 agree" "$T/$n-neg-1/interactions.tsv" "$T/$n-neg-3/interactions.tsv"
done

# what python makes of the same zips
python3 - "$F" "$T" $SPLITS <<'PY'
import datetime, sys, zipfile
from l4r_expect import write_tsv
F, out, splits = sys.argv[1], sys.argv[2], sys.argv[3:]
H = "user_id\titem_id\trating\ttimestamp\n"
def ts(when):   # the upstream clock, read by python's own %I/%p rules (12 AM = 0h, 12 PM = 12h)
    d = datetime.datetime.strptime(when, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=datetime.timezone.utc)
    return int(d.timestamp())
def write(name, rows, head=H):
    write_tsv(f"{out}/{name}", head.rstrip("\n").split("\t"), rows)
def lines(z, member):
    t = z.read(member).decode("utf-8").split("\n")
    assert t[-1] == ""
    return [l.split("\t") for l in t[:-1]]   # TAB only: '"' is no quote here
facts = {}
for v in splits:
    n = v.replace("/", "-")
    size, split = v.split("/")
    z = zipfile.ZipFile(f"{F}/MIND{size}_{split}.zip")
    beh = lines(z, "behaviors.tsv")
    assert all(len(r) == 5 for r in beh)
    clicks, shown, hist, edge = [], [], [], []
    for imp, user, when, history, imps in beh:
        t = str(ts(when))
        for e in imps.split(" "):
            if split == "test":
                assert "-" not in e
                shown.append((user, e, "", t))
            else:
                news, label = e.rsplit("-", 1)
                shown.append((user, news, label, t))
                if label == "1":
                    clicks.append((user, news, label, t))
        for e in imps.split(" "):   # impressions.tsv (--with impressions): every entry, its impression id
            if split == "test":
                facts.setdefault(n + "/imp", []).append((user, e, "", t, imp))
            else:
                news, label = e.rsplit("-", 1)
                facts.setdefault(n + "/imp", []).append((user, news, label, t, imp))
        for h in history.split():
            hist.append((user, h, "1", t))
        if when.split(" ")[1].startswith("12:"):
            edge.append((when, t))
    if split == "test":
        write(f"{n}.want", shown)
    else:
        write(f"{n}.want", clicks)
        write(f"{n}-neg.want", shown)
    write(f"{n}-history.want", hist)
    write(f"{n}-imp.want", facts.pop(n + "/imp"), "user_id\titem_id\trating\ttimestamp\timpression_id\n")
    news = lines(z, "news.tsv")
    assert all(len(r) == 8 for r in news)
    write(f"{n}.items", [(r[0], r[3], r[1], r[2], r[4]) for r in news], "item_id\ttitle\tcategory\tsubcategory\tabstract\n")
    with open(f"{out}/{n}.edge", "w") as f:
        f.write("".join(f"{w}\t{t}\n" for w, t in edge))
    # fixture facts: the traps must be there for the checks to mean anything
    by = {}
    for imp, user, when, history, imps in beh:
        by.setdefault(user, []).append((ts(when), history))
    unsorted = sum(1 for s in by.values() for a, b in zip(s, s[1:]) if a[0] > b[0])
    repeated = sum(1 for s in by.values() if len(s) > 1 and s[0][1] and len({h for _, h in s}) == 1)
    am = sum(1 for w, t in edge if w.endswith("AM") and int(t) % 86400 < 3600)
    pm = sum(1 for w, t in edge if w.endswith("PM") and 43200 <= int(t) % 86400 < 46800)
    facts[n] = [unsorted, repeated, sum(1 for r in beh if r[3] == ""), am, pm, len(edge),
                sum(1 for r in news if '"' in r[3]), sum(1 for r in news if r[3].count('"') % 2),
                sum(1 for r in news if r[4] == ""), len(shown), len(clicks)]
    if v == "small/train":
        # the seq split: each user's clicks by time (ties: the file's order), users by first appearance
        users, g = [], {}
        for k, r in enumerate(clicks):
            if r[0] not in g:
                g[r[0]] = []
                users.append(r[0])
            g[r[0]].append((int(r[3]), k, r))
        parts = {"train": [], "valid": [], "test": []}
        for u in users:
            s = [r for _, _, r in sorted(g[u])]
            if len(s) < 3:
                parts["train"] += s
            else:
                parts["train"] += s[:-2]
                parts["valid"].append(s[-2])
                parts["test"].append(s[-1])
        for k, rows in parts.items():
            write(f"seq-{k}.want", rows)
        # the history, deduplicated (first in time order, equal times in source order), then split
        g, order = {}, []
        for k, r in enumerate(hist):
            if r[0] not in g:
                g[r[0]] = []
                order.append(r[0])
            g[r[0]].append((int(r[3]), k, r))
        parts = {"train": [], "valid": [], "test": []}
        once = 0
        for u in order:
            s, keep = sorted(g[u]), []
            for _, _, r in s:
                if r[1] not in {x[1] for x in keep}:
                    keep.append(r)
            first = min(by[u])[1].split()   # the history of the user's earliest impression
            once += [r[1] for r in keep] == first
            if len(keep) < 3:
                parts["train"] += keep
            else:
                parts["train"] += keep[:-2]
                parts["valid"].append(keep[-2])
                parts["test"].append(keep[-1])
        for k, rows in parts.items():
            write(f"hseq-{k}.want", rows)
        facts["once"] = [once, len(order), len(hist) - sum(len(p) for p in parts.values())]
with open(f"{out}/facts", "w") as f:
    for k, v in facts.items():
        f.write(k + " " + " ".join(map(str, v)) + "\n")
PY
fact() { awk -v k="$1" -v i="$2" '$1 == k { print $(i + 1) }' "$T/facts"; }

for v in $SPLITS; do
  n=$(name "$v")
  check "$v fixture: a user's impressions are not in time order" test "$(fact "$n" 1)" -gt 0
  check "$v fixture: a user's history repeats on every impression" test "$(fact "$n" 2)" -gt 5
  check "$v fixture: empty History fields" test "$(fact "$n" 3)" -gt 5
  check "$v fixture: 12:xx AM times (python reads them as 00h)" test "$(fact "$n" 4)" -gt 0
  check "$v fixture: 12:xx PM times (python reads them as 12h)" test "$(fact "$n" 5)" -gt 0
  check_eq "$v fixture: every 12:xx time is 00h (AM) or 12h (PM) to python" "$(($(fact "$n" 4) + $(fact "$n" 5)))" "$(fact "$n" 6)"
  check "$v fixture: titles with '\"'" test "$(fact "$n" 7)" -gt 5
  check "$v fixture: titles with an unbalanced '\"'" test "$(fact "$n" 8)" -gt 5
  check "$v fixture: empty abstracts" test "$(fact "$n" 9)" -gt 5
  check_same "$v: items.tsv = news.tsv's id, title, category, subcategory, abstract ('\"' kept, split on TAB only)" \
    "$T/$n-1/items.tsv" "$T/$n.items"
  check_same "$v-history: one row per History id, rating 1, the impression's time, history order; empty History: none" \
    "$T/$n-history-1/interactions.tsv" "$T/$n-history.want"
  check_same "$v-history: the same items.tsv" "$T/$n-history-1/items.tsv" "$T/$n.items"
done
for v in small/train small/dev large/train large/dev; do
  n=$(name "$v")
  check_same "$v: one row per clicked Impressions entry (label 1), split at the last '-', the impression's time" \
    "$T/$n-1/interactions.tsv" "$T/$n.want"
  check "$v fixture: more entries than clicks" test "$(fact "$n" 10)" -gt "$(fact "$n" 11)"
  check_grep "$v: manifest counts the non-clicks filtered out" "\"filtered_out\": $(($(fact "$n" 10) - $(fact "$n" 11)))" \
    "$T/$n-1/manifest.json"
done
check_same "large/test: every bare id of Impressions is a row, rating empty" "$T/large-test-1/interactions.tsv" "$T/large-test.want"
check_eq "large/test: no row has a rating" "$(tail -n +2 "$T/large-test-1/interactions.tsv" | awk -F'\t' '$3 != ""' | wc -l | tr -d ' ')" 0
check_eq "large/test: one row per entry" "$(tail -n +2 "$T/large-test-1/interactions.tsv" | wc -l | tr -d ' ')" "$(fact large-test 10)"
for v in small/train large/dev; do
  n=$(name "$v")
  check_same "$v --keep-negatives: every Impressions entry, the label (1 or 0) as rating" \
    "$T/$n-neg-1/interactions.tsv" "$T/$n-neg.want"
  check_eq "$v --keep-negatives: ratings are 0 and 1 only" \
    "$(tail -n +2 "$T/$n-neg-1/interactions.tsv" | cut -f3 | sort -u | tr '\n' ' ')" "0 1 "
  check_nogrep "$v --keep-negatives: nothing filtered out" '"filtered_out": [1-9]' "$T/$n-neg-1/manifest.json"
  check_grep "$v --keep-negatives: the manifest records the flag" 'keep-negatives' "$T/$n-neg-1/manifest.json"
done
# --with impressions: the shown entries with the impression id (per-impression metrics)
for v in small/train large/test; do
  n=$(name "$v")
  for j in 1 3; do
    check_exit 0 "$v --with impressions -j $j" md --variant "$v" --raw "$(zipof "$v")" -o "$T/$n-imp-$j" -q -j "$j" \
      --block-size 4096 --with impressions
  done
  check_same "$v impressions.tsv: every shown entry with its label and impression_id" "$T/$n-imp-1/impressions.tsv" "$T/$n-imp.want"
  check_same "$v impressions.tsv: -j 1 and -j 3 agree" "$T/$n-imp-1/impressions.tsv" "$T/$n-imp-3/impressions.tsv"
  check_same "$v --with impressions: interactions.tsv unchanged (clicks only)" "$T/$n-imp-1/interactions.tsv" "$T/$n.want"
done
check_exit 0 "small/train without --with: no impressions.tsv" md --variant small/train --raw "$(zipof small/train)" -o "$T/noimp" -q
check "no impressions.tsv unless asked" test ! -e "$T/noimp/impressions.tsv"
check_grep "the real row: U397059 clicked N26703 at 11/15/2019 10:22:32 AM = 1573813352" \
  "$(printf '^U397059\tN26703\t1\t1573813352$')" "$T/small-train-1/interactions.tsv"
check_grep "the real row's history, at the same time" "$(printf '^U397059\tN121652\t1\t1573813352$')" "$T/small-train-history-1/interactions.tsv"

# the clock: 12 AM is 00h, 12 PM is 12h, fixed values and python's, on hand-made rows
mkdir -p "$T/clock"
unzip -p "$(zipof small/train)" news.tsv >"$T/clock/news.tsv"
printf '1\tUa\t11/15/2019 12:00:00 AM\t\tN1-1\n2\tUa\t11/15/2019 12:59:59 AM\t\tN2-1\n3\tUa\t11/15/2019 12:00:00 PM\t\tN3-1\n4\tUa\t11/15/2019 12:30:05 PM\t\tN4-1\n5\tUa\t11/15/2019 11:59:59 PM\t\tN5-1\n6\tUa\t1/2/2020 1:02:03 AM\t\tN6-1\n7\tUa\t2/29/2020 11:59:59 AM\t\tN7-1\n' >"$T/clock/behaviors.tsv"
check_exit 0 "the clock rows convert" md --raw "$T/clock/behaviors.tsv" -o "$T/clock-out" -q
tail -n +2 "$T/clock-out/interactions.tsv" | cut -f4 | tr '\n' ' ' >"$T/clock.got"
printf '1573776000 1573779599 1573819200 1573821005 1573862399 1577926923 1582977599 ' >"$T/clock.fixed"
python3 -c '
import datetime, sys
for l in open(sys.argv[1]):
    w = l.split("\t")[2]
    print(int(datetime.datetime.strptime(w, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=datetime.timezone.utc).timestamp()), end=" ")
' "$T/clock/behaviors.tsv" >"$T/clock.py"
check_same "12:00:00 AM = midnight, 12:59:59 AM, 12:00:00 PM = noon, 12:30:05 PM, 11:59:59 PM, 1/2/2020, 2/29/2020: fixed values" "$T/clock.got" "$T/clock.fixed"
check_same "the same times as python's strptime %I %p" "$T/clock.got" "$T/clock.py"
printf '8\tUa\t11/15/2019 13:00:00 PM\t\tN8-1\n' >>"$T/clock/behaviors.tsv"
check_exit 7 "13:00:00 PM is a parse error" md --raw "$T/clock/behaviors.tsv" -o "$T/clock-bad" -q
check_grep "the error names the line" "line 8" "$T/.err"

# a news id that holds '-' stays whole: the label is after the LAST '-'
mkdir -p "$T/dash"
cp "$T/clock/news.tsv" "$T/dash/"
unzip -p "$(zipof small/train)" behaviors.tsv | sed '1s/N26703-1/N26-703-1/; 1s/N129416-0/N-129416-0/' >"$T/dash/behaviors.tsv"
check_exit 0 "an id with '-' converts" md --raw "$T/dash/behaviors.tsv" -o "$T/dash-out" -q --keep-negatives
check_eq "split at the last '-': N26-703 clicked, N-129416 not" \
  "$(sed -n '2,3p' "$T/dash-out/interactions.tsv" | cut -f2,3 | tr '\t\n' ' ;')" "N-129416 0;N26-703 1;"

# the seq split orders each user's clicks by time, not by the file's order
check_exit 0 "small/train --split seq" md --raw "$(zipof small/train)" -o "$T/seq" -q --split seq
for k in train valid test; do
  check_same "small/train seq $k: by the impression times (ties: the Impressions order)" "$T/seq/$k.tsv" "$T/seq-$k.want"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/seq"

# the history, deduplicated: each (user, news) once, at the user's earliest impression, in history order
check_exit 0 "small/train-history --dedup first --split seq" md --variant small/train-history --raw "$(zipof small/train)" \
  -o "$T/hseq" -q --dedup first --split seq
for k in train valid test; do
  check_same "small/train-history dedup seq $k" "$T/hseq/$k.tsv" "$T/hseq-$k.want"
done
check_eq "dedup: every user's history comes out once, in its order" "$(fact once 1)" "$(fact once 2)"
check_grep "dedup: the manifest counts the repeats removed" "\"removed\": $(fact once 3)" "$T/hseq/manifest.json"
check "dedup: repeats were removed" test "$(fact once 3)" -gt 100

check_exit 0 "list" "$L4R" list mind
for v in $ALL; do
  check_grep "list: mind $v" "$(printf 'mind\t%s\t' "$v")" "$T/.out"
done
check_grep "list: small/train is the default" "$(printf 'mind\tsmall/train\t\\*')" "$T/.out"
check_exit 0 "info" "$L4R" info mind
check_grep "info: the terms" "terms:       https://github.com/msnews/MIND/blob/master/MSR%20License_Data.pdf" "$T/.out"
check_grep "info: the license" "Microsoft Research License Terms" "$T/.out"
check_grep "info: the Hugging Face URL" "https://huggingface.co/datasets/yjw1029/MIND/resolve/main/MINDsmall_train.zip" "$T/.out"
check_grep "info: the negatives filter" 'label == "1"  (drops the negatives; convert --keep-negatives keeps them)' "$T/.out"
check_grep "info: the citation" "wu2020mind" "$T/.out"

# fetch through a file:// mirror: the terms must be accepted first
M="$T/mirror/huggingface.co/datasets/yjw1029/MIND/resolve/main"
mkdir -p "$M"
cp "$(zipof small/train)" "$(zipof large/test)" "$M/"
check_exit 9 "fetch without --accept-license stops" "$L4R" fetch mind --mirror "file://$T/mirror" -q
check_grep "fetch: the message names the terms' URL" \
  "mind/small/train may be downloaded only by someone who accepts its terms: https://github.com/msnews/MIND/blob/master/MSR%20License_Data.pdf" "$T/.err"
check_grep "fetch: and the flag" "accept-license" "$T/.err"
check_not "fetch: nothing downloaded" test -e "$LLM4REC_DATA_HOME/mind/small/train/MINDsmall_train.zip"
check_exit 9 "convert (which fetches) stops the same way" md --variant large/test --mirror "file://$T/mirror" -o "$T/nf" -q
check_exit 0 "fetch --accept-license" "$L4R" fetch mind --mirror "file://$T/mirror" -q --accept-license
check_grep "fetch: the stamp records the acceptance" '"terms_accepted"' "$LLM4REC_DATA_HOME/mind/small/train/.l4r-fetched.json"
check "fetch: unpacked at the variant's root" test -f "$LLM4REC_DATA_HOME/mind/small/train/news.tsv"
check_exit 0 "convert the fetched small/train (accepted before: no flag)" md -o "$T/f" -q
check_same "fetched = --raw" "$T/f/interactions.tsv" "$T/small-train.want"
check_same "fetched items = --raw" "$T/f/items.tsv" "$T/small-train.items"
check_exit 0 "convert large/test-history, fetching it with --accept-license" md --variant large/test-history \
  --mirror "file://$T/mirror" --accept-license -o "$T/fh" -q
check_same "fetched large/test-history = --raw" "$T/fh/interactions.tsv" "$T/large-test-history.want"
