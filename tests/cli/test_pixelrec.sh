# CLI tests: the pixelrec recipe on l4r-gen's copies of the Google Drive folders.  Pixel200K,
# Pixel1M, Pixel8M and PixelRec: pixelrec_interaction/<NAME>.csv (header "item_id,user_id,timestamp",
# item first, Unix seconds, rows not in time order) and pixelrec_iteminfo/<NAME>.csv (the same file
# name: the user renames it <NAME>_iteminfo.csv); PixelRec50K: interaction.csv and item_info.csv.
# Item text: quoted CSV with commas, "" quotes, line breaks in descriptions, Chinese (English in
# 50K), empty titles and rows without counters.  Every expected output is computed by python from
# the fixture; -j 1 = -j 3; the seq split on time; every documented time form; the manual fetch
# (exit 9 naming the Drive folders and the files, --from, the same-name trap) and convert of the
# fetched copy = --raw; info shows the license, the terms and the steps.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
for v in 200k 1m 8m full 50k; do
  check_exit 0 "generate $v" "$GEN" pixelrec "$v" "$F/$v"
done
check_exit 0 "generate 200k again" "$GEN" pixelrec 200k "$F/again"
check_same "generator: same arguments, same bytes (interactions)" "$F/200k/pixelrec_interaction/Pixel200K.csv" \
  "$F/again/pixelrec_interaction/Pixel200K.csv"
check_same "generator: same arguments, same bytes (item info)" "$F/200k/pixelrec_iteminfo/Pixel200K.csv" \
  "$F/again/pixelrec_iteminfo/Pixel200K.csv"
check_exit 0 "generate 1m with --lines 20000 --users 900 --items 3000" "$GEN" pixelrec 1m "$F/big" \
  --lines 20000 --users 900 --items 3000
check_eq "generator: --lines is exact" "$(($(wc -l <"$F/big/pixelrec_interaction/Pixel1M.csv") - 1))" 20000
check_eq "generator: --items is exact" "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))))-1)' "$F/big/pixelrec_iteminfo/Pixel1M.csv")" 3000

up() { case $1 in 200k) echo Pixel200K ;; 1m) echo Pixel1M ;; 8m) echo Pixel8M ;; full) echo PixelRec ;; esac; }
# D/$v: the two files of a variant under the names the recipe gives them (the manual's step 2)
for v in 200k 1m 8m full; do
  U=$(up $v)
  mkdir -p "$T/d/$v"
  cp "$F/$v/pixelrec_interaction/$U.csv" "$T/d/$v/$U.csv"
  cp "$F/$v/pixelrec_iteminfo/$U.csv" "$T/d/$v/${U}_iteminfo.csv"
done
mkdir -p "$T/d/50k"
cp "$F/50k/interaction.csv" "$F/50k/item_info.csv" "$T/d/50k/"
inter() { case $1 in 50k) echo "$T/d/50k/interaction.csv" ;; *) echo "$T/d/$1/$(up $1).csv" ;; esac; }
items() { case $1 in 50k) echo "$T/d/50k/item_info.csv" ;; *) echo "$T/d/$1/$(up $1)_iteminfo.csv" ;; esac; }

for v in 200k 1m 8m full 50k; do
  for j in 1 3; do
    check_exit 0 "$v -j $j (--raw DIR)" "$L4R" convert pixelrec --variant "$v" --raw "$T/d/$v" \
      -o "$T/$v-$j" -q -j "$j" --block-size 4096
  done
  check_same "$v: -j 1 and -j 3 write the same interactions" "$T/$v-1/interactions.tsv" "$T/$v-3/interactions.tsv"
  check_same "$v: -j 1 and -j 3 write the same items" "$T/$v-1/items.tsv" "$T/$v-3/items.tsv"
  python3 - "$(inter $v)" "$(items $v)" "$T/$v" <<'PY'
