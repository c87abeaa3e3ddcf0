# CLI tests: the yelp recipe on l4r-gen's archives.  Yelp-JSON.zip ('Yelp JSON/yelp_dataset.tar',
# a gzip tar despite its name, beside a PDF and __MACOSX junk) read by convert --raw (zip, inner
# tar, hand-unzipped directory) and by fetch (terms: exit 9 without --accept-license; the nested
# tar unpacked into a directory of its name); reviews (ids beginning with '-' or '_', float stars,
# 'YYYY-MM-DD HH:MM:SS' read as UTC, "\/" escapes, ties, not in time order), businesses
# (categories a string or null), users; the Kaggle copies (files at the zip's root; 2018's
# archive.zip > dataset.tgz with dates alone, integer stars, categories as arrays) as manual
# variants.  Every expected output is computed by python from the archives; -j 1 = -j 3.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
check_exit 0 "generate json" "$GEN" yelp json "$F/json" --lines 4000
check_exit 0 "generate kaggle" "$GEN" yelp kaggle "$F/kaggle" --lines 1500
check_exit 0 "generate kaggle-2018" "$GEN" yelp kaggle-2018 "$F/k18" --lines 1500
check_exit 0 "generate json again" "$GEN" yelp json "$F/again" --lines 4000
check_same "generator: same arguments, same bytes" "$F/json/Yelp-JSON.zip" "$F/again/Yelp-JSON.zip"
check_eq "generator: only the zip is left (no temporary files)" "$(ls -A "$F/json" "$F/k18" | tr '\n' ' ')" \
  "$F/json: Yelp-JSON.zip  $F/k18: archive.zip "
Z="$F/json/Yelp-JSON.zip"
KZ="$F/kaggle/archive.zip"
K18="$F/k18/archive.zip"

python3 - "$Z" "$KZ" "$K18" "$T" <<'PY'
import calendar, gzip, io, json, sys, tarfile, time, zipfile
from l4r_expect import write_tsv
zpath, kpath, k18path, out = sys.argv[1:5]
facts = []
def fact(name, ok):
    facts.append(f"{name} {1 if ok else 0}")

z = zipfile.ZipFile(zpath)
names = z.namelist()
fact("zip_layout", names == ["Yelp JSON/", "Yelp JSON/Yelp Dataset Documentation & ToS copy.pdf",
                             "Yelp JSON/yelp_dataset.tar", "__MACOSX/", "__MACOSX/Yelp JSON/",
                             "__MACOSX/Yelp JSON/._Yelp Dataset Documentation & ToS copy.pdf",
                             "__MACOSX/Yelp JSON/._yelp_dataset.tar"])
inner = z.read("Yelp JSON/yelp_dataset.tar")
fact("tar_is_gzip", inner[:2] == b"\x1f\x8b")
open(f"{out}/yelp_dataset.tar", "wb").write(inner)
tf = tarfile.open(fileobj=io.BytesIO(inner), mode="r:gz")
fact("tar_order", tf.getnames() == ["Dataset_User_Agreement.pdf", "yelp_academic_dataset_business.json",
                                    "yelp_academic_dataset_checkin.json", "yelp_academic_dataset_review.json",
                                    "yelp_academic_dataset_tip.json", "yelp_academic_dataset_user.json"])
# the unzipped-by-hand directory: the tar left packed
z.extractall(f"{out}/dl")

def lines(raw):
    ls = raw.decode("utf-8").split("\n")
    assert ls[-1] == ""
    return ls[:-1]
def literal(line):   # numbers kept as their JSON text, as the converter copies them
    return json.loads(line, parse_float=str, parse_int=str)
def text(v):
    if v is None:
        return ""
    return v.replace("\t", " ").replace("\r", " ").replace("\n", " ")
def ts(s):
    fmt = "%Y-%m-%d %H:%M:%S" if " " in s else "%Y-%m-%d"
    return str(calendar.timegm(time.strptime(s, fmt)))
def write(name, head, rows):
    write_tsv(f"{out}/{name}", head, rows)
IH = ["user_id", "item_id", "rating", "timestamp"]
BH = ["item_id", "title", "categories", "city", "state", "postal_code", "latitude", "longitude",
      "stars", "review_count", "is_open"]
UH = ["user_id", "name", "review_count", "yelping_since", "average_stars", "fans"]

