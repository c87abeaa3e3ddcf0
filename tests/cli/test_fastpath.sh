# CLI tests: the four-column fast path (convert.c quad_line) gives exactly the bytes of the general
# path, on the records it takes and on those it hands back (long, quoted, CRLF, non-ASCII, empty
# fields, non-canonical timestamps), streaming and table modes, TAB and comma
# separators, any -j and block size; and errors are the same.  L4R_NO_FASTPATH=1 is the reference.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"

# Records the fast path must take, and the ones it must hand back, mixed; line lengths around the
# 32- and 64-byte windows.
tricky() {
  printf '1,296,5.0,1147880044\n'
  printf '1,306,3.5,0\n'                                       # timestamp 0 is canonical
  printf '2,7,4,0123\n'                                        # leading zero: reformatted to 123
  printf '2,8,,1147880044\n'                                   # empty rating is kept
  printf '3,9,"1.0",1147880044\n'                            # quoted rating (a fifth column is an error)
  printf '3,"10",2.0,1147880045\n'                             # quoted field
  printf '3,"a,""b""",2.0,1147880046\n'                        # quote, doubled quotes, comma
  printf '4,11,3.0,1147880047\r\n'                             # CRLF
  printf 'caf\303\251,12,3.0,1147880048\n'                     # UTF-8 user
  printf '5,13,3.0,-5\n'                                       # negative time
  printf '6,14,3.0,99999999999999999\n'                        # 17 digits
  printf '6,15,3.0,999999999999999999\n'                       # 18 digits
  printf 'u%058d,1,1,1\n' 7                                    # 63 bytes before the newline
  printf 'u%059d,1,1,1\n' 7                                    # 64
  printf 'u%090d,1,1,1\n' 7                                    # long
  printf '7,16,2.5,1147880049\n\n'                             # a blank line follows
  printf '8,17,2.5,1147880050\n'
}
{
  printf 'userId,movieId,rating,timestamp\n'
  i=0
  while [ $i -lt 40 ]; do tricky; i=$((i + 1)); done
  # plenty of common records, ids of varied width
  awk 'BEGIN { for (i = 0; i < 30000; i++) printf "%d,%d,%d.%d,%d\n", (i * 7919) % 100003, (i * 104729) % 9973, i % 5, (i % 2) * 5, 800000000 + (i * 48271) % 700000000 }'
  printf '9,18,4.0,1147880051'                                 # no final newline
} > "$F/ratings.csv"

# same_both_paths DESC ARGS...: convert with the fast path and without (L4R_NO_FASTPATH=1); every
# output must be the same, and there must be outputs.
same_both_paths() {
  d=$1
  shift
  L4R_NO_FASTPATH=1 "$L4R" "$@" -o "$T/ref" >/dev/null 2>&1
  "$L4R" "$@" -o "$T/fast" >/dev/null 2>&1
  n=0
  for f in interactions train valid test; do
    [ -f "$T/ref/$f.tsv" ] || continue
    n=$((n + 1))
    check_same "$d: $f.tsv, fast = general" "$T/fast/$f.tsv" "$T/ref/$f.tsv"
  done
  [ $n -gt 0 ] || fail "$d: the general path wrote no output"
  rm -rf "$T/ref" "$T/fast"
}

for mode in stream seq; do
  for j in 1 2 3; do
    for bs in 0 100 4096; do
      set -- convert movielens --variant ml-25m --raw "$F/ratings.csv" -j $j -q
      [ "$bs" != 0 ] && set -- "$@" --block-size $bs
      [ "$mode" = seq ] && set -- "$@" --split seq
      same_both_paths "csv $mode -j $j block $bs" "$@"
    done
  done
done

