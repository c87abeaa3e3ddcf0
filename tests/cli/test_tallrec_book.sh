# CLI tests: --format tallrec on Book-Crossing (--tallrec-style book, the default there) and the
# tallrec preset's book-crossing/all cover.  The expected files are written here in python from
# TALLRec's published preprocess_book.py logic: ratings of ISBNs that BX-Books.csv lacks dropped
# (its inner merge, here with pandas 1.x as TALLRec ran it: rows grouped by ISBN), users in order
# of first appearance in the merged frame, users with <= 3 ratings left out, the
# users shuffled (TALLRec: unseeded; here random.seed(S)) and cut 8:1:1, each user's parallel
# lists shuffled with random.seed(42) one after the other, the first min(n - 1, 10) as history and
# the last as target, rating > 5 = like (so the implicit 0s are dislikes), "TITLE" written by
# AUTHOR, the target in quotes as TALLRec's released data/book files write it; json.dump(indent=4).
# Titles are JSON literals of their own (docs/PRESETS.md).  The fixture's bytes are read with the
# book-crossing recipe's decoding (cp1252, backslash escapes), as test_book-crossing.sh checks it.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
check_exit 0 "generate the dump" "$GEN" book-crossing dump "$F" --lines 4000
Z="$F/BX-CSV-Dump.zip"

cat >"$T/expect.py" <<'PY'
import json, random, sys, zipfile
import pandas as pd

def parse(line):
    """One BX line: quoted values (a backslash takes the next character) or bare ones."""
    vals, i, n = [], 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            v = []
            while i < n and line[i] != '"':
                # '\"' right before ';"' or the end: a literal backslash, then the closing quote
                if line[i] == "\\" and i + 1 < n and line[i + 1] == '"' and (
                        i + 2 == n or (line[i + 2] == ";" and i + 3 < n and line[i + 3] == '"')):
                    v.append("\\")
                    i += 1
                    break
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                v.append(line[i])
                i += 1
            i += 1
            vals.append("".join(v))
        else:
            j = line.find(";", i)
            j = n if j < 0 else j
            vals.append(line[i:j])
            i = j
        if i >= n:
            return vals
        i += 1

def table(z, name):
    return [parse(l) for l in z.read(name).decode("cp1252").split("\r\n")[1:-1]]

def q(t):
    return json.dumps(t, ensure_ascii=False)

zpath, out, seed, W = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
z = zipfile.ZipFile(zpath)
# TALLRec's frames, from the parsed rows (the recipe's decoding, not read_csv's), and its merge
# with this pandas (1.x, as TALLRec's error_bad_lines needs: the inner merge lists its rows
# grouped by ISBN, in order of first appearance)
bk = [b for b in table(z, "BX-Books.csv") if b[1]]
books = pd.DataFrame({"ISBN": [b[0] for b in bk], "Book-Title": [b[1] for b in bk],
                      "Book-Author": [b[2] for b in bk]}).drop_duplicates("ISBN")
ratings = table(z, "BX-Book-Ratings.csv")
rating = pd.DataFrame({"User-ID": [r[0] for r in ratings], "ISBN": [r[1] for r in ratings],
                       "Book-Rating": [int(r[2]) for r in ratings]})
merged = pd.merge(rating, books, on="ISBN", how="inner")
user_dict = {}
for _, row in merged.iterrows():
    d = user_dict.setdefault(row["User-ID"], {"ISBN": [], "Book-Rating": [], "Book-Title": [], "Book-Author": []})
    d["ISBN"].append(row["ISBN"])
    d["Book-Rating"].append(float(row["Book-Rating"]))
    d["Book-Title"].append(row["Book-Title"])
    d["Book-Author"].append(row["Book-Author"])
