#!/usr/bin/env python3
"""tests/fault/corpus.py -- deterministic test data for the fault suite (tests/fault/*.sh).

    python3 corpus.py hostile CORPUS RECIPES     the corpus of hostile and damaged archives
    python3 corpus.py big CORPUS RECIPES ROWS    one large table, zipped and plain

Each case is a variant of a test dataset: its files go to CORPUS/CASE/FILE, the recipe to
RECIPES/DATASET.json (file://CORPUS/CASE/FILE with size and sha256, archives with unpack true, the
interactions table at d/r.tsv, or r.tsv for a lone .gz), and CORPUS/cases.txt lists one case a line:
"CASE VERDICT FILE", VERDICT being the exit status that fetch, convert and convert --raw FILE must
give.  CORPUS/expect/good.tsv is the interactions.tsv the good table d/r.tsv converts to.

Every byte is fixed (tar and zip entries carry fixed times and owners, gzip headers mtime 0, rows
come from a seeded generator), except the one absolute path of tar-abs-*, which points next to
CORPUS so that a broken check would write inside the test's own directory.  Only the standard
library is used.

Cases of "hostile" (VERDICT in brackets; 5 = damaged, unsafe or ambiguous archive, 0 = converts
d/r.tsv, and d/r.tsv only):
  zip-badcrc      [5] stored entry whose first rating 5 became 9 after its CRC was computed
  gz-corrupt      [5] lone .gz whose second deflate block has the reserved block type 3
  gz-flip         [5] lone .gz with one bit flipped where it still inflates to the same length
  gz-badcrc       [5] lone .gz whose CRC-32 trailer is wrong
  zip-liar        [5] headers declare 24 bytes, the deflate stream holds 5 MB (CRC of the 5 MB)
  targz-trunc     [5] .tar.gz cut at 60 % of its length, inside the table's data
  tar-dup         [5] d/r.tsv twice in a tar (different contents)
  zip-dup         [5] d/r.tsv twice in a zip
  tar-evil        [0] evil/d/r.tsv (other rows) before d/r.tsv: not ambiguous, d/r.tsv is read
  zip-evil        [0] the same in a zip
  clash           [5] the zip holds 'other.bin', the name of the variant's other (earlier) file
  clash-after     [5] the same with other.bin listed after the zip
  tar-dotdot-first/-last   [5] a '../x' entry before / after d/r.tsv
  tar-abs-first/-last      [5] an entry with an absolute path before / after d/r.tsv
  tar-symlink-first/-last  [5] a symlink 'up' -> '../../../outside' before / after d/r.tsv
  gz-bomb         [5] lone .gz of 64 MiB of "x" (65 kB, about 1000:1)
  targz, tarxz, tarbz2, tgz  [0] good tars compressed with gzip, xz, bzip2 (tgz: named .tgz)
  gz-good, zip-good          [0] good controls
"""
import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import random
import struct
import sys
import tarfile
import warnings
import zipfile
import zlib

ZIP_TIME = (2001, 2, 3, 4, 5, 6)
TAR_TIME = 981173106


def rows(seed, n, first_user=1):
    """n tab-separated interaction rows (user, item, rating, unix seconds), deterministic."""
    r = random.Random(seed)
    out = []
    for k in range(n):
        out.append("%d\t%d\t%d\t%d\n" % (first_user + k // 7, r.randint(1, 900), r.randint(1, 5),
                                         978300000 + k))
    return "".join(out).encode()


GOOD = b"1\t10\t5\t978300760\n1\t11\t3\t978300761\n2\t10\t4\t978300762\n2\t12\t1\t978300763\n"
OTHER = b"666\t66\t2\t978300999\n667\t66\t2\t978301000\n"  # the rows of the decoy entries
HEADER = b"user_id\titem_id\trating\ttimestamp\n"


