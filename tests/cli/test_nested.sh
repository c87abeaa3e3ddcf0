#!/bin/sh
# test_nested.sh — archives inside archives (issue 14): a zip holding a gzip tar named .tar (the
# Yelp layout), read by `fetch` + `convert` (the file's unpack_nested unpacks the inner tar into a
# directory of its own name) and by `convert --raw ZIP` (the member path crosses the inner archive,
# streamed), to the same interactions.tsv; the inner archive gets the outer's checks on both paths.
. "$(dirname "$0")/../lib.sh"

C="$T/corpus"
R="$T/recipes"
python3 - "$C" "$R" <<'EOF'
import gzip, hashlib, io, json, lzma, os, sys, tarfile, zipfile
corpus, recipes = sys.argv[1], sys.argv[2]
ZT = (2001, 2, 3, 4, 5, 6)
TT = 981173106

def reviews(n, seed=0):
    out = []
    for k in range(n):
        out.append(json.dumps({"review_id": "r%d" % k, "user_id": "u-%d" % (k % 5),
                               "business_id": "_b%d" % ((k * 7 + seed) % 11), "stars": float(1 + k % 5),
                               "text": "line %d\nwith a newline" % k,
                               "date": "2019-0%d-1%d 12:%02d:00" % (1 + k % 9, k % 10, k % 60)},
                              separators=(",", ":")))
    return ("\n".join(out) + "\n").encode()

def tar(entries, comp="gz"):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = TT
            ti.mode = 0o644
            if isinstance(data, tuple):  # ("dir",) or ("sym", target)
                ti.type = tarfile.DIRTYPE if data[0] == "dir" else tarfile.SYMTYPE
                ti.linkname = data[1] if data[0] == "sym" else ""
                tf.addfile(ti)
            else:
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
    b = bio.getvalue()
    if comp == "gz":
        return gzip.compress(b, mtime=0)
    if comp == "xz":
        return lzma.compress(b)
    return b

def zipb(entries):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, ZT), data)
    return bio.getvalue()

REV = reviews(200)
PDF = b"%PDF-1.4 terms of use\n"
INNER = "Yelp JSON/yelp_dataset.tar"
TABLE = INNER + "/yelp_academic_dataset_review.json"
good_tar = tar([("Dataset_User_Agreement.pdf", PDF), ("yelp_academic_dataset_business.json", b"{}\n"),
                ("yelp_academic_dataset_review.json", REV), ("yelp_academic_dataset_tip.json", b"{}\n")])
badcrc = bytearray(good_tar)
badcrc[-8] ^= 0xFF  # the gzip trailer's CRC-32
# the same after a MiB of zeros past the tar's end: a tar reader stops before them, so only a reader
# that inflates the gzip stream to its end sees the CRC
padded = bytearray(gzip.compress(gzip.decompress(good_tar) + bytes(1 << 20), mtime=0))
padded[-8] ^= 0xFF
cases = [
    # name, zip entries, unpack_nested, table path
    ("nest", [("Yelp JSON/Yelp Dataset Documentation & ToS copy.pdf", PDF), (INNER, good_tar)], [INNER], TABLE),
    ("dup", [(INNER, tar([("yelp_academic_dataset_review.json", REV),
                          ("yelp_academic_dataset_review.json", reviews(20, 3))]))], [INNER], TABLE),
    ("missing", [(INNER, tar([("yelp_academic_dataset_tip.json", b"{}\n")]))], [INNER], TABLE),
    ("jsongz", [("data/yelp_academic_dataset_review.json.gz", gzip.compress(REV, mtime=0))], [],
     "data/yelp_academic_dataset_review.json.gz"),
    ("xz", [("d/inner.tar.xz", tar([("r.json", REV)], "xz"))], ["d/inner.tar.xz"], "d/inner.tar.xz/r.json"),
    ("deep", [("outer.zip", zipb([("mid.tgz", tar([("r.json", REV)]))]))], ["outer.zip", "outer.zip/mid.tgz"],
     "outer.zip/mid.tgz/r.json"),
    ("badcrc", [(INNER, bytes(badcrc))], [INNER], TABLE),
    ("padcrc", [(INNER, bytes(padded))], [INNER], TABLE),
    ("unsafe", [(INNER, tar([("yelp_academic_dataset_review.json", REV), ("../escape.json", b"{}\n")]))], [INNER],
     TABLE),
    ("filedir", [(INNER, good_tar), (INNER + "/other.json", b"{}\n")], [INNER], TABLE),
    ("filedir2", [(TABLE, REV), (INNER, good_tar)], [INNER], TABLE),
    ("filedir3", [(INNER + "/other.json", b"{}\n"), (INNER, good_tar)], [INNER], TABLE),
    ("filedir4", [("outer.tar", tar([("x.tgz/other.json", b"{}\n"), ("x.tgz", tar([("r.json", REV)]))], None))],
     ["outer.tar", "outer.tar/x.tgz"], "outer.tar/x.tgz/r.json"),
    ("notarchive", [(INNER, REV)], [INNER], TABLE),
    ("whole", [(INNER, good_tar)], [], INNER),
]
variants = {}
os.makedirs(recipes, exist_ok=True)
for name, entries, nested, path in cases:
    d = os.path.join(corpus, name)
    os.makedirs(d, exist_ok=True)
    data = zipb(entries)
    p = os.path.join(d, "Yelp-JSON.zip")
    with open(p, "wb") as f:
        f.write(data)
    fl = {"url": "file://" + os.path.abspath(p), "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
          "unpack": True}
    if nested:
        fl["unpack_nested"] = nested
    variants[name] = {"description": "nested archive case " + name, "files": [fl],
                      "interactions": {"path": path, "format": "jsonl", "time": "datetime",
                                       "fields": {"user_id": "user_id", "item_id": "business_id",
                                                  "rating": "stars", "timestamp": "date"}}}
