"""The output contract of docs/FORMAT.md, in Python, for the tests' expected files.

A TSV field is written as it is, or, when it holds a double quote, RFC 4180-quoted: wrapped in
double quotes with each one doubled.  TAB, CR and LF in text became spaces before that.
tests/lib.sh puts this directory on PYTHONPATH.
"""


def field(s):
    """One TSV field as the tool writes it."""
    s = str(s)
    return '"' + s.replace('"', '""') + '"' if '"' in s else s


def clean(s):
    """Text as the tool keeps it: TAB, CR and LF become spaces."""
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def line(fields):
    """One TSV line (with its newline) from the field values."""
    return "\t".join(field(f) for f in fields) + "\n"


def write_tsv(path, head, rows):
    """A TSV file: the header's column names, then one line per row of values."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(line(head))
        for r in rows:
            f.write(line(r))


def read_tsv(path):
    """Our TSV output read back as rows of values (header included), un-quoting by the contract."""
    import csv
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", strict=True))


# The project's seeded generator (src/convert/process_internal.h mix64, rng_next, rng_below:
# splitmix64) and its unbiased draw below n,
# for the tests whose expected files depend on seeded draws (candidates, shuffles).
M64 = (1 << 64) - 1


def mix64(x):
    x = (x + 0x9e3779b97f4a7c15) & M64
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M64
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M64
    return x ^ (x >> 31)


class Rng:
    def __init__(self, s):
        self.s = s

    def next(self):
        self.s = (self.s + 0x9e3779b97f4a7c15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
        return z ^ (z >> 31)

    def below(self, n):
        lim = M64 - M64 % n
        while True:
            v = self.next()
            if v < lim:
                return v % n


def p5_files(d, users, ui, order, negatives=99):
    """P5's three files in directory d (created): sequential_data.txt (users numbered in the order
    of `users`, items by their position in `order`, each user's items ui[u] in order),
    datamaps.json, and negative_samples.txt as P5's sample_test_data draws it from the file just
    written, with numpy's global generator (the caller seeds it: np.random.seed)."""
    import json
    import os
    from collections import defaultdict

    import numpy as np

    item2id = {i: str(k + 1) for k, i in enumerate(order)}
    user2id = {u: str(k + 1) for k, u in enumerate(users)}
    os.makedirs(d)
    with open(d + "/sequential_data.txt", "w") as out:
        for u in users:
            out.write(user2id[u] + " " + " ".join(item2id[i] for i in ui[u]) + "\n")
    maps = {"user2id": user2id, "item2id": item2id,
            "id2user": {v: k for k, v in user2id.items()}, "id2item": {v: k for k, v in item2id.items()}}
    with open(d + "/datamaps.json", "w") as out:
        out.write(json.dumps(maps))
    user_items, item_count = {}, defaultdict(int)
    for line in open(d + "/sequential_data.txt"):
        user, items = line.strip().split(" ", 1)
        items = [int(x) for x in items.split(" ")]
        user_items[user] = items
        for x in items:
            item_count[x] += 1
    all_item = list(item_count.keys())
    with open(d + "/negative_samples.txt", "w") as out:
        for user, seq in user_items.items():
            test = []
            while len(test) < negatives:
                ids = np.random.choice(all_item, negatives, replace=False)
                test.extend(str(x) for x in ids if x not in seq and str(x) not in test)
            out.write(user + " " + " ".join(test[:negatives]) + "\n")