def tar_bytes(entries, mode="w"):
    """entries: (name, kind, payload) with kind file|sym; returns the archive's bytes."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode=mode, format=tarfile.USTAR_FORMAT) as tf:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = TAR_TIME
            ti.uid = ti.gid = 1000
            ti.uname = ti.gname = "test"
            if kind == "file":
                ti.size = len(payload)
                ti.mode = 0o644
                tf.addfile(ti, io.BytesIO(payload))
            else:
                ti.type = tarfile.SYMTYPE
                ti.linkname = payload
                ti.mode = 0o777
                tf.addfile(ti)
    return bio.getvalue()


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    bio = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; we want them
        with zipfile.ZipFile(bio, "w", method) as z:
            for name, payload in entries:
                zi = zipfile.ZipInfo(name, ZIP_TIME)
                zi.compress_type = method
                zi.external_attr = 0o644 << 16
                z.writestr(zi, payload)
    return bio.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def gz_corrupt(data):
    """A gzip member whose first block inflates fine and whose second block has BTYPE 3."""
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    head = c.compress(data[: len(data) // 2]) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(data[len(data) // 2:]) + c.flush()
    # after a full flush the next block starts on a byte boundary: BFINAL=1, BTYPE=11 (reserved)
    return head + bytes([0x07]) + tail[1:]


def gz_flip(data):
    """A gzip member with one bit of its deflate data flipped where the stream still inflates to
    the same length: only the CRC-32 trailer can tell (a rating or an id silently changed)."""
    b = bytearray(gz(data))
    for pos in range(len(b) // 2, len(b) - 8):
        for bit in (0x10, 0x01, 0x40):
            b[pos] ^= bit
            d = zlib.decompressobj(-15)
            try:
                out = d.decompress(bytes(b[10:-8])) + d.flush()
                if d.eof and len(out) == len(data) and out != data:
                    return bytes(b)
            except zlib.error:
                pass
            b[pos] ^= bit
    raise SystemExit("corpus.py: found no silent bit flip")


def gz_badcrc(data):
    b = bytearray(gz(data))
    crc = struct.unpack("<I", b[-8:-4])[0]
    b[-8:-4] = struct.pack("<I", crc ^ 0x5A5A5A5A)
    return bytes(b)


def zip_badcrc():
    """d/r.tsv stored (not deflated), then its first rating 5 changed to 9 in the file."""
    b = bytearray(zip_bytes([("d/r.tsv", GOOD)], zipfile.ZIP_STORED))
    needle = b"1\t10\t5\t"
    at = b.find(needle)
    assert at > 0 and b.find(needle, at + 1) < 0
    b[at + 5] = ord("9")
    return bytes(b)


def zip_liar(data):
    """Local and central headers say 24 bytes uncompressed; the deflate stream holds all of data."""
    b = bytearray(zip_bytes([("d/r.tsv", data)]))
    lh = b.find(b"PK\x03\x04")
    ch = b.find(b"PK\x01\x02")
    assert lh == 0 and ch > 0
    assert struct.unpack("<I", b[lh + 22:lh + 26])[0] == len(data)
    b[lh + 22:lh + 26] = struct.pack("<I", 24)
    b[ch + 24:ch + 28] = struct.pack("<I", 24)
    return bytes(b)


def table(path):
    return {"path": path, "member": path, "format": "delim", "delimiter": "\t",
            "columns": ["user", "item", "rating", "time"],
            "fields": {"user_id": "user", "item_id": "item", "rating": "rating", "timestamp": "time"},
            "time": "unix_s"}


def write_cases(corpus, recipes, dataset, cases):
    """Write every case's files, CORPUS/cases.txt and RECIPES/DATASET.json."""
    variants = {}
    os.makedirs(corpus, exist_ok=True)
    with open(os.path.join(corpus, "cases.txt"), "w") as lst:
        for name, verdict, files, path in cases:
            d = os.path.join(corpus, name)
            os.makedirs(d, exist_ok=True)
            fs = []
            for fname, data, unpack in files:
                p = os.path.join(d, fname)
                with open(p, "wb") as f:
                    f.write(data)
                fs.append({"name": fname, "url": "file://" + os.path.abspath(p), "size": len(data),
                           "sha256": hashlib.sha256(data).hexdigest(), "unpack": unpack})
            variants[name] = {"description": "fault test case " + name, "files": fs,
                              "interactions": table(path)}
            raw = next((f for f in files if f[2]), files[-1])[0]  # the archive, for --raw
            lst.write("%s %d %s\n" % (name, verdict, raw))
    recipe = {"schema": 1, "dataset": dataset, "title": "fault test data", "license": "test data",
              "default_variant": cases[0][0], "variants": variants}
    os.makedirs(recipes, exist_ok=True)
    with open(os.path.join(recipes, dataset + ".json"), "w") as f:
        json.dump(recipe, f, indent=1)