import csv, sys
from l4r_expect import line
inter, items, out = sys.argv[1:]
rows = list(csv.reader(open(inter, encoding="utf-8", newline="")))
assert rows[0] == ["item_id", "user_id", "timestamp"], rows[0]
with open(out + ".inter", "w", encoding="utf-8") as f:
    f.write("user_id\titem_id\trating\ttimestamp\n")
    f.write("".join(line([u, i, "1", int(t)]) for i, u, t in rows[1:]))
it = list(csv.reader(open(items, encoding="utf-8", newline="")))
h = it[0]
want = ["item_id", "title", "tag", "description", "view_number", "comment_number", "thumbup_number",
        "share_number", "coin_number", "favorite_number", "barrage_number"]
clean = lambda s: s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
with open(out + ".items", "w", encoding="utf-8") as f:
    f.write(line(want))
    for r in it[1:]:
        d = dict(zip(h, r))
        f.write(line(clean(d[k]) for k in want))
# leave-one-out on time: per user the latest is test, the one before valid
by = {}
for i, u, t in rows[1:]:
    by.setdefault(u, []).append((int(t), i))
test, valid = [], []
for u, l in by.items():
    l.sort()
    assert len(l) >= 3 and len({t for t, _ in l}) == len(l)
    test.append(line([u, l[-1][1], "1", l[-1][0]]))
    valid.append(line([u, l[-2][1], "1", l[-2][0]]))
open(out + ".test", "w").write("".join(sorted(test)))
open(out + ".valid", "w").write("".join(sorted(valid)))
d = [dict(zip(h, r)) for r in it[1:]]
unsorted = sum(1 for a, b in zip(rows[1:], rows[2:]) if int(a[2]) > int(b[2]))
facts = [unsorted,
         sum(1 for x in d if "," in x["title"]),
         sum(1 for x in d if '"' in x["title"] or '"' in x["description"]),
         sum(1 for x in d if "\n" in x["description"]),
         sum(1 for x in d if x["title"] == ""),
         sum(1 for x in d if x["view_number"] == "" and x["tag"] == ""),
         sum(1 for x in d if any("\u4e00" <= c <= "\u9fff" for c in x["title"]))]
open(out + ".facts", "w").write(" ".join(map(str, facts)) + "\n")
PY
  read unsorted comma quote nl notitle bare zh <"$T/$v.facts"
  check "$v fixture: rows not in time order" test "$unsorted" -gt 100
  check "$v fixture: titles with a comma (quoted)" test "$comma" -gt 5
  check "$v fixture: text with \"\" quotes" test "$quote" -gt 5
  check "$v fixture: descriptions with a line break" test "$nl" -gt 0
  check "$v fixture: empty titles" test "$notitle" -gt 0
  check "$v fixture: rows without counters, tag or description" test "$bare" -gt 0
  if [ "$v" = 50k ]; then
    check_eq "$v fixture: English text" "$zh" 0
  else
    check "$v fixture: Chinese text" test "$zh" -gt 100
  fi
  check_same "$v: user, item (item comes first upstream), 1, Unix seconds, source order" \
    "$T/$v-1/interactions.tsv" "$T/$v.inter"
  check_same "$v: items.tsv: title, tag, description, the counters as written; line breaks as spaces" \
    "$T/$v-1/items.tsv" "$T/$v.items"
done

# convert --raw on the interaction file alone: the same interactions, no items (a warning)
mkdir -p "$T/alone"
cp "$(inter 200k)" "$T/alone/"
check_exit 0 "200k --raw FILE (the interaction CSV alone)" "$L4R" convert pixelrec --raw "$T/alone/Pixel200K.csv" -o "$T/file" -q
check_same "200k --raw FILE = --raw DIR" "$T/file/interactions.tsv" "$T/200k.inter"
check "200k --raw FILE: no items.tsv" test ! -e "$T/file/items.tsv"
check_exit 0 "200k --raw FILE beside the renamed item file" "$L4R" convert pixelrec --raw "$(inter 200k)" -o "$T/file2" -q
check_same "200k --raw FILE: the item file beside it is read" "$T/file2/items.tsv" "$T/200k.items"