user_list = [u for u in user_dict if len(user_dict[u]["ISBN"]) > 3]
random.seed(seed)
random.shuffle(user_list)
n = len(user_list)
parts = [user_list[:int(n * 0.8)], user_list[int(n * 0.8):int(n * 0.9)], user_list[int(n * 0.9):]]
for name, users in zip(["train", "valid", "test"], parts):
    rows = []
    for user in users:
        rating = [int(x > 5) for x in user_dict[user]["Book-Rating"]]
        title = list(user_dict[user]["Book-Title"])
        author = list(user_dict[user]["Book-Author"])
        random.seed(42)
        random.shuffle(rating)
        random.seed(42)
        random.shuffle(title)
        random.seed(42)
        random.shuffle(author)
        pref, unpref = [], []
        for i in range(min(len(rating) - 1, W)):
            (pref if rating[i] == 1 else unpref).append(q(title[i]) + " written by " + author[i])
        target = '"' + q(title[-1]) + " written by " + author[-1] + '"'
        rows.append({
            "instruction": "Given the user's preference and unpreference, identify whether the user will like the target book by answering \"Yes.\" or \"No.\".",
            "input": f"User Preference: {', '.join(pref)}\nUser Unpreference: {', '.join(unpref)}\nWhether the user will like the target book {target}?",
            "output": "Yes." if rating[-1] == 1 else "No.",
        })
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(rows, f, indent=4)
facts = {
    "dropped": len(merged) < len(ratings),
    "grouped": list(merged["User-ID"]) != [r[0] for r in ratings if r[1] in set(books["ISBN"])],
    "short_users": any(len(d["ISBN"]) <= 3 for d in user_dict.values()),
    "long_users": any(len(d["ISBN"]) > W + 1 for d in user_dict.values()),
    "zeros": any(0.0 in d["Book-Rating"] for d in user_dict.values()),
    "quote_title": any('"' in t for t in books["Book-Title"]),
}
print(" ".join(k for k, v in facts.items() if v))
PY

same_files() { # DESC DIR_A DIR_B
  for f in train.json valid.json test.json; do check_same "$1: $f" "$2/$f" "$3/$f"; done
}

e="$T/exp-42-10"
mkdir -p "$e"
check_exit 0 "expected files, seed 42, window 10" /usr/bin/python3 "$T/expect.py" "$Z" "$e" 42 10
facts=$(/usr/bin/python3 "$T/expect.py" "$Z" "$e" 42 10)
for f in dropped grouped short_users long_users zeros quote_title; do
  case " $facts " in *" $f "*) pass "fixture has $f" ;; *) fail "fixture has $f (facts: $facts)" ;; esac
done

o="$T/t-default"
check_exit 0 "tallrec on book-crossing/all" "$L4R" convert book-crossing/all --raw "$Z" -o "$o" --format tallrec -q
same_files "book style by default on book-crossing" "$e" "$o"
check "manifest: tallrec.style book, users = train + valid + test" python3 -c '
import json,sys
m=json.load(open(sys.argv[1]+"/manifest.json"))["tallrec"]
assert m["style"]=="book" and m["untitled_dropped"]>0, m
assert m["users"]==m["train"]+m["valid"]+m["test"] and m["train"]==int(m["users"]*0.8), m
' "$o"

o="$T/t-preset"
check_exit 0 "--preset tallrec on book-crossing/all" "$L4R" convert book-crossing/all --raw "$Z" -o "$o" --preset tallrec -q
same_files "--preset tallrec" "$e" "$o"

e2="$T/exp-7-3"; mkdir -p "$e2"
check_exit 0 "expected files, seed 7, window 3" /usr/bin/python3 "$T/expect.py" "$Z" "$e2" 7 3
o="$T/t-7-3"
check_exit 0 "tallrec --seed 7 --window 3" "$L4R" convert book-crossing/all --raw "$Z" -o "$o" --format tallrec --seed 7 --window 3 -j3 -q
same_files "--seed 7 --window 3 -j3" "$e2" "$o"
check_not "another seed, another user split" cmp -s "$e/train.json" "$e2/train.json"

o="$T/t-movie"
check_exit 0 "--tallrec-style movie on book-crossing" "$L4R" convert book-crossing/all --raw "$Z" -o "$o" --format tallrec --tallrec-style movie --require-title -q
check_grep "movie style: TALLRec's movie prompt" "target movie" "$o/train.json"
check_exit 2 "--tallrec-style takes auto, movie or book" "$L4R" convert book-crossing/all --raw "$Z" -o "$T/bad" --format tallrec --tallrec-style films -q
check_grep "the error names the values" "auto, movie or book" "$T/.err"
check_exit 2 "the preset does not cover book-crossing/explicit (it drops the 0s TALLRec keeps)" \
  "$L4R" convert book-crossing/explicit --raw "$Z" -o "$T/bad2" --preset tallrec -q
