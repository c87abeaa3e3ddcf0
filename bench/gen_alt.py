#!/usr/bin/python3
"""bench/gen_alt.py: the benchmark's second generator, written apart from build/l4r-gen (a
different program, a different language, other choices) so that a fast path that only l4r-gen's
output takes shows up as a gap between the two inputs of a task in bench/out/results.md.

    gen_alt.py amazon2018 LINES OUT.json.gz [--level L] [--seed S]
    gen_alt.py amazon2014 LINES OUT.json.gz [--level L] [--seed S]
    gen_alt.py amazon2023 LINES OUT.jsonl.gz [--level L] [--seed S]
    gen_alt.py ratings ROWS OUT.csv [--seed S]

JSON lines as json.dumps writes them (ensure_ascii: every non-ASCII character is a \\uXXXX
escape, where l4r-gen writes raw UTF-8), keys in the order the real dumps use, which is not
l4r-gen's; optional fields (vote, style, image) present on some lines only; review texts from a
small vocabulary, half short ("Great!") and half long, so the file compresses about 5:1 (l4r-gen's
compresses less); numeric-looking and ASIN ids.  ratings: ML-25M's header, users in a shuffled
order (not sorted), integer and half-star ratings ("4" and "3.5"), 9- and 10-digit timestamps.
OUT ending in .gz (or .gz.part) is gzip at --level (default 6).  Deterministic: the same
arguments give the same bytes.
"""
import json
import random
import sys
import zlib

WORDS = ("the this game is great fun good bad not worth money my son loves it played hours "
         "graphics story controls easy hard boring amazing recommend buy again price fast shipping "
         "love hate works fine broke after days quality well made cheap five stars disappointed "
         "excellent perfect expected better than ever product would".split())
ACCENTED = ["caf\u00e9", "na\u00efve", "\u00fcber", "se\u00f1or", "\u2014", "\u2019s", "\u00bd", "\u201cok\u201d",
            "\U0001F600"]


def text(r, lo, hi):
    n = r.randint(lo, hi)
    w = [r.choice(WORDS) for _ in range(n)]
    if r.random() < 0.3:
        w[r.randrange(n)] = r.choice(ACCENTED)
    if r.random() < 0.1:
        w[r.randrange(n)] = '"quoted"'
    if r.random() < 0.1:
        w[r.randrange(n)] = "line\nbreak"
    return " ".join(w)


def review_text(r):
    return text(r, 1, 4) if r.random() < 0.5 else text(r, 40, 160)


def asin(r, n_items):
    i = int(r.paretovariate(1.2)) % n_items
    if i % 3 == 0:
        return "%010d" % (100000000 + i * 7)  # ISBN-like, all digits
    return "B%09X" % (0x1000000 + i * 13)


def user(r, n_users):
    u = int(r.paretovariate(1.1)) % n_users
    return "A%d%s" % (u % 9 + 1, format(u * 2654435761 % (36 ** 12), "X").rjust(12, "Z"))


def day(r, lo=946684800, hi=1538352000):
    t = r.randrange(lo, hi) // 86400 * 86400
    return t


def mmddyyyy(t):
    import time
    g = time.gmtime(t)
    return "%02d %d, %d" % (g.tm_mon, g.tm_mday, g.tm_year)