with open(os.path.join(corpus, "review.json"), "wb") as f:
    f.write(REV)
with open(os.path.join(recipes, "nested.json"), "w") as f:
    json.dump({"schema": 1, "dataset": "nested", "title": "nested archives", "license": "test data",
               "default_variant": "nest", "variants": variants}, f, indent=1)
EOF
l4r() { "$L4R" --recipes "$R" "$@"; }
V="$LLM4REC_DATA_HOME/nested"
zip_sha() { sha256sum "$C/$1/Yelp-JSON.zip" | cut -d' ' -f1; }

# ---- the Yelp layout: zip -> gzip tar named .tar -> JSON lines ----
check_exit 0 "nest: fetch unpacks the zip and the tar inside it" l4r fetch nested --variant nest -q
check "nest: the inner tar became a directory of its name" test -d "$V/nest/Yelp JSON/yelp_dataset.tar"
check "nest: holding the table" test -f "$V/nest/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_review.json"
check "nest: and the tar's other members" test -f "$V/nest/Yelp JSON/yelp_dataset.tar/Dataset_User_Agreement.pdf"
check_same "nest: the unpacked table is the tar's member" "$V/nest/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_review.json" "$C/review.json"
check_grep "nest: the stamp lists the inner archive's files" '"name": "Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_review.json"' "$V/nest/.l4r-fetched.json"
check_nogrep "nest: and not the inner archive itself" '"name": "Yelp JSON/yelp_dataset.tar",' "$V/nest/.l4r-fetched.json"
check_exit 0 "nest: convert of the fetched variant" l4r convert nested --variant nest -o "$T/f-nest" -q
check_exit 0 "nest: convert --raw of the zip (streamed through the tar)" l4r convert nested --variant nest --raw "$C/nest/Yelp-JSON.zip" -o "$T/r-nest" -q
check_same "nest: both paths give the same interactions.tsv" "$T/f-nest/interactions.tsv" "$T/r-nest/interactions.tsv"
check_eq "nest: 200 interactions" "$(($(wc -l <"$T/r-nest/interactions.tsv") - 1))" 200
check_grep "nest: the --raw label names the chain" "Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar:yelp_academic_dataset_review.json\"" "$T/r-nest/manifest.json"
check_grep "nest: the --raw input hash is the outer zip's" "\"sha256\": \"$(zip_sha nest)\"" "$T/r-nest/manifest.json"
check_exit 0 "nest: convert --raw -j1" l4r convert nested --variant nest --raw "$C/nest/Yelp-JSON.zip" -o "$T/r1-nest" -q -j 1
check_same "nest: -j1 gives the same bytes" "$T/r1-nest/interactions.tsv" "$T/r-nest/interactions.tsv"
check_exit 0 "nest: a second fetch finds it fetched" l4r fetch nested --variant nest
check_grep "nest: and says so" "already fetched" "$T/.err"
rm "$V/nest/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_tip.json"
check_exit 0 "nest: an inner file removed: fetch unpacks again" l4r fetch nested --variant nest -q
check "nest: the inner file is back" test -f "$V/nest/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_tip.json"
check "nest: the inner tar is a directory again" test -d "$V/nest/Yelp JSON/yelp_dataset.tar"
check_exit 0 "nest: --force unpacks both again" l4r fetch nested --variant nest -q --force
check_exit 0 "nest: convert after --force" l4r convert nested --variant nest -o "$T/f2-nest" -q
check_same "nest: still the same bytes" "$T/f2-nest/interactions.tsv" "$T/r-nest/interactions.tsv"
check_clean_dir() { if [ -z "$(find "$2" -name '.l4r-unpack.*' 2>/dev/null | head -1)" ]; then pass "$1"; else fail "$1"; fi; }
check_clean_dir "nest: no unpacking directory is left" "$V"

