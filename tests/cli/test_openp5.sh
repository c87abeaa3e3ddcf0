# CLI tests: --format openp5 (OpenP5's user_sequence.txt, index files and prompt JSON) on an
# ML-100K fixture, against files written below in python the way OpenP5 (agiresearch/OpenP5)
# makes them: preprocessing/data_preprocessing_movielens notebook (iterative 5/5 core, a sort by
# timestamp, user_sequence.txt), src/src_llama/utils/indexing.py (user map, sequential and random
# item ids from 1001), generate_dataset.py / generate_dataset_eval.py (samples, prompt.txt, json.dump)
# as generate_dataset.sh runs them.  Where OpenP5 cannot be repeated (its sort is not stable, its
# random indexing shuffles a set without a seed) the python does what docs/PRESETS.md says we do.
# Collaborative ids (spectral clustering) against numpy's dense eigen-solver in the steps of
# scikit-learn's SpectralClustering.  All three indexings, two seeds, --history, -j 1 = -j 2, the
# bad option values.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
"$GEN" movielens ml-100k "$F" --users 60 --items 120 --ratings 2000 --seed 5 >/dev/null
# extra rows: ties at one timestamp across users and within a user, a repeated (user, item) pair,
# a user of 4 ratings (dropped by the 5-core) whose item 901 then has 4 and goes too, taking its
# fifth user's rating with it
/usr/bin/python3 - "$F" <<'PY'
import sys, zipfile
F = sys.argv[1]
with zipfile.ZipFile(F + "/ml-100k.zip") as z:
    files = {n: z.read(n) for n in z.namelist()}
data = files["ml-100k/u.data"].decode()
extra = []
for u in (3, 7, 11, 2, 5):
    extra.append("%d\t%d\t4\t%d" % (u, 5 + u, 800000000))      # one timestamp, five users
extra += ["9\t21\t3\t800000001", "9\t22\t3\t800000001", "9\t21\t5\t800000002"]
extra += ["61\t%d\t5\t%d" % (i, 900000000 + i) for i in (1, 2, 3, 901)]
extra += ["%d\t901\t2\t%d" % (u, 900000100 + u) for u in (1, 4, 6)]
files["ml-100k/u.data"] = (data + "\n".join(extra) + "\n").encode()
with zipfile.ZipFile(F + "/fx.zip", "w") as z:
    for n, b in files.items():
        z.writestr(n, b)
files["ml-100k/u.data"] += b"62\t1\t5\t1\n"                   # fx1.zip: a user of one rating
with zipfile.ZipFile(F + "/fx1.zip", "w") as z:
    for n, b in files.items():
        z.writestr(n, b)
PY

# expected files: exp-SEED-INDEXING-H/...
/usr/bin/python3 - "$F" <<'PY'
import json, os, random, sys, zipfile, io
from itertools import combinations
import numpy as np
import pandas as pd
F = sys.argv[1]

PROMPT_TXT = """sequential; seen; Considering {dataset} user_{user_id} has interacted with {dataset} items {history} . What is the next recommendation for the user ?; {dataset} {target}
sequential; seen; Here is the purchase history of {dataset} user_{user_id} : {dataset} item {history} . I wonder what is the next recommended item for the user .; {dataset} {target}
sequential; seen; {dataset} user_{user_id} has purchased {dataset} items {history}, predict next possible item to be bought by the user ?; {dataset} {target}
sequential; seen; I find the purchase list of {dataset} user_{user_id} : {dataset} items {history} , I wonder what other itmes does the user need . Can you help me decide ?; {dataset} {target}
sequential; seen; According to what items {dataset} user_{user_id} has purchased : {dataset} items {history} , Can you recommend another item to the user ?; {dataset} {target}
sequential; seen; What would {dataset} user_{user_id} be likely to purchase next after buying {dataset} items {history} ?; {dataset} {target}
sequential; seen; By analyzing the {dataset} user_{user_id} 's purchase of {dataset} items {history} , what is the next item expected to be bought ?; {dataset} {target}
sequential; seen; Can you recommend the next item for {dataset} user_{user_id} , given the user 's purchase of {dataset} items {history} ?; {dataset} {target}
sequential; seen; After buying {dataset} items {history} , what is the next item that could be recommended for {dataset} user_{user_id} ?; {dataset} {target}
sequential; seen; The {dataset} user_{user_id} has bought items : {dataset} items {history} , What else do you think is necessary for the user ?; {dataset} {target}
sequential; unseen; What is the top recommended item for {dataset} user_{user_id} who interacted with {dataset} item {history} ?; {dataset} {target}
straightforward; seen; What should we recommend for {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; {dataset} user_{user_id} is looking for some items . Do you have any recommendations ?; {dataset} {target}
straightforward; seen; Do you have any suggested items for {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; Which recommendation should we provide to {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; How can we assist {dataset} user_{user_id} with a recommendation ?; {dataset} {target}
straightforward; seen; What would be a suitable recommendation for {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; What would be a helpful recommendation for {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; Can you recommend an item for {dataset} user_{user_id} ?; {dataset} {target}
straightforward; seen; Based on {dataset} user_{user_id} 's interests and requirements , what item would you suggest to try ?; {dataset} {target}
straightforward; seen; For {dataset} user_{user_id} , what item stands out as a top recommendation that they should consider ?; {dataset} {target}
straightforward; unseen; What is the top recommendation for {dataset} user {user_id} ?; {dataset} {target}"""

