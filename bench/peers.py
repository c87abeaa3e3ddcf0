"""bench/peers.py — the pandas side of the benchmark (bench/run.sh).

    /usr/bin/python3 peers.py TASK IN OUT
    csv:   ML-25M ratings.csv -> OUT (TSV, header user_id item_id rating timestamp)
    json:  Amazon 2018 reviews .json.gz -> OUT (TSV of reviewerID, asin, overall, unixReviewTime)
    split: ratings.csv -> OUT/{train,valid,test}.tsv, leave-one-out by timestamp per user
"""
import os
import sys

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
    else:
        sys.exit(f"unknown task {task}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