# ---- a gzip member that is no tar is one file on both paths ----
check_exit 0 "jsongz: fetch" l4r fetch nested --variant jsongz -q
check_exit 0 "jsongz: convert of the fetched .json.gz" l4r convert nested --variant jsongz -o "$T/f-gz" -q
check_exit 0 "jsongz: convert --raw (the member inflated)" l4r convert nested --variant jsongz --raw "$C/jsongz/Yelp-JSON.zip" -o "$T/r-gz" -q
check_same "jsongz: both paths give the same interactions.tsv" "$T/f-gz/interactions.tsv" "$T/r-gz/interactions.tsv"
check_same "jsongz: the same as the nested tar's" "$T/r-gz/interactions.tsv" "$T/r-nest/interactions.tsv"

# ---- other compressions and depths ----
for v in xz deep; do
  check_exit 0 "$v: fetch" l4r fetch nested --variant $v -q
  check_exit 0 "$v: convert" l4r convert nested --variant $v -o "$T/f-$v" -q
  check_exit 0 "$v: convert --raw" l4r convert nested --variant $v --raw "$C/$v/Yelp-JSON.zip" -o "$T/r-$v" -q
  check_same "$v: both paths agree" "$T/f-$v/interactions.tsv" "$T/r-$v/interactions.tsv"
  check_same "$v: with the Yelp layout's output" "$T/r-$v/interactions.tsv" "$T/r-nest/interactions.tsv"
done
check_grep "deep: the label names three archives" "Yelp-JSON.zip:outer.zip:mid.tgz:r.json\"" "$T/r-deep/manifest.json"
check "deep: the middle archive unpacked inside the outer one's directory" test -f "$V/deep/outer.zip/mid.tgz/r.json"

# ---- the inner archive gets the outer's checks, on both paths ----
for v in dup badcrc padcrc unsafe filedir filedir2 filedir3 filedir4; do
  check_exit 5 "$v: fetch exits 5" l4r fetch nested --variant $v -q
  cp "$T/.err" "$T/$v-fetch.err"
  check_not "$v: fetch writes no stamp" test -e "$V/$v/.l4r-fetched.json"
  check_not "$v: fetch leaves no table" test -e "$V/$v/Yelp JSON/yelp_dataset.tar/yelp_academic_dataset_review.json"
  check_exit 5 "$v: convert --raw exits 5" l4r convert nested --variant $v --raw "$C/$v/Yelp-JSON.zip" -o "$T/r-$v" -q
  cp "$T/.err" "$T/$v-raw.err"
  check_not "$v: convert --raw publishes nothing" test -e "$T/r-$v"
