# CLI tests: coverage of the LLM4Rec datasets table (issue 16).  `list --json` must name every
# family of the table; then, for EVERY variant `list` prints: `info` (text and JSON) works and names
# it, and the variant converts from a fixture in its upstream shape (l4r-gen; --raw, so nothing is
# fetched and gated variants need no registration), or, when its recipe has no interactions table
# (fetch-only files such as Gowalla's friendship graph), convert refuses it with exit 6.  A
# family without a fixture below fails here by name, so a new family must add one.  One python
# process drives it (a shell loop paid a python start per check: minutes, not seconds).
. "$(dirname "$0")/../lib.sh"

python3 - "$L4R" "$GEN" "$T" "$_name" <<'PY'
import json, os, shutil, subprocess, sys

L4R, GEN, T, NAME = sys.argv[1:5]
F = os.path.join(T, "fx")
os.makedirs(F, exist_ok=True)


def say(ok, what):
    print(("PASS" if ok else "FAIL") + f" {NAME}: {what}", flush=True)


def run(*args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def gen(d, *args):
    """Run l4r-gen once for directory d (cached by a .done mark)."""
    if os.path.exists(os.path.join(d, ".done")):
        return True
    os.makedirs(d, exist_ok=True)
    rc, _, err = run(GEN, *args)
    if rc:
        print(f"# l4r-gen {' '.join(args)}: {err[:200]}")
        return False
    open(os.path.join(d, ".done"), "w").close()
    return True


def amazon(v, info):
    """A directory holding the variant's interactions and metadata files under their recipe names,
    copied from one generated file per release and kind."""
    rel = v.split("/")[0]
    if v.startswith(("2014/ratings_", "2018/ratings/")):
        kind, ext = "ratings", ""
    elif v.startswith("2023/") and "core/" in v:
        kind, ext = "core", ".gz"
    else:
        kind, ext = "reviews", ".gz"
    src = os.path.join(F, "amz-src", f"{rel}-{kind}")
    if not os.path.exists(src + ".done"):
        os.makedirs(os.path.dirname(src), exist_ok=True)
        if kind == "core":
            run(GEN, "amazon", "2023", "ratings", "--lines", "300", "-o", src + ".csv")
            run("gzip", "-f", src + ".csv")
            os.rename(src + ".csv.gz", src)
        else:
            run(GEN, "amazon", rel, kind, "--lines", "300", *(["--gzip"] if ext else []), "-o", src)
        run(GEN, "amazon", rel, "meta", "--lines", "100", "--gzip", "-o", src + ".meta")
        open(src + ".done", "w").close()
    d = os.path.join(F, "amz", v.replace("/", "_"))
    os.makedirs(d, exist_ok=True)
    shutil.copy(src, os.path.join(d, os.path.basename(info["interactions"]["path"])))
    shutil.copy(src + ".meta", os.path.join(d, os.path.basename(info["items"]["path"])))
    return d


def fixture(ds, v, info):
    """The --raw path for variant v, or None when this test has no fixture for the family."""
    if ds == "movielens":
        d = os.path.join(F, "ml", v)
        return os.path.join(d, v + ".zip") if gen(d, "movielens", v, d, "--ratings", "5000", "--tags", "20") else None
    if ds == "amazon":
        return amazon(v, info)
    if ds == "gowalla":
        d = os.path.join(F, "gw")
        ok = gen(d, "gowalla", "checkins", "--lines", "300", "--gzip", "-o", os.path.join(d, "loc-gowalla_totalCheckins.txt.gz"))
        return d if ok else None
    if ds == "lastfm":
        if v == "1k":
            d = os.path.join(F, "lf1k")
            return os.path.join(d, "lastfm-dataset-1K.tar.gz") if gen(d, "lastfm", "1k", d, "--lines", "300") else None
        d = os.path.join(F, "lf2k")
        return os.path.join(d, "hetrec2011-lastfm-2k.zip") if gen(d, "lastfm", "hetrec-2k", d) else None
    if ds == "microlens":
        r = v.split("/")[0]
        d = os.path.join(F, "mlens-" + r)
        return d if gen(d, "microlens", r, d) else None
    if ds == "steam":
        d = os.path.join(F, "steam")
        if not os.path.exists(os.path.join(d, ".done")):
            os.makedirs(d, exist_ok=True)
            for kind, name, opt in (("reviews", "steam_reviews.json.gz", ["--lines", "300"]),
                                    ("games", "steam_games.json.gz", ["--items", "100"]),
                                    ("user-reviews", "australian_user_reviews.json.gz", ["--users", "50"]),
                                    ("users-items", "australian_users_items.json.gz", ["--users", "50"])):
                run(GEN, "steam", kind, *opt, "--gzip", "-o", os.path.join(d, name))
            open(os.path.join(d, ".done"), "w").close()
        return d
    if ds == "mind":
        s = v[:-len("-history")] if v.endswith("-history") else v
        size, split = s.split("/")
        d = os.path.join(F, "mind-" + s.replace("/", "-"))
        return os.path.join(d, f"MIND{size}_{split}.zip") if gen(d, "mind", size, split, d, "--lines", "50") else None
    if ds == "yelp":
        d = os.path.join(F, "yelp-" + v)
        if v == "reviews":
            return os.path.join(d, "Yelp-JSON.zip") if gen(d, "yelp", "json", d, "--lines", "200") else None
        return os.path.join(d, "archive.zip") if gen(d, "yelp", v, d, "--lines", "200") else None
    if ds == "kuaisar":
        r = v.split("/")[0]
        d = os.path.join(F, "ks-" + r)
        z = "KuaiSAR.zip" if r == "small" else "KuaiSAR_v2.zip"
        return os.path.join(d, z) if gen(d, "kuaisar", r, d, "--lines", "300", "--ratings", "300") else None
    if ds == "goodreads":
        k = v.split("/")[-1]
        d = os.path.join(F, "gr-" + k)
        return d if gen(d, "goodreads", k, d, "--lines", "300") else None
    if ds == "amazon-m2":
        d = os.path.join(F, "m2")
        return d if gen(d, "amazon-m2", d, "--lines", "400") else None
    if ds == "u-need":
        d = os.path.join(F, "uneed")
        if not gen(d, "u-need", d, "--lines", "100"):
            return None
        if v == "splits":  # the authors' three files: slices of the generated array, indented
            arr = json.load(open(os.path.join(d, "dialogues.json"), encoding="utf-8"))
            for k, part in (("train", arr[:70]), ("dev", arr[70:85]), ("test", arr[85:])):
                with open(os.path.join(d, f"air_{k}_dataset_0210_encrypt.json"), "w", encoding="utf-8") as f:
                    json.dump(part, f, indent=2, ensure_ascii=False)
        return d
    # the families of issue 16: generated into a directory per kind; an archive the variant unpacks
    # is given itself, plain files by their directory
    if ds == "pixelrec":
        r = {"200k": "200k", "1m": "1m", "8m": "8m", "full": "full", "50k": "50k"}[v]
        d = os.path.join(F, "px-" + r)
        if not gen(d, "pixelrec", r, d, "--lines", "200"):
            return None
        names = [f["name"] for f in info["files"]]
        if r != "50k":  # the item file shares the interactions' name upstream: renamed as the recipe says
            inter = os.path.join(d, "pixelrec_interaction", names[0])
            item = os.path.join(d, "pixelrec_iteminfo", names[0])
            for src, dst in ((inter, names[0]), (item, names[1])):
                if os.path.exists(src) and not os.path.exists(os.path.join(d, dst)):
                    shutil.copy(src, os.path.join(d, dst))
        return d
    if ds == "ninerec":
        name = v.split("/")[0]
        order = ["user-first"] if v.endswith("/user-first") else []
        d = os.path.join(F, "nr-" + v.replace("/", "-"))
        return d if gen(d, "ninerec", name, d, *order, "--lines", "50") else None
    if ds == "netflix":
        d = os.path.join(F, "nf-" + v)
        if not gen(d, "netflix", v, d, "--lines", "500"):
            return None
        if v == "kaggle":
            return os.path.join(d, "archive.zip")
        # the original's glob is read from a directory: the tarball and its inner tar unpacked
        u = os.path.join(d, "unpacked")
        if not os.path.exists(os.path.join(u, ".done")):
            import tarfile
            with tarfile.open(os.path.join(d, "nf_prize_dataset.tar.gz")) as t:
                t.extractall(u)
            inner = os.path.join(u, "download", "training_set.tar")
            with tarfile.open(inner) as t:
                t.extractall(inner + ".d")
            os.remove(inner)
            os.rename(inner + ".d", inner)
            open(os.path.join(u, ".done"), "w").close()
        return u
    kinds = {"tenrec": ("all",), "taobao": (), "book-crossing": ("dump",)}
    if ds in kinds or ds in ("tmall", "douban"):
        if ds == "tmall":
            k = (v.split("/")[0],)
        elif ds == "douban":
            k = ("dmsc",) if v == "dmsc" else ("dtcdr",)
        elif ds in kinds:
            k = kinds[ds]
        else:
            k = ()
        d = os.path.join(F, ds + "-" + "-".join(k))
        if not gen(d, ds, *k, d, "--lines", "2000"):
            return None
        f0 = info["files"][0]
        return os.path.join(d, f0["name"]) if f0.get("unpack") else d
    return None


rc, out, err = run(L4R, "list", "--json")
say(rc == 0, "list --json")
listed = json.loads(out) if rc == 0 else []
names = {x["dataset"] for x in listed}
for fam in ("amazon", "amazon-m2", "steam", "movielens", "yelp", "douban", "mind", "u-need", "pixelrec",
            "kuaisar", "tenrec", "ninerec", "microlens"):
    say(fam in names, f"list names the LLM4Rec family {fam}")

n = 0
for x in listed:
    ds, v = x["dataset"], x["variant"]
    n += 1
    rc, out, err = run(L4R, "info", ds, "--variant", v)
    if rc or f"\nvariant:     {v}" not in "\n" + out:
        say(False, f"info {ds} --variant {v} (exit {rc}: {err[:200]})")
        continue
    rc, out, err = run(L4R, "info", ds, "--variant", v, "--json")
    info = json.loads(out) if rc == 0 else {}
    if rc or info.get("dataset") != ds or info.get("variant") != v:
        say(False, f"info --json {ds} --variant {v} (exit {rc})")
        continue
    if info["interactions"] is None:
        rc, _, err = run(L4R, "convert", ds, "--variant", v, "--raw", T, "-o", os.path.join(T, "none"), "-q")
        say(rc == 6 and "has no interaction table" in err, f"{ds}/{v}: fetch only (convert exits 6; got {rc})")
        continue
    raw = fixture(ds, v, info)
    if not raw or not os.path.exists(raw):
        say(False, f"{ds}/{v}: no fixture (tests/cli/test_coverage.sh needs one for this family)")
        continue
    o = os.path.join(T, "o")
    shutil.rmtree(o, ignore_errors=True)
    rc, _, err = run(L4R, "convert", ds, "--variant", v, "--raw", raw, "-o", o, "-q", "--accept-license")
    lines = sum(1 for _ in open(os.path.join(o, "interactions.tsv"))) if rc == 0 else 0
    say(rc == 0 and lines > 1, f"{ds}/{v}: converts from its fixture" + ("" if rc == 0 else f" (exit {rc}: {err[:300]})"))
say(n > 500, f"every variant was visited ({n})")
PY