def amazon2018(r, n):
    nu, ni = max(n // 8, 1), max(n // 20, 1)
    for _ in range(n):
        t = day(r)
        o = {"overall": float(r.randint(1, 5))}
        if r.random() < 0.15:
            o["vote"] = str(r.randint(2, 3000)) if r.random() < 0.9 else "1,024"
        o["verified"] = r.random() < 0.8
        o["reviewTime"] = mmddyyyy(t)
        o["reviewerID"] = user(r, nu)
        o["asin"] = asin(r, ni)
        if r.random() < 0.4:
            o["style"] = {"Format:": r.choice([" Hardcover", " Kindle Edition", " Paperback"])}
            if r.random() < 0.3:
                o["style"]["Color:"] = " " + r.choice(ACCENTED)
        o["reviewerName"] = text(r, 1, 2).title()
        o["reviewText"] = review_text(r)
        o["summary"] = text(r, 1, 6)
        o["unixReviewTime"] = t
        if r.random() < 0.05:
            o["image"] = ["https://images-na.ssl-images-amazon.com/images/I/%dX.jpg" % r.randrange(10 ** 8)]
        yield json.dumps(o)


def amazon2014(r, n):
    nu, ni = max(n // 8, 1), max(n // 20, 1)
    for _ in range(n):
        t = day(r, 946684800, 1406073600)
        h = r.randint(0, 20)
        o = {"reviewerID": user(r, nu), "asin": asin(r, ni)}
        if r.random() < 0.9:
            o["reviewerName"] = text(r, 1, 2).title()
        o["helpful"] = [r.randint(0, h), h]
        o["reviewText"] = review_text(r)
        o["overall"] = float(r.randint(1, 5))
        o["summary"] = text(r, 1, 6)
        o["unixReviewTime"] = t
        o["reviewTime"] = mmddyyyy(t)
        yield json.dumps(o)


def amazon2023(r, n):
    nu, ni = max(n // 8, 1), max(n // 20, 1)
    for _ in range(n):
        a = asin(r, ni)
        o = {"rating": float(r.randint(1, 5)), "title": text(r, 1, 6), "text": review_text(r),
             "images": [], "asin": a, "parent_asin": a if r.random() < 0.7 else asin(r, ni),
             "user_id": "AE" + user(r, nu)[2:] + "ABCDEFGHIJKL", "timestamp": day(r) * 1000 + r.randrange(1000),
             "helpful_vote": r.randint(0, 40), "verified_purchase": r.random() < 0.9}
        yield json.dumps(o)


def ratings(r, n):
    yield "userId,movieId,rating,timestamp"
    users = list(range(1, max(n // 150, 2)))
    r.shuffle(users)
    left = n
    k = 0
    while left > 0:
        u = users[k % len(users)]
        k += 1
        m = min(left, max(1, int(r.paretovariate(1.3) * 20)))
        left -= m
        for _ in range(m):
            item = int(r.paretovariate(1.05)) % 209000 + 1
            rt = r.randint(1, 10) / 2
            rs = "%d" % rt if rt == int(rt) else "%.1f" % rt
            ts = r.randrange(789652009, 1574327703) if r.random() < 0.97 else r.randrange(9 * 10 ** 8, 999999999)
            yield "%d,%d,%s,%d" % (u, item, rs, ts)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    kind, n, out = argv[1], int(argv[2]), argv[3]
    opts = dict(zip(argv[4::2], argv[5::2]))
    r = random.Random(int(opts.get("--seed", "7")))
    gens = {"amazon2018": amazon2018, "amazon2014": amazon2014, "amazon2023": amazon2023, "ratings": ratings}
    if kind not in gens:
        sys.exit("gen_alt.py: unknown kind '%s' (amazon2018, amazon2014, amazon2023, ratings)" % kind)
    gz = out.removesuffix(".part").endswith(".gz")  # gzip by the name (bench/run.sh writes NAME.part)
    # a gzip member by hand (zlib with wbits 31) so the level is ours; mtime 0: same bytes each run
    z = zlib.compressobj(int(opts.get("--level", "6")), zlib.DEFLATED, 31) if gz else None
    with open(out, "wb") as f:
        buf = []
        for line in gens[kind](r, n):
            buf.append(line)
            if len(buf) == 4096:
                data = ("\n".join(buf) + "\n").encode()
                f.write(z.compress(data) if z else data)
                buf = []
        if buf:
            data = ("\n".join(buf) + "\n").encode()
            f.write(z.compress(data) if z else data)
        if z:
            f.write(z.flush())


if __name__ == "__main__":
    main(sys.argv)