done
check_clean_dir "no unpacking directory is left after the failures" "$V"
check_grep "dup: fetch names the inner archive" "ambiguous archive '.*Yelp JSON/yelp_dataset.tar': entry 'yelp_academic_dataset_review.json' appears twice" "$T/dup-fetch.err"
check_grep "dup: --raw names the chain" "ambiguous archive '.*Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar': it holds 'yelp_academic_dataset_review.json' twice" "$T/dup-raw.err"
check_grep "badcrc: fetch says the CRC is wrong" "CRC" "$T/badcrc-fetch.err"
check_grep "badcrc: so does --raw" "Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar" "$T/badcrc-raw.err"
check_grep "padcrc: fetch says the CRC is wrong" "CRC" "$T/padcrc-fetch.err"
check_grep "padcrc: so does --raw" "Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar': CRC mismatch" "$T/padcrc-raw.err"
check_grep "unsafe: fetch names the entry" "'../escape.json' has a '..' component" "$T/unsafe-fetch.err"
check_grep "unsafe: --raw names the chain and the entry" "unsafe archive '.*Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar': entry '../escape.json'" "$T/unsafe-raw.err"
check_grep "filedir: --raw says the tar is a file and a directory" "'Yelp JSON/yelp_dataset.tar' is a file (entry 1) and a directory (entry 2)" "$T/filedir-raw.err"
check_grep "filedir2: --raw says so of the tar read after the table" "'Yelp JSON/yelp_dataset.tar' is a file (entry 2) and a directory (entry 1)" "$T/filedir2-raw.err"
check_grep "filedir3: --raw says so of the tar read after an entry below it" "'Yelp JSON/yelp_dataset.tar' is a file (entry 2) and a directory (entry 1)" "$T/filedir3-raw.err"
check_grep "filedir4: and so in a tar inside the zip" "ambiguous archive '.*Yelp-JSON.zip:outer.tar': 'x.tgz' is a file (entry 2) and a directory (entry 1)" "$T/filedir4-raw.err"

# ---- an inner member that is missing: both paths name the chain ----
check_exit 0 "missing: fetch (the recipe's table is not checked by fetch)" l4r fetch nested --variant missing -q
check_exit 5 "missing: convert exits 5" l4r convert nested --variant missing -o "$T/f-missing" -q
check_grep "missing: convert names the chain" "no member 'yelp_academic_dataset_review.json' in archive 'Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar'" "$T/.err"
check_exit 5 "missing: convert --raw exits 5" l4r convert nested --variant missing --raw "$C/missing/Yelp-JSON.zip" -o "$T/r-missing" -q
check_grep "missing: convert --raw names the chain" "no member 'yelp_academic_dataset_review.json' in archive '.*Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar'" "$T/.err"

# ---- a member that is no archive, or is one where one file is wanted ----
check_exit 5 "notarchive: unpack_nested on a plain file: fetch exits 5" l4r fetch nested --variant notarchive -q
check_grep "notarchive: fetch says it is not an archive" "is not an archive, so it cannot be unpacked in turn" "$T/.err"
check_exit 5 "notarchive: convert --raw exits 5" l4r convert nested --variant notarchive --raw "$C/notarchive/Yelp-JSON.zip" -o "$T/r-na" -q
check_grep "notarchive: --raw says the file is not an archive" "its file 'Yelp JSON/yelp_dataset.tar' is not an archive" "$T/.err"
check_exit 5 "whole: a table that is an inner archive: convert --raw exits 5" l4r convert nested --variant whole --raw "$C/whole/Yelp-JSON.zip" -o "$T/r-whole" -q
check_grep "whole: --raw says to name a member inside it" "'.*Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar' is a tar archive, gzip-compressed, not one file: name a member inside it (its first is 'Dataset_User_Agreement.pdf')" "$T/.err"

# ---- the ceiling covers the inner archives too ----
check_exit 5 "a ceiling the zip fits but not the tar inside it: exit 5" l4r fetch nested --variant xz -q --force --max-unpacked 20000
check_grep "the message says what is left of the ceiling" "what is left of the ceiling of 20000 bytes for 'Yelp-JSON.zip' and the archives in it" "$T/.err"