# Hand-checked: what the mixed records become.
"$L4R" convert movielens --variant ml-25m --raw "$F/ratings.csv" -o "$T/o" -q >/dev/null 2>&1
head -n 18 "$T/o/interactions.tsv" > "$T/head.tsv"
{
  printf 'user_id\titem_id\trating\ttimestamp\n'
  printf '1\t296\t5.0\t1147880044\n1\t306\t3.5\t0\n2\t7\t4\t123\n2\t8\t\t1147880044\n3\t9\t1.0\t1147880044\n'
  # the item a,"b" holds a quote: written RFC 4180-quoted (docs/FORMAT.md)
  printf '3\t10\t2.0\t1147880045\n3\t"a,""b"""\t2.0\t1147880046\n4\t11\t3.0\t1147880047\ncaf\303\251\t12\t3.0\t1147880048\n'
  printf '5\t13\t3.0\t-5\n6\t14\t3.0\t99999999999999999\n6\t15\t3.0\t999999999999999999\n'
  printf 'u%058d\t1\t1\t1\nu%059d\t1\t1\t1\nu%090d\t1\t1\t1\n' 7 7 7
  printf '7\t16\t2.5\t1147880049\n8\t17\t2.5\t1147880050\n'
} > "$F/head.exp"
# (regression: a non-ASCII field with a canonical timestamp used to write timestamp 0)
check_same "mixed records, hand-checked" "$T/head.tsv" "$F/head.exp"
check_eq "every record counted" "$(($(wc -l < "$T/o/interactions.tsv") - 1))" "$((40 * 17 + 30000 + 1))"

# TAB-separated u.data (ml-100k): the separator is TAB, not printable; the odd records at the end
# (leading zero, CRLF, a comma in an id) are valid, so both paths write outputs
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%d\t%d\t%d\t%d\n", 1 + (i * 31) % 943, 1 + (i * 17) % 1682, 1 + i % 5, 874724710 + i }' > "$F/u.data"
printf '1\t2\t3\t04\n1\t2\t3\t5\r\n1\t2,x\t3\t5\n' >> "$F/u.data"
for mode in stream seq; do
  set -- convert movielens --variant ml-100k --raw "$F/u.data" -q -j 2 --block-size 1000
  [ "$mode" = seq ] && set -- "$@" --split seq
  same_both_paths "u.data $mode" "$@"
done

# Errors are the general path's, with the same line number.
err_same() {
  d=$1
  shift
  printf 'userId,movieId,rating,timestamp\n' > "$F/e.csv"
  awk 'BEGIN { for (i = 0; i < 100; i++) printf "%d,%d,4.0,%d\n", i, i, 1000000 + i }' >> "$F/e.csv"
  printf "$@" >> "$F/e.csv"
  awk 'BEGIN { for (i = 0; i < 100; i++) printf "%d,%d,4.0,%d\n", i, i, 1000000 + i }' >> "$F/e.csv"
  L4R_NO_FASTPATH=1 "$L4R" convert movielens --variant ml-25m --raw "$F/e.csv" -o "$T/e1" -q >/dev/null 2>"$T/e1.err"
  r1=$?
  "$L4R" convert movielens --variant ml-25m --raw "$F/e.csv" -o "$T/e2" -q >/dev/null 2>"$T/e2.err"
  r2=$?
  check_eq "$d: same exit" "$r2" "$r1"
  check_same "$d: same message" "$T/e2.err" "$T/e1.err"
  check_grep "$d: names line 102" "line 102" "$T/e2.err"
}
err_same "empty user" ',5,4.0,1000\n'
err_same "empty item" '5,,4.0,1000\n'
err_same "three fields" '5,6,4.0\n'
err_same "bad timestamp" '5,6,4.0,12x4\n'
err_same "19-digit timestamp" '5,6,4.0,9999999999999999999\n'
err_same "empty timestamp" '5,6,4.0,\n'

# Interning: integer ids below 2^24 go through a dense array, others through the hash; "7", "07"
# and "007" stay three users, 2^24 - 1 and 2^24 two items, numbered by first appearance.
printf 'userId,movieId,rating,timestamp\n7,1,1,100\n07,1,1,101\n007,1,1,102\n7,0,1,103\n7,16777216,1,104\n7,16777215,1,105\n7,0,1,106\n07,16777215,1,107\n' > "$F/ids.csv"
check_exit 0 "ids: converts" "$L4R" convert movielens --variant ml-25m --raw "$F/ids.csv" -o "$T/ids" --split seq --remap -q
printf 'original_id\tnew_id\n7\t1\n07\t2\n007\t3\n' > "$F/umap.exp"
printf 'original_id\tnew_id\n1\t1\n0\t2\n16777216\t3\n16777215\t4\n' > "$F/imap.exp"
check_same "ids: leading zeros are other users" "$T/ids/user_map.tsv" "$F/umap.exp"
check_same "ids: 0, 2^24 - 1 and 2^24 are distinct items" "$T/ids/item_map.tsv" "$F/imap.exp"
