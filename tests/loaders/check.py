"""tests/loaders/check.py DIR... -- loads every .tsv, .inter, .item and .user file in each output
directory with the one-line loaders of docs/FORMAT.md (pandas here; Polars and DuckDB through
read.cjs) and compares every value with a strict RFC 4180 reading of the file (python's csv
module, strict=True).  Prints one "PASS"/"FAIL" line per file and loader.  An empty field is a
missing value (NaN / null) in every loader; the strict reading maps it to None the same way."""
import csv, glob, json, math, os, subprocess, sys

import pandas as pd
from pandas._libs.parsers import STR_NA_VALUES

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = os.environ.get("L4R_TEST_NAME", "test_loaders.sh")
INTER = ("interactions.tsv", "train.tsv", "valid.tsv", "test.tsv")
NUMERIC = {"rating", "timestamp"}


def say(ok, what):
    print(("PASS " if ok else "FAIL ") + NAME + ": " + what, flush=True)
    return ok


def strict(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quotechar='"', doublequote=True, strict=True))
    head, body = rows[0], rows[1:]
    return head, [[v if v != "" else None for v in r] for r in body]


# pandas' default missing-value strings: RecBole's own read_csv call keeps them, so a token that
# is one of them reads as missing there (docs/FORMAT.md, RecBole); every other loader gets it back.
PANDAS_NA = set(STR_NA_VALUES) | {""}


def same(col, got, want, recbole=False):
    if recbole and want in PANDAS_NA:
        want = None
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    if got is None or (isinstance(got, float) and math.isnan(got)):
        return False
    if col in NUMERIC:
        return float(got) == float(want)
    return str(got) == want


def compare(label, cols, got_rows, want_cols, want_rows, recbole=False):
    if list(cols) != list(want_cols):
        return say(False, f"{label}: columns {list(cols)} != {want_cols}")
    if len(got_rows) != len(want_rows):
        return say(False, f"{label}: {len(got_rows)} rows, the file has {len(want_rows)}")
    for n, (g, w) in enumerate(zip(got_rows, want_rows)):
        for c, gv, wv in zip(want_cols, g, w):
            if not same(c.split(":")[0], gv, wv, recbole):
                return say(False, f"{label}: row {n + 1} column {c}: {gv!r} != {wv!r}")
    return say(True, f"{label}: {len(want_rows)} rows, every value")


def pandas_load(path, kind, recbole):
    if recbole:
        # RecBole's own reader: pandas, tab, python engine, token columns as str
        head = open(path, encoding="utf-8").readline().rstrip("\n").split("\t")
        dtype = {h: (float if h.endswith(":float") else str) for h in head}
        return pd.read_csv(path, delimiter="\t", dtype=dtype, engine="python")
    if kind == "inter":
        return pd.read_csv(path, sep="\t", dtype={"user_id": str, "item_id": str},
                           keep_default_na=False, na_values=[""])
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[""])


def main(dirs):
    ok = True
    for d in dirs:
        files = sorted(glob.glob(os.path.join(d, "*.tsv")) + glob.glob(os.path.join(d, "*.inter"))
                       + glob.glob(os.path.join(d, "*.item")) + glob.glob(os.path.join(d, "*.user")))
        if not files:
            ok = say(False, f"{d}: no output files") and ok
        for p in files:
            base = os.path.basename(p)
            label = os.path.relpath(p, os.path.dirname(d))
            recbole = not base.endswith(".tsv")
            kind = "inter" if base in INTER else "text"
            try:
                want_cols, want = strict(p)
            except csv.Error as err:
                ok = say(False, f"{label}: not strict RFC 4180: {err}") and ok
                continue
            df = pandas_load(p, kind, recbole)
            rows = [[None if (isinstance(v, float) and math.isnan(v)) else v for v in r]
                    for r in df.itertuples(index=False, name=None)]
            ok = compare(label + " (pandas" + (", as RecBole reads it" if recbole else "") + ")",
                         df.columns, rows, want_cols, want, recbole) and ok
            if recbole:
                continue
            r = subprocess.run(["node", os.path.join(HERE, "read.cjs"), p, kind],
                               capture_output=True, text=True)
            if r.returncode != 0:
                ok = say(False, f"{label}: node readers failed: {r.stderr.strip()[-300:]}") and ok
                continue
            out = json.loads(r.stdout)
            plain = len(pd.read_csv(p, sep="\t"))
            ok = say(plain == out["plain"]["polars"] == out["plain"]["duckdb"] == len(want),
                     f"{label}: plain defaults of pandas, Polars, DuckDB: {plain}, "
                     f"{out['plain']['polars']}, {out['plain']['duckdb']} rows, want {len(want)}") and ok
            for lib in ("polars", "duckdb"):
                ok = compare(f"{label} ({lib})", out[lib]["columns"], out[lib]["rows"], want_cols,
                             want) and ok
    return ok


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) else 1)