# ---- the recipe key ----
mkdir -p "$T/bad"
edit() { python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
f = r["variants"]["xz"]["files"][0]
exec(sys.argv[2])
json.dump(r, open(sys.argv[3], "w"))' "$R/nested.json" "$1" "$T/bad/nested.json"; }
edit 'f["unpack"] = False'
check_exit 6 "unpack_nested without unpack: exit 6" "$L4R" --recipes "$T/bad" info nested
check_grep "which names the key" 'files\[0\].unpack_nested: only an archive' "$T/.err"
edit 'f["unpack_nested"] = ["d/../inner.tar.xz"]'
check_exit 6 "an unpack_nested path with '..': exit 6" "$L4R" --recipes "$T/bad" info nested
check_grep "which names the entry" 'unpack_nested\[0\]' "$T/.err"
edit 'f["unpack_nested"] = ["d/inner.tar.xz", "d/inner.tar.xz"]'
check_exit 6 "an unpack_nested path twice: exit 6" "$L4R" --recipes "$T/bad" info nested
check_grep "which says so" "listed twice" "$T/.err"

# ---- --raw with part of the chain unpacked by hand ----
mkdir -p "$T/byhand"
(cd "$T/byhand" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' "$C/nest/Yelp-JSON.zip")
check "byhand: the zip extracted by hand holds the tar as a file" test -f "$T/byhand/Yelp JSON/yelp_dataset.tar"
check_exit 0 "byhand: convert --raw DIR reads through the tar in it" l4r convert nested --variant nest --raw "$T/byhand" -o "$T/r-dir" -q
check_same "byhand: the same interactions.tsv" "$T/r-dir/interactions.tsv" "$T/r-nest/interactions.tsv"
check_grep "byhand: the label names the tar and its member" "Yelp JSON/yelp_dataset.tar:yelp_academic_dataset_review.json\"" "$T/r-dir/manifest.json"
check_exit 0 "byhand: convert --raw of the inner tar itself" l4r convert nested --variant nest --raw "$T/byhand/Yelp JSON/yelp_dataset.tar" -o "$T/r-tar" -q
check_same "byhand: the same interactions.tsv again" "$T/r-tar/interactions.tsv" "$T/r-nest/interactions.tsv"
check_grep "byhand: the input hash is the tar's" "\"sha256\": \"$(sha256sum "$T/byhand/Yelp JSON/yelp_dataset.tar" | cut -d' ' -f1)\"" "$T/r-tar/manifest.json"
mkdir -p "$T/byhand2"
(cd "$T/byhand2" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' "$C/deep/Yelp-JSON.zip")
check_exit 0 "byhand: convert --raw of the middle archive of three" l4r convert nested --variant deep --raw "$T/byhand2/outer.zip" -o "$T/r-mid" -q
check_same "byhand: the same interactions.tsv from the middle" "$T/r-mid/interactions.tsv" "$T/r-nest/interactions.tsv"
check_grep "byhand: labelled from the middle archive on" "outer.zip:mid.tgz:r.json\"" "$T/r-mid/manifest.json"

# ---- a gzip tar given itself gets the same trailer check as one inside the zip ----
mkdir -p "$T/padded"
(cd "$T/padded" && python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' "$C/padcrc/Yelp-JSON.zip")
check_exit 5 "padded: convert --raw of the gzip tar with a wrong CRC behind padding exits 5" l4r convert nested --variant nest --raw "$T/padded/Yelp JSON/yelp_dataset.tar" -o "$T/r-pad" -q
check_grep "padded: it names the CRC" "yelp_dataset.tar': CRC mismatch" "$T/.err"
check_exit 0 "padded: the good gzip tar given itself converts" l4r convert nested --variant nest --raw "$T/byhand/Yelp JSON/yelp_dataset.tar" -o "$T/r-tar2" -q -j 3
check_same "padded: to the same bytes at -j 3" "$T/r-tar2/interactions.tsv" "$T/r-nest/interactions.tsv"

# Regression: a bad record of the *items* table inside a zip -> gzip tar chain was named with
# freed memory (the record functions kept the label that the opened chain replaced).
RB="$T/regr-name"
mkdir -p "$RB"
python3 - "$RB" <<'PY'
import io, sys, tarfile, zipfile
d = sys.argv[1]
rev = b'{"review_id":"r1","user_id":"u1","business_id":"b1","stars":3.0,"useful":0,"funny":0,"cool":0,"text":"t","date":"2018-07-07 22:09:11"}\n'
bus = b'{"business_id":"b1","name":"A","categories":"Food"}\n{"business_id":"b2","name":"B","categories":"Bars"}\n{"business_id":"b3","name":["not","text"],"categories":null}\n'
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz") as t:
    for name, data in (("yelp_academic_dataset_review.json", rev), ("yelp_academic_dataset_business.json", bus)):
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
with zipfile.ZipFile(d + "/Yelp-JSON.zip", "w") as z:
    z.writestr("Yelp JSON/yelp_dataset.tar", buf.getvalue())
PY
for j in 1 3; do
  check_exit 7 "items error inside zip > tar.gz, -j $j: exit 7" "$L4R" convert yelp --raw "$RB/Yelp-JSON.zip" -o "$RB/o$j" -q -j "$j" --accept-license
  check_grep "items error inside zip > tar.gz, -j $j: names the chain and the line" \
    "'$RB/Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar:yelp_academic_dataset_business.json' line 3: key 'name' holds an array" "$T/.err"
done