def expect(tag, get):
    revs = [literal(l) for l in lines(get("yelp_academic_dataset_review.json"))]
    inter = [(r["user_id"], r["business_id"], r["stars"], ts(r["date"])) for r in revs]
    write(f"{tag}-inter.want", IH, inter)
    items = []
    for b in map(literal, lines(get("yelp_academic_dataset_business.json"))):
        c = b["categories"]
        c = ", ".join(c) if isinstance(c, list) else text(c)
        items.append([text(b["business_id"]), text(b["name"]), c] + [text(b[k]) for k in BH[3:]])
    write(f"{tag}-items.want", BH, items)
    users = [[text(u[k]) for k in ["user_id"] + UH[1:]] for u in map(literal, lines(get("yelp_academic_dataset_user.json")))]
    write(f"{tag}-users.want", UH, users)
    # seq split: users in order of first appearance, each user's rows stably sorted by time
    order, by = [], {}
    for r in inter:
        if r[0] not in by:
            by[r[0]] = []
            order.append(r[0])
        by[r[0]].append(r)
    parts = {"train": [], "valid": [], "test": []}
    for u in order:
        rr = sorted(by[u], key=lambda x: int(x[3]))
        if len(rr) < 3:
            parts["train"] += rr
        else:
            parts["train"] += rr[:-2]; parts["valid"].append(rr[-2]); parts["test"].append(rr[-1])
    for k, rr in parts.items():
        write(f"{tag}-{k}.want", IH, rr)
    return revs, inter

raw = lambda n: tf.extractfile(n).read()
review_bytes = raw("yelp_academic_dataset_review.json")
revs, inter = expect("json", raw)
first = review_bytes.split(b"\n")[0].decode()
fact("first_line_real", first.startswith('{"review_id":"KU_O5udG6zpxOg-VcAEodg","user_id":"mh_-eMZ6K5RLWhZyISBhwA",'
     '"business_id":"XQfwVwDr-v0ZS3_CbbE5Xw","stars":3.0,"useful":0,"funny":0,"cool":0,"text":"If you decide to '
     'eat here, just be aware it is going to take about 2 hours from beginning to end. We have tried it multiple '
     'times, because I want to like it! I have been to it\'s other locations in NJ and never had a bad experience. '
     '\\n\\nThe food is good, but it takes a very l'))
fact("compact_json", b'": ' not in review_bytes.split(b"\n")[1] and b'", "' not in review_bytes.split(b"\n")[1])
fact("ids_22", all(len(r["user_id"]) == 22 and len(r["business_id"]) == 22 for r in revs))
fact("ids_dash", any(r["user_id"][0] == "-" for r in revs) and any(r["business_id"][0] == "-" for r in revs))
fact("ids_underscore", any(r["user_id"][0] == "_" for r in revs) and any(r["business_id"][0] == "_" for r in revs))
fact("slash_escaped", b"\\/" in review_bytes)
fact("float_stars", all(r["stars"].endswith(".0") for r in revs))
bus = [literal(l) for l in lines(raw("yelp_academic_dataset_business.json"))]
fact("null_categories", any(b["categories"] is None for b in bus) and any(isinstance(b["categories"], str) for b in bus))
fact("python_repr_attr", b"'garage': False" in raw("yelp_academic_dataset_business.json"))
fact("friends_none", b'"friends":"None"' in raw("yelp_academic_dataset_user.json"))
ties = sum(1 for a, b in zip(inter, inter[1:]) if a[0] == b[0] and a[3] == b[3])
fact("ties", ties > 5)
fact("not_time_ordered", sum(1 for a, b in zip(inter, inter[1:]) if int(a[3]) > int(b[3])) > 1000)
fact("repeat_pairs", len({(r[0], r[1]) for r in inter}) < len(inter))

kz = zipfile.ZipFile(kpath)
fact("kaggle_root", sorted(kz.namelist()) == ["Dataset_User_Agreement.pdf"] + sorted(n for n in tf.getnames() if n.endswith(".json")))
expect("kaggle", kz.read)
k18 = zipfile.ZipFile(k18path)
fact("k18_layout", k18.namelist() == ["dataset.tgz"])
t18 = tarfile.open(fileobj=io.BytesIO(k18.read("dataset.tgz")), mode="r:gz")
r18, i18 = expect("k18", lambda n: t18.extractfile(n).read())
fact("k18_dates_alone", sum(1 for r in r18 if len(r["date"]) == 10) == len(r18) - 1)
fact("k18_int_stars", sum(1 for r in r18 if "." not in r["stars"]) == len(r18) - 1)
fact("k18_array_categories", b'"categories":["' in t18.extractfile("yelp_academic_dataset_business.json").read())
open(f"{out}/facts", "w").write("\n".join(facts) + "\n")
PY
while read -r name ok; do
  check_eq "fixture: $name" "$ok" 1
