"""bench/peers.py — the pandas side of the benchmark (bench/run.sh).

    /usr/bin/python3 peers.py TASK IN OUT
    csv:   ML-25M ratings.csv -> OUT (TSV, header user_id item_id rating timestamp)
    json:  Amazon 2018 reviews .json.gz -> OUT (TSV of reviewerID, asin, overall, unixReviewTime)
    split: ratings.csv -> OUT/{train,valid,test}.tsv, leave-one-out by timestamp per user
    steam: Steam v2 steam_reviews.json.gz (Python-2 literals) -> OUT, ast.literal_eval per line as
           the published SASRec/RecBole preprocessing scripts do (username, product_id, 1, date)
    mind:  MIND behaviors.tsv -> OUT, the clicked entries of every impression (user, news, 1, time)
    yelp:  Yelp-JSON.zip (a gzip tar inside) -> OUT, the reviews (user_id, business_id, stars, date),
           streamed through zipfile and tarfile
"""
import ast
import gzip
import io
import os
import sys
import tarfile
import zipfile

import pandas as pd

HDR = ["user_id", "item_id", "rating", "timestamp"]


def main(task, src, out):
    if task == "csv":
        df = pd.read_csv(src)
        df.columns = HDR
        df.to_csv(out, sep="\t", index=False)
    elif task == "json":
        df = pd.read_json(src, lines=True, compression="gzip", dtype=False)
        df = df[["reviewerID", "asin", "overall", "unixReviewTime"]]
        df.columns = HDR
        df.to_csv(out, sep="\t", index=False)
    elif task == "split":
        df = pd.read_csv(src)
        df.columns = HDR
        df = df.sort_values(["user_id", "timestamp"], kind="stable")
        g = df.groupby("user_id", sort=False)
        back = g.cumcount(ascending=False)
        n = g["item_id"].transform("size")
        os.makedirs(out, exist_ok=True)
        df[(n >= 3) & (back == 0)].to_csv(f"{out}/test.tsv", sep="\t", index=False)
        df[(n >= 3) & (back == 1)].to_csv(f"{out}/valid.tsv", sep="\t", index=False)
        df[(n < 3) | (back >= 2)].to_csv(f"{out}/train.tsv", sep="\t", index=False)
    elif task == "steam":
        rows = []
        with gzip.open(src, "rt", encoding="utf-8") as f:
            for line in f:
                d = ast.literal_eval(line)
                rows.append((d["username"], d["product_id"], d["date"]))
        df = pd.DataFrame(rows, columns=["user_id", "item_id", "date"])
        df["user_id"] = df["user_id"].str.replace(r"[\t\r\n]", " ", regex=True)
        df["rating"] = 1
        df["timestamp"] = pd.to_datetime(df["date"], format="%Y-%m-%d").astype("int64") // 10**9
        df[HDR].to_csv(out, sep="\t", index=False)
    elif task == "mind":
        df = pd.read_csv(src, sep="\t", header=None, names=["imp", "user", "time", "hist", "imps"],
                         quoting=3, dtype=str, keep_default_na=False)
        df["imps"] = df["imps"].str.split(" ")
        df = df.explode("imps")
        parts = df["imps"].str.rsplit("-", n=1, expand=True)
        df = df.assign(item_id=parts[0], rating=parts[1])
        df = df[df["rating"] == "1"]
        ts = pd.to_datetime(df["time"], format="%m/%d/%Y %I:%M:%S %p").astype("int64") // 10**9
        pd.DataFrame({"user_id": df["user"], "item_id": df["item_id"], "rating": df["rating"],
                      "timestamp": ts}).to_csv(out, sep="\t", index=False)
    elif task == "yelp":
        z = zipfile.ZipFile(src)
        inner = next(n for n in z.namelist() if n.endswith("yelp_dataset.tar") and not n.startswith("__MACOSX"))
        first = True
        with z.open(inner) as raw, tarfile.open(fileobj=raw, mode="r|gz") as t, open(out, "w") as o:
            for m in t:
                if not m.name.endswith("yelp_academic_dataset_review.json"):
                    continue
                src_f = t.extractfile(m)  # a stream: pandas cannot seek it, so it gets chunks of lines
                while True:
                    lines = src_f.readlines(1 << 26)
                    if not lines:
                        break
                    c = pd.read_json(io.BytesIO(b"".join(lines)), lines=True, dtype=False)
                    c = c[["user_id", "business_id", "stars", "date"]]
                    c.columns = HDR
                    c["timestamp"] = pd.to_datetime(c["timestamp"], format="%Y-%m-%d %H:%M:%S").astype("int64") // 10**9
                    c.to_csv(o, sep="\t", index=False, header=first)
                    first = False
                break
    else:
        sys.exit(f"unknown task {task}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