# the seq split on time (the rows are not in time order)
check_exit 0 "50k --split seq" "$L4R" convert pixelrec --variant 50k --raw "$T/d/50k" -o "$T/s" -q --split seq
for k in test valid; do
  sed 1d "$T/s/$k.tsv" | LC_ALL=C sort >"$T/s.$k"
  LC_ALL=C sort "$T/50k.$k" >"$T/w.$k"
  check_same "seq $k: each user's latest (test) and second latest (valid) by time" "$T/s.$k" "$T/w.$k"
done
check_exit 0 "stats reads the split" "$L4R" stats "$T/s"

# every documented form of the timestamp (an integer; unix_s also takes 1605059546.0 and 1.6e9)
python3 - "$(inter 1m)" "$T/forms.csv" <<'PY'
import sys
src, dst = sys.argv[1:]
lines = open(src, encoding="utf-8").read().split("\n")
out = [lines[0]]
for n, l in enumerate(lines[1:-1]):
    i, u, t = l.split(",")
    if n % 3 == 1:
        t += ".0"                       # pandas after a float round trip
    elif n % 3 == 2:
        t = t[0] + "." + t[1:] + "e9"   # scientific, every digit kept
    out.append(",".join((i, u, t)))
open(dst, "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
check_exit 0 "1m: timestamps written 1605059546.0 and 1.605059546e9" "$L4R" convert pixelrec --variant 1m \
  --raw "$T/forms.csv" -o "$T/forms" -q
check_same "1m: every time form gives the same seconds" "$T/forms/interactions.tsv" "$T/1m.inter"

# traps: a header with other names; the item file in the interactions' place
{ echo "item,user,time"; sed 1d "$(inter 8m)"; } >"$T/hdr.csv"
check_exit 7 "a header without item_id,user_id,timestamp: exit 7" "$L4R" convert pixelrec --variant 8m --raw "$T/hdr.csv" -o "$T/hdr" -q
check_grep "the message names the missing column" "user_id" "$T/.err"
check_exit 7 "the item file (same name upstream) given as the interactions: exit 7" "$L4R" convert pixelrec \
  --variant 8m --raw "$F/8m/pixelrec_iteminfo/Pixel8M.csv" -o "$T/mix" -q
check_grep "the message names the missing column" "user_id" "$T/.err"

# list and info
check_exit 0 "list" "$L4R" list
for v in 50k 200k 1m 8m full; do
  check_grep "list: pixelrec $v" "$(printf 'pixelrec\t%s\t' "$v")" "$T/.out"
done
check_grep "list: 200k is the default" "$(printf 'pixelrec\t200k\t\052')" "$T/.out"
check_exit 0 "info" "$L4R" info pixelrec
check_grep "info: the license" "non-commercial research" "$T/.out"
check_grep "info: the terms" "terms:       https://github.com/westlake-repl/PixelRec/blob/main/LICENSE" "$T/.out"
check_grep "info: the manual steps" "manual download (gated)" "$T/.out"
check_grep "info: the Drive folder is the url" "url:     https://drive.google.com/drive/folders/1rXBM-zi5sSdLHNshXWtGgVReWLuYNgDB" "$T/.out"
check_grep "info: the citation" "cheng2024image" "$T/.out"

# the manual fetch: exit 9 with the steps; --from both files; convert the fetched copy
check_exit 9 "fetch 200k without --from: exit 9 (manual)" "$L4R" fetch pixelrec -q
check_grep "exit 9 names the Interaction folder" "https://drive.google.com/drive/folders/1vR1lgQUZCy1cuhzPkM2q7AsdYRP43feQ" "$T/.err"
check_grep "exit 9 names the Item Information folder" "https://drive.google.com/drive/folders/1rXBM-zi5sSdLHNshXWtGgVReWLuYNgDB" "$T/.err"
check_grep "exit 9 names the files" "missing 'Pixel200K.csv', 'Pixel200K_iteminfo.csv'" "$T/.err"
check_grep "exit 9 says no rename is needed" "keep both as they are, in two folders, or save the second as Pixel200K_iteminfo.csv" "$T/.err"
check_grep "exit 9 gives the next command" "fetch pixelrec --variant 200k --from Interaction/Pixel200K.csv --from 'Item Information'/Pixel200K.csv" "$T/.err"
check_grep "exit 9 mentions --from the folders" "fetch tells the two apart by their header lines; or --from the two folders" "$T/.err"
check_not "nothing fetched" test -e "$LLM4REC_DATA_HOME/pixelrec/200k/Pixel200K.csv"
check_exit 9 "convert 200k without --raw: exit 9 too" "$L4R" convert pixelrec -o "$T/nf" -q
check_exit 2 "the interaction file twice: exit 2 (both stand for one file)" "$L4R" fetch pixelrec \
  --from "$F/200k/pixelrec_interaction/Pixel200K.csv" --from "$(inter 200k)" -q
check_grep "the message says which" "both stand for 'Pixel200K.csv'" "$T/.err"
check_exit 9 "the item file alone under the shared name: taken as the item file (its header), interactions missing" \
  "$L4R" fetch pixelrec --from "$F/200k/pixelrec_iteminfo/Pixel200K.csv" -q
check_grep "exit 9 names the missing interaction file only" "(missing 'Pixel200K.csv')" "$T/.err"
check_exit 9 "only the interaction file: still exit 9 (item file missing)" "$L4R" fetch pixelrec \
  --from "$(inter 200k)" -q
check_grep "exit 9 names the missing item file" "missing 'Pixel200K_iteminfo.csv'" "$T/.err"
check_exit 0 "fetch 200k --from both files (no --accept-license needed)" "$L4R" fetch pixelrec \
  --from "$(inter 200k)" --from "$(items 200k)" -q
check_exit 0 "convert the fetched 200k" "$L4R" convert pixelrec -o "$T/f" -q
check_same "fetched interactions = --raw" "$T/f/interactions.tsv" "$T/200k-1/interactions.tsv"
check_same "fetched items = --raw" "$T/f/items.tsv" "$T/200k-1/items.tsv"
# the two Drive files as they are, both named Pixel200K.csv, in either order: told apart by their
# header lines (python: the interactions' header names user_id, the items' title)
python3 - "$F/200k/pixelrec_iteminfo/Pixel200K.csv" "$F/200k/pixelrec_interaction/Pixel200K.csv" >"$T/heads" <<'PY'
import csv, sys
for p in sys.argv[1:]:
    h = next(csv.reader(open(p, encoding="utf-8", newline="")))
    print("items" if {"item_id", "title"} <= set(h) and "user_id" not in h else
          "interactions" if {"item_id", "user_id", "timestamp"} <= set(h) else "neither")
PY
check_eq "python: the first is the item file, the second the interaction file" "$(tr '\n' ' ' <"$T/heads")" "items interactions "
H2="$T/home-same"
check_exit 0 "fetch 200k --from the two same-named files (item file first), not renamed" env LLM4REC_DATA_HOME="$H2" "$L4R" fetch pixelrec \
  --from "$F/200k/pixelrec_iteminfo/Pixel200K.csv" --from "$F/200k/pixelrec_interaction/Pixel200K.csv" -q
check_same "the item file landed as Pixel200K_iteminfo.csv" "$H2/pixelrec/200k/Pixel200K_iteminfo.csv" "$F/200k/pixelrec_iteminfo/Pixel200K.csv"
check_same "the interaction file as Pixel200K.csv" "$H2/pixelrec/200k/Pixel200K.csv" "$F/200k/pixelrec_interaction/Pixel200K.csv"
check_exit 0 "convert the 200k fetched from the same-named files" env LLM4REC_DATA_HOME="$H2" "$L4R" convert pixelrec -o "$T/fsame" -q
check_same "same-named: fetched interactions = --raw" "$T/fsame/interactions.tsv" "$T/200k-1/interactions.tsv"
check_same "same-named: fetched items = --raw" "$T/fsame/items.tsv" "$T/200k-1/items.tsv"
# renamed by a browser: told by the header line alone
mkdir -p "$T/ren"
cp "$F/200k/pixelrec_interaction/Pixel200K.csv" "$T/ren/Pixel200K (1).csv"
cp "$F/200k/pixelrec_iteminfo/Pixel200K.csv" "$T/ren/Pixel200K (2).csv"
H3="$T/home-ren"
check_exit 0 "fetch 200k --from two renamed files" env LLM4REC_DATA_HOME="$H3" "$L4R" fetch pixelrec \
  --from "$T/ren/Pixel200K (2).csv" --from "$T/ren/Pixel200K (1).csv" -q
check_same "renamed: the item file found by its header" "$H3/pixelrec/200k/Pixel200K_iteminfo.csv" "$F/200k/pixelrec_iteminfo/Pixel200K.csv"
check_same "renamed: the interaction file found by its header" "$H3/pixelrec/200k/Pixel200K.csv" "$F/200k/pixelrec_interaction/Pixel200K.csv"
printf 'a,b\n1,2\n' >"$T/ren/other.csv"
check_exit 2 "a renamed file with neither header: exit 2" env LLM4REC_DATA_HOME="$H3" "$L4R" fetch pixelrec --variant 8m \
  --from "$T/ren/other.csv" -q
check_grep "... naming what it was compared by" "matches no file of pixelrec/8m by name or content" "$T/.err"
check_exit 0 "fetch 50k --from both files" "$L4R" fetch pixelrec --variant 50k \
  --from "$(inter 50k)" --from "$(items 50k)" -q
check_exit 0 "convert the fetched 50k" "$L4R" convert pixelrec --variant 50k -o "$T/f50" -q
check_same "50k: fetched = --raw" "$T/f50/interactions.tsv" "$T/50k-1/interactions.tsv"
check_same "50k: fetched items = --raw" "$T/f50/items.tsv" "$T/50k-1/items.tsv"
check_exit 0 "fetch 50k again: already fetched" "$L4R" fetch pixelrec --variant 50k -q
# --from DIR: the folder holding both (renamed) files; the two Drive folders as they are are refused
check_exit 0 "--from the two Drive folders as they are (items first)" env LLM4REC_DATA_HOME="$H2" "$L4R" fetch pixelrec --variant 1m \
  --from "$F/1m/pixelrec_iteminfo" --from "$F/1m/pixelrec_interaction" -q
check_exit 0 "convert the 1m fetched from the two folders" env LLM4REC_DATA_HOME="$H2" "$L4R" convert pixelrec --variant 1m -o "$T/f1mf" -q
check_same "1m: fetched from the two Drive folders = --raw" "$T/f1mf/interactions.tsv" "$T/1m.inter"
check_same "1m: fetched items from the two Drive folders = --raw" "$T/f1mf/items.tsv" "$T/1m.items"
check_exit 0 "fetch 1m --from DIR (both files, renamed)" "$L4R" fetch pixelrec --variant 1m --from "$T/d/1m" -q
check_exit 0 "convert the fetched 1m" "$L4R" convert pixelrec --variant 1m -o "$T/f1m" -q
check_same "1m: fetched from a directory = --raw" "$T/f1m/interactions.tsv" "$T/1m.inter"
check_same "1m: fetched items = --raw" "$T/f1m/items.tsv" "$T/1m.items"