done <"$T/facts"
check_eq "fixture: every fact was computed" "$(wc -l <"$T/facts")" 21

yc() { "$L4R" convert yelp "$@"; }
for j in 1 3; do
  check_exit 0 "reviews --raw Yelp-JSON.zip -j $j" yc --raw "$Z" -o "$T/j$j" -q -j "$j" --block-size 4096
done
for f in interactions items users; do
  check_same "-j 1 and -j 3 write the same $f.tsv" "$T/j1/$f.tsv" "$T/j3/$f.tsv"
done
check_same "reviews: user, business, stars as written, date as UTC seconds" "$T/j1/interactions.tsv" "$T/json-inter.want"
check_same "items: businesses, categories string or null (empty)" "$T/j1/items.tsv" "$T/json-items.want"
check_same "users: user.json" "$T/j1/users.tsv" "$T/json-users.want"
check_eq "reviews: the real first review" "$(sed -n 2p "$T/j1/interactions.tsv")" \
  "$(printf 'mh_-eMZ6K5RLWhZyISBhwA\tXQfwVwDr-v0ZS3_CbbE5Xw\t3.0\t1531001351')"
check_grep "manifest: the chain through the inner archive" \
  'Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar:yelp_academic_dataset_review.json"' "$T/j1/manifest.json"
check_exit 0 "--raw the inner tar (gzip named .tar)" yc --raw "$T/yelp_dataset.tar" -o "$T/tar" -q
check_same "--raw tar = --raw zip" "$T/tar/interactions.tsv" "$T/json-inter.want"
check_same "--raw tar: items" "$T/tar/items.tsv" "$T/json-items.want"
check_exit 0 "--raw the hand-unzipped directory (tar left packed)" yc --raw "$T/dl" -o "$T/dir" -q
check_same "--raw directory = --raw zip" "$T/dir/interactions.tsv" "$T/json-inter.want"
check_same "--raw directory: users" "$T/dir/users.tsv" "$T/json-users.want"

check_exit 0 "reviews --split seq" yc --raw "$Z" -o "$T/seq" -q --split seq
for k in train valid test; do
  check_same "seq $k: each user's reviews in time order, ties in file order" "$T/seq/$k.tsv" "$T/json-$k.want"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/seq"

# a date that is not 'YYYY-MM-DD HH:MM:SS' is a parse error naming the line (datetime is strict)
python3 - "$Z" "$T/bad.zip" <<'PY'
import gzip, io, sys, tarfile, zipfile
z = zipfile.ZipFile(sys.argv[1])
t = tarfile.open(fileobj=io.BytesIO(z.read("Yelp JSON/yelp_dataset.tar")), mode="r:gz")
bio = io.BytesIO()
with tarfile.open(fileobj=bio, mode="w") as o:
    for m in t.getmembers():
        d = t.extractfile(m).read()
        if m.name.endswith("review.json"):
            ls = d.split(b"\n")
            ls[6] = ls[6][:-len(b' 00:00:00"}')] + b'"}'   # line 7: the date alone
            d = b"\n".join(ls)
        m.size = len(d)
        o.addfile(m, io.BytesIO(d))
with zipfile.ZipFile(sys.argv[2], "w") as zo:
    zo.writestr("Yelp JSON/yelp_dataset.tar", gzip.compress(bio.getvalue(), mtime=0))
PY
check_exit 7 "reviews: a date without its time is refused" yc --raw "$T/bad.zip" -o "$T/bad" -q
check_grep "reviews: the message names the line and the format" "line 7: timestamp '....-..-..' is not a YYYY-MM-DD HH:MM:SS time" "$T/.err"

# the Kaggle copies (manual variants): files at the root; 2018's archive.zip > dataset.tgz
for v in kaggle k18; do
  var=$v; in=$KZ
  [ "$v" = k18 ] && var=kaggle-2018 && in=$K18
  for j in 1 3; do
    check_exit 0 "$var --raw archive.zip -j $j" yc --variant "$var" --raw "$in" -o "$T/$v-$j" -q -j "$j" --block-size 4096
  done
  check_same "$var: -j 1 = -j 3" "$T/$v-1/interactions.tsv" "$T/$v-3/interactions.tsv"
  check_same "$var: reviews" "$T/$v-1/interactions.tsv" "$T/$v-inter.want"
  check_same "$var: businesses" "$T/$v-1/items.tsv" "$T/$v-items.want"
  check_same "$var: users" "$T/$v-1/users.tsv" "$T/$v-users.want"
  check_exit 0 "$var --split seq" yc --variant "$var" --raw "$in" -o "$T/$v-seq" -q --split seq
  check_same "$var seq test" "$T/$v-seq/test.tsv" "$T/$v-test.want"