TASKS = ["sequential", "straightforward"]
templates = {}                                  # task -> seen/unseen -> "0".. -> Input/Output
for line in PROMPT_TXT.split("\n"):
    t = [x.strip() for x in line.split(";")]
    d = templates.setdefault(t[0], {}).setdefault(t[1], {})
    d[str(len(d))] = {"Input": t[2], "Output": t[3]}

def notebook():                                 # load_data: k-core loop, sort, sequences
    with zipfile.ZipFile(F + "/fx.zip") as z:
        raw = z.read("ml-100k/u.data").decode()
    df = pd.read_csv(io.StringIO(raw), names=["uid", "iid", "rating", "timestamp"], sep="\t")
    while True:
        uc, ic = df["uid"].value_counts(), df["iid"].value_counts()
        bad_u, bad_i = set(uc[uc < 5].index), set(ic[ic < 5].index)
        if not bad_u and not bad_i:
            break
        df = df[~df["uid"].isin(bad_u)].reset_index(drop=True)
        df = df[~df["iid"].isin(bad_i)].reset_index(drop=True)
    df = df.sort_values("timestamp", kind="stable")   # ours: ties in file order
    seq = {}
    for u, i in zip(df["uid"].tolist(), df["iid"].tolist()):
        seq.setdefault(str(u), []).append(str(i))
    return seq

def write_dict(path, d):                        # utils.WriteDictToFile
    with open(path, "w") as out:
        for k, v in d.items():
            out.write(k + " " + (" ".join(v) if isinstance(v, list) else str(v)) + "\n")

def spectral_labels(adj, k):
    # scipy csgraph.laplacian(normed=True): diagonal ignored, isolated rows stay zero
    m = adj.copy()
    np.fill_diagonal(m, 0)
    w = m.sum(axis=0)
    iso = w == 0
    w = np.where(iso, 1, np.sqrt(w))
    lap = -(m / w / w[:, None])
    lap[np.diag_indices_from(lap)] = 1 - iso
    vals, vecs = np.linalg.eigh(lap)                  # smallest k of L (sklearn: ARPACK)
    maps = vecs[:, :k] / w[:, None]
    # cluster_qr: pivots of QR with column pivoting of maps.T (greedy residual norms), polar factor
    r = maps.copy()
    piv = []
    norms = (r * r).sum(axis=1)
    for _ in range(k):
        b = int(np.argmax(norms))
        piv.append(b)
        q = r[b] / np.sqrt(norms[b])
        r = r - np.outer(r @ q, q)
        norms = (r * r).sum(axis=1)
        norms[piv] = -1
    ut, _, v = np.linalg.svd(maps[piv, :].T)
    return np.abs(maps @ (ut @ v)).argmax(axis=1).tolist()