def hostile(corpus, recipes):
    outside = os.path.dirname(os.path.abspath(corpus))  # where an escaping entry would land
    big = rows(11, 60000)  # about 1 MB, compresses to about a third
    liar = rows(12, 300000)  # about 5 MB
    cases = []  # (case, verdict, [(file name, bytes, unpack)], table path)

    def case(name, verdict, files, path="d/r.tsv"):
        cases.append((name, verdict, files, path))

    case("zip-badcrc", 5, [("data.zip", zip_badcrc(), True)])
    case("gz-corrupt", 5, [("r.tsv.gz", gz_corrupt(big), True)], "r.tsv")
    case("gz-flip", 5, [("r.tsv.gz", gz_flip(big), True)], "r.tsv")
    case("gz-badcrc", 5, [("r.tsv.gz", gz_badcrc(big), True)], "r.tsv")
    case("zip-liar", 5, [("data.zip", zip_liar(liar), True)])
    tgz = gz(tar_bytes([("d/r.tsv", "file", big)]))
    case("targz-trunc", 5, [("data.tar.gz", tgz[: len(tgz) * 6 // 10], True)])
    case("tar-dup", 5, [("data.tar", tar_bytes([("d/r.tsv", "file", GOOD), ("d/r.tsv", "file", OTHER)]), True)])
    case("zip-dup", 5, [("data.zip", zip_bytes([("d/r.tsv", GOOD), ("d/r.tsv", OTHER)]), True)])
    case("tar-evil", 0, [("data.tar", tar_bytes([("evil/d/r.tsv", "file", OTHER), ("d/r.tsv", "file", GOOD)]), True)])
    case("zip-evil", 0, [("data.zip", zip_bytes([("evil/d/r.tsv", OTHER), ("d/r.tsv", GOOD)]), True)])
    clash = zip_bytes([("other.bin", b"overwritten\n"), ("d/r.tsv", GOOD)])
    case("clash", 5, [("other.bin", OTHER, False), ("data.zip", clash, True)])
    case("clash-after", 5, [("data.zip", clash, True), ("other.bin", OTHER, False)])
    good = ("d/r.tsv", "file", GOOD)
    for kind, bad in (("dotdot", ("../x", "file", b"escaped\n")),
                      ("abs", (os.path.join(outside, "abs-escape.txt"), "file", b"escaped\n")),
                      ("symlink", ("up", "sym", "../../../outside"))):
        case("tar-%s-first" % kind, 5, [("data.tar", tar_bytes([bad, good]), True)])
        case("tar-%s-last" % kind, 5, [("data.tar", tar_bytes([good, bad]), True)])
    # not zeros: libarchive takes a stream of zeros for an empty tar and unpacks nothing
    case("gz-bomb", 5, [("r.tsv.gz", gz(b"x" * (64 << 20)), True)], "r.tsv")
    plain_tar = tar_bytes([("d/r.tsv", "file", GOOD)])
    case("targz", 0, [("data.tar.gz", gz(plain_tar), True)])
    case("tarxz", 0, [("data.tar.xz", lzma.compress(plain_tar, preset=6), True)])
    case("tarbz2", 0, [("data.tar.bz2", bz2.compress(plain_tar, 9), True)])
    case("tgz", 0, [("data.tgz", gz(plain_tar), True)])
    case("gz-good", 0, [("r.tsv.gz", gz(GOOD), True)], "r.tsv")
    case("zip-good", 0, [("data.zip", zip_bytes([("d/r.tsv", GOOD)]), True)])

    os.makedirs(os.path.join(corpus, "expect"), exist_ok=True)
    with open(os.path.join(corpus, "expect", "good.tsv"), "wb") as f:
        f.write(HEADER + GOOD)
    write_cases(corpus, recipes, "hostile", cases)


def big(corpus, recipes, n):
    """Dataset "big": variant "zip" (d/r.tsv in a zip, unpacked) and "tsv" (the same rows as a
    plain file r.tsv), n rows each (about 19 bytes a row)."""
    data = rows(13, n)
    write_cases(corpus, recipes, "big", [("zip", 0, [("data.zip", zip_bytes([("d/r.tsv", data)]), True)], "d/r.tsv"),
                                         ("tsv", 0, [("r.tsv", data, False)], "r.tsv")])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "hostile":
        hostile(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "big":
        big(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("usage: corpus.py hostile CORPUS RECIPES | corpus.py big CORPUS RECIPES ROWS")


if __name__ == "__main__":
    main()