done
check_eq "kaggle-2018: a date alone is midnight UTC, integer stars copied" "$(sed -n 3p "$T/k18-1/interactions.tsv" | cut -f3,4)" \
  "$(sed -n 3p "$T/k18-inter.want" | cut -f3,4)"
check "kaggle-2018: every timestamp but the real first line's is a midnight" \
  sh -c "awk -F'\t' 'NR > 2 && \$4 % 86400' '$T/k18-1/interactions.tsv' | grep -q . && exit 1 || exit 0"
check_grep "kaggle-2018: array categories joined with ', '" "$(printf '\t[A-Z][^\t]*, [A-Z]')" "$T/k18-1/items.tsv"
check_exit 9 "kaggle: fetch is manual (Kaggle login)" "$L4R" fetch yelp --variant kaggle
check_grep "kaggle: the steps name --from" "fetch yelp --variant kaggle --from archive.zip" "$T/.err"
check_exit 0 "kaggle-2018: fetch --from archive.zip (no --accept-license needed)" "$L4R" fetch yelp --variant kaggle-2018 --from "$K18" -q
check "kaggle-2018: dataset.tgz unpacked into a directory of its name" test -f "$LLM4REC_DATA_HOME/yelp/kaggle-2018/dataset.tgz/yelp_academic_dataset_review.json"
check_exit 0 "kaggle-2018: convert the fetched copy" yc --variant kaggle-2018 -o "$T/k18f" -q
check_same "kaggle-2018: fetched = --raw" "$T/k18f/interactions.tsv" "$T/k18-inter.want"

# info, terms and fetch through a file:// mirror
check_exit 0 "info" "$L4R" info yelp
check_grep "info: the terms" "terms:       https://business.yelp.com/data/resources/open-dataset/" "$T/.out"
check_grep "info: the URL" "https://business.yelp.com/external-assets/files/Yelp-JSON.zip" "$T/.out"
check_grep "info: the nested tar" "Yelp JSON/yelp_dataset.tar" "$T/.out"
check_grep "info: the pinned sha256" "7196433b8a43dd1cbbc3054c5ee85447a56d5fdee8652f8dc7aa5aad579ad7cd" "$T/.out"
check_exit 0 "list" "$L4R" list
check_grep "list: the three variants" "kaggle-2018" "$T/.out"
M="$T/mirror/business.yelp.com/external-assets/files"
mkdir -p "$M"
cp "$Z" "$M/"
check_exit 9 "fetch without --accept-license: exit 9" "$L4R" fetch yelp --mirror "file://$T/mirror" -q
check_grep "fetch: names the terms and the flag" "accepts its terms: https://business.yelp.com/data/resources/open-dataset/; read them, and if you accept them, run 'llm4rec-data fetch yelp --variant reviews --accept-license'" "$T/.err"
check_not "fetch: nothing downloaded" test -e "$LLM4REC_DATA_HOME/yelp/reviews/Yelp-JSON.zip"
check_exit 9 "convert without --raw or --accept-license: exit 9" yc --mirror "file://$T/mirror" -o "$T/nt" -q
check_exit 4 "fetch --accept-license: the fixture is not the real file (sha256, exit 4)" \
  "$L4R" fetch yelp --mirror "file://$T/mirror" -q --accept-license
mkdir -p "$T/recipes"
sed '/"sha256": "7196433b/d' "$HERE/../recipes/yelp.json" >"$T/recipes/yelp.json"
yr() { "$L4R" --recipes "$T/recipes" "$@"; }
check_exit 0 "fetch --accept-license through the mirror (recipe without the pin)" yr fetch yelp --mirror "file://$T/mirror" -q --accept-license
D="$LLM4REC_DATA_HOME/yelp/reviews"
check_grep "fetch: the stamp records the acceptance" '"terms_accepted"' "$D/.l4r-fetched.json"
check "fetch: the tar unpacked into a directory of its name" test -d "$D/Yelp JSON/yelp_dataset.tar"
check "fetch: the review file in it" test -f "$D/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_review.json"
check_exit 0 "convert the fetched variant (no flag needed again)" yr convert yelp -o "$T/fetched" -q
check_same "fetched = --raw zip" "$T/fetched/interactions.tsv" "$T/json-inter.want"
check_same "fetched items" "$T/fetched/items.tsv" "$T/json-items.want"
check_same "fetched users" "$T/fetched/users.tsv" "$T/json-users.want"