def collaborative(seq, T, K):                  # generate_collaborative_id, last token sequential
    train = []
    for u in seq:
        for i in seq[u][:-2]:
            if i not in train:
                train.append(i)               # OpenP5: set order; ours: first appearance
    item2id = {it: n for n, it in enumerate(train)}
    adj = np.zeros((len(train), len(train)))
    for u in seq:
        for a, b in combinations(seq[u][:-2], 2):
            adj[item2id[a]][item2id[b]] += 1
            adj[item2id[b]][item2id[a]] += 1
    item_map = {}
    state = {"now": 0}
    def add_tokens(grouping):
        for g in grouping:
            state["now"] %= T
            for it, _ in grouping[g]:
                item_map.setdefault(it, "")
                item_map[it] += "<CI%d>" % state["now"]
            state["now"] += 1
    def group(labels, members):
        grouping = {}
        for i, l in enumerate(labels):
            grouping.setdefault(l, []).append(members[i])
        return grouping
    grouping = group(spectral_labels(adj, K), [(it, n) for n, it in enumerate(train)])
    add_tokens(grouping)
    queue = list(grouping.values())
    while queue:
        g = queue.pop(0)
        if len(g) <= T:
            for i, (it, _) in enumerate(g):
                item_map[it] += "<CI%d>" % i
        else:
            idx = [x[1] for x in g]
            sub = adj[np.ix_(idx, idx)].copy()
            np.fill_diagonal(sub, 0)
            grouping = group(spectral_labels(sub, K), g)
            add_tokens(grouping)
            queue.extend(grouping.values())
    rest = []
    for u in seq:
        for i in seq[u]:
            if i not in item2id and i not in rest:
                rest.append(i)
    for n, it in enumerate(rest):
        item_map[it] = "<CI%d>" % n
    return item_map

def make(seed, indexing, max_his, name="ML100K", T=100, K=10):
    d = "%s/exp-%d-%s-%d-%d-%d/%s" % (F, seed, indexing, max_his, T, K, name)
    os.makedirs(d)
    seq = notebook()
    write_dict(d + "/user_sequence.txt", seq)
    user_map = {u: str(k + 1) for k, u in enumerate(seq)}
    item_map = {}
    if indexing == "sequential":                # sequential_indexing, order 'original'
        for part in (lambda s: s[:-2], lambda s: s[-2:]):
            for u in seq:
                for i in part(seq[u]):
                    if i not in item_map:
                        item_map[i] = str(len(item_map) + 1001)
        suffix = "sequential_indexing_original"
    elif indexing == "random":                  # random_indexing; ours: listed, then seeded
        items = []
        for u in seq:
            for i in seq[u]:
                if i not in items:
                    items.append(i)
        random.seed(seed)
        random.shuffle(items)
        for i in items:
            item_map[i] = str(len(item_map) + 1001)
        suffix = "random_indexing"
    if indexing == "collaborative":
        item_map = collaborative(seq, T, K)
        suffix = "collaborative_indexing_%d_%d_sequential" % (T, K)
    write_dict(d + "/user_indexing.txt", user_map)
    write_dict(d + "/item_%s.txt" % suffix, item_map)
    reidx = {user_map[u]: [item_map[i] for i in seq[u]] for u in seq}
    write_dict(d + "/user_sequence_%s.txt" % suffix, reidx)

    args = {"data_path": "./data/", "item_indexing": indexing, "tasks": "sequential,straightforward",
            "dataset": name, "prompt_file": "./prompt.txt", "sequential_order": "original",
            "collaborative_token_size": T, "collaborative_cluster": K,
            "collaborative_last_token": "sequential", "collaborative_float32": 0, "max_his": max_his,
            "his_prefix": 1, "his_sep": " , ", "skip_empty_his": 1}
    def hist(h):
        if max_his > 0:
            h = h[-max_his:]
        return " , ".join("item_" + x for x in h)
    # generate_dataset.py
    samples = []
    for user in reidx:
        items = reidx[user][:-2]
        for i in range(len(items)):
            if i == 0:
                continue
            samples.append({"dataset": name, "user_id": user, "target": "item_" + items[i],
                            "history": hist(items[:i])})
    data = []
    for i, s in enumerate(samples):
        for task in TASKS:
            for pid in templates[task]["seen"]:
                p = templates[task]["seen"][pid]
                data.append({"task": name + " " + task, "data_id": i, "instruction": p["Input"],
                             "input": p["Input"].format(**s), "output": p["Output"].format(**s)})
    # the name train.py reads (generate_dataset.py leaves _T_K_LAST out of the collaborative one)
    kind = indexing if indexing != "collaborative" else "collaborative_%d_%d_sequential" % (T, K)
    with open(d + "/%s_sequential,straightforward_%s_train.json" % (name, kind), "w") as f:
        json.dump({"arguments": args, "data": data}, f)
    # generate_dataset_eval.py
    for mode, prompt in (("validation", "seen:0"), ("test", "seen:0"), ("test", "unseen:0")):
        back = 2 if mode == "validation" else 1
        samples = []
        for user in reidx:
            items = reidx[user]
            samples.append({"dataset": name, "user_id": user, "target": "item_" + items[-back],
                            "history": hist(items[:-back])})
        see, pid = prompt.split(":")
        data = []
        for s in samples:
            for task in TASKS:
                p = templates[task][see][pid]
                data.append({"task": name + " " + task, "instruction": p["Input"],
                             "input": p["Input"].format(**s), "output": p["Output"].format(**s)})
        a = dict(args, mode=mode, prompt=prompt)
        with open(d + "/%s_sequential,straightforward_%s_%s_%s.json" % (name, kind, mode, prompt), "w") as f:
            json.dump({"arguments": a, "data": data}, f)

make(2023, "random", 10)
make(7, "random", 3)
make(2023, "sequential", 10)
make(2023, "sequential", 10, name="Beauté")
make(2023, "collaborative", 10)
make(2023, "collaborative", 5, T=12, K=3)
PY

run() { # DIR SEED INDEXING HISTORY [more options]
    d=$1 s=$2 x=$3 h=$4
    shift 4
    "$L4R" convert movielens --variant ml-100k --raw "$F/fx.zip" -o "$d" --kcore 5 --format openp5 --seed "$s" \
        --openp5-indexing "$x" --history "$h" -q "$@" >/dev/null 2>&1
}
same() { # WHAT OUT EXP: every file of EXP, byte for byte
    for f in "$3"/*; do
        b=$(basename "$f")
        check_same "$1: $b as OpenP5 writes it" "$2/$b" "$f"
    done
}

check_exit 0 "--format openp5 (default indexing) converts" "$L4R" convert movielens --variant ml-100k \
    --raw "$F/fx.zip" -o "$T/def/ML100K" --kcore 5 --format openp5 --seed 2023 -q
same "default = random, seed 2023" "$T/def/ML100K" "$F/exp-2023-random-10-100-10/ML100K"
run "$T/r7/ML100K" 7 random 3 -j 2
same "random, seed 7, --history 3, -j 2" "$T/r7/ML100K" "$F/exp-7-random-3-100-10/ML100K"
run "$T/s1/ML100K" 2023 sequential 10 -j 1
same "sequential, -j 1" "$T/s1/ML100K" "$F/exp-2023-sequential-10-100-10/ML100K"
run "$T/s2/ML100K" 2023 sequential 10 -j 2
for f in "$T/s1/ML100K"/*; do
    b=$(basename "$f")
    [ "$b" = manifest.json ] || check_same "-j 1 = -j 2: $b" "$T/s2/ML100K/$b" "$f"
done
run "$T/u/Beauté" 2023 sequential 10
same "a dataset name beyond ASCII (json.dump's \\u escapes)" "$T/u/Beauté" "$F/exp-2023-sequential-10-100-10/Beauté"

# collaborative: the labels of our solver against numpy's dense eigh (the steps of scikit-learn's
# SpectralClustering, cluster_qr) on this fixture; one level (120 items, 10 clusters of <= 100)
# and a deep one (tokens 12, 3 clusters a level)
run "$T/c1/ML100K" 2023 collaborative 10 -j 2
same "collaborative (100 tokens, 10 clusters)" "$T/c1/ML100K" "$F/exp-2023-collaborative-10-100-10/ML100K"
run "$T/c2/ML100K" 2023 collaborative 5 --openp5-tokens 12 --openp5-clusters 3
same "collaborative (12 tokens, 3 clusters, --history 5)" "$T/c2/ML100K" "$F/exp-2023-collaborative-5-12-3/ML100K"
check_grep "collaborative: ids of three tokens and more" " <CI[0-9]*><CI[0-9]*><CI[0-9]*>" \
    "$T/c2/ML100K/item_collaborative_indexing_12_3_sequential.txt"
check_grep "manifest.json: every clustering converged" '"unconverged": 0' "$T/c2/ML100K/manifest.json"

# what the files hold, apart from the expected bytes
check "the JSON loads; train holds 20 prompts per sample, the eval files 2 per user" /usr/bin/python3 -c '
import json, sys
d = sys.argv[1] + "/ML100K_sequential,straightforward_sequential_"
tr = json.load(open(d + "train.json"))["data"]
assert len(tr) % 20 == 0 and len(tr) > 1000, len(tr)
assert sorted(set(x["task"] for x in tr)) == ["ML100K sequential", "ML100K straightforward"]
users = len(open(sys.argv[1] + "/user_sequence.txt").readlines())
for k in ("validation_seen:0", "test_seen:0", "test_unseen:0"):
    v = json.load(open(d + k + ".json"))["data"]
    assert len(v) == 2 * users and "data_id" not in v[0], k
' "$T/s1/ML100K"
check_grep "manifest.json records the indexing" '"indexing": "sequential"' "$T/s1/ML100K/manifest.json"
check_nogrep "user 61 (4 ratings) is not in user_sequence.txt" "^61 " "$T/def/ML100K/user_sequence.txt"
check_nogrep "item 901 (cascade of the k-core) is gone" " 901\$\| 901 " "$T/def/ML100K/user_sequence.txt"
check_grep "random indexing: ids from 1001" " 1001\$" "$T/def/ML100K/item_random_indexing.txt"

# bad values
check_exit 2 "--openp5-indexing takes random or sequential" "$L4R" convert movielens --variant ml-100k \
    --raw "$F/fx.zip" -o "$T/bad1" --format openp5 --openp5-indexing bogus -q
check_exit 2 "--openp5-tokens takes a number >= 2" "$L4R" convert movielens --variant ml-100k \
    --raw "$F/fx.zip" -o "$T/bad2" --format openp5 --openp5-tokens 1 -q
check_exit 2 "--openp5-clusters takes a number" "$L4R" convert movielens --variant ml-100k \
    --raw "$F/fx.zip" -o "$T/bad2" --format openp5 --openp5-clusters x -q
"$L4R" convert movielens --variant ml-100k --raw "$F/fx.zip" -o "$T/bad2" --format openp5 --kcore 5 \
    --openp5-indexing collaborative --openp5-tokens 4 --openp5-clusters 5 -q 2>"$T/tk.err"
check_eq "fewer tokens than clusters: a usage error" "$?" 2
check_grep "... naming both options" "openp5-tokens 4 is below --openp5-clusters 5" "$T/tk.err"
check_exit 2 "--history takes a number" "$L4R" convert movielens --variant ml-100k \
    --raw "$F/fx.zip" -o "$T/bad3" --format openp5 --history 0 -q
# a user of one interaction (no k-core): OpenP5's validation example cannot be made
"$L4R" convert movielens --variant ml-100k --raw "$F/fx1.zip" -o "$T/bad4" --format openp5 -q 2>"$T/one.err"
check_eq "a user of one interaction: a usage error" "$?" 2
check_grep "... naming the user and the fix" "user '62' has one interaction.*--user-core 2" "$T/one.err"
check_exit 0 "... and with --kcore 5 it converts" "$L4R" convert movielens --variant ml-100k --raw "$F/fx1.zip" \
    -o "$T/ok4" --format openp5 --kcore 5 -q

# the preset row: --preset openp5 writes what its options write; it records OpenP5's numbers
check_exit 0 "--preset openp5" "$L4R" convert movielens/ml-100k --raw "$F/fx.zip" --preset openp5 -o "$T/pp/ML100K" -q
check_exit 0 "the openp5 options by hand" "$L4R" convert movielens/ml-100k --raw "$F/fx.zip" --kcore 5 \
    --format openp5 --seed 2023 -o "$T/ph/ML100K" -q
for f in "$T/ph/ML100K"/*; do
    b=$(basename "$f")
    [ "$b" = manifest.json ] || check_same "openp5 preset = its options: $b" "$T/pp/ML100K/$b" "$f"
done
check_grep "the preset's manifest has OpenP5's ML-100K users" '"users": 943' "$T/pp/ML100K/manifest.json"
check_exit 2 "the preset does not cover Yelp" "$L4R" convert yelp --raw "$F/fx.zip" --preset openp5 -o "$T/py" -q
