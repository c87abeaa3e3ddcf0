# CLI tests: bad records (issue 13 item 10, --max-errors).  A NUL byte, a fifth field and a
# fractional Unix time are parse errors (exit 7) naming file, line and field; --max-errors N
# skips up to N of them with one warning each, the same for every -j and for a gzip input,
# counts them in manifest.json, and fails past N publishing nothing.
. "$(dirname "$0")/../lib.sh"

F="$T/fx"
mkdir -p "$F"
{
  printf 'userId,movieId,rating,timestamp\n'
  i=0
  while [ $i -lt 3000 ]; do
    case $i in
      100) printf '%d,%d,3.0,964982703.7\n' $i $i ;;
      1500) printf '%d,%d,3.0,964982703,5\n' $i $i ;;
      2900) printf '%d,%d\0003,3.0,964982703\n' $i $i ;;
      *) printf '%d,%d,%d.5,%d\n' $((i % 37)) $i $((i % 5)) $((964982703 + i)) ;;
    esac
    i=$((i + 1))
  done
} > "$F/ratings.csv"
gzip -c "$F/ratings.csv" > "$F/ratings.csv.gz"
conv() { "$L4R" convert movielens --variant ml-25m --raw "$@"; }

check_exit 7 "a fractional Unix time is a parse error" conv "$F/ratings.csv" -o "$T/o0" -q
check_grep "it names file, line and field" "ratings.csv' line 102: field 4 (timestamp) '964982703.7' has a fraction" "$T/.err"
check "nothing is published" test ! -e "$T/o0"

for j in 1 2 3 8; do
  for in in ratings.csv ratings.csv.gz; do
    check_exit 0 "--max-errors 3 -j $j $in" conv "$F/$in" -o "$T/o-$j-$in" -q -j "$j" --max-errors 3 --block-size 4096
    grep 'skipped a bad record' "$T/.err" | sed 's/ratings\.csv\.gz/ratings.csv/' > "$T/warn-$j-$in"
    check_eq "three warnings -j $j $in" "$(wc -l < "$T/warn-$j-$in" | tr -d ' ')" 3
    [ -f "$T/warn-1-ratings.csv" ] && check_same "same warnings -j $j $in" "$T/warn-$j-$in" "$T/warn-1-ratings.csv"
    [ -f "$T/o-1-ratings.csv/interactions.tsv" ] &&
      check_same "same output -j $j $in" "$T/o-$j-$in/interactions.tsv" "$T/o-1-ratings.csv/interactions.tsv"
  done
done
W="$T/warn-1-ratings.csv"
check_eq "warnings in input order" "$(sed 's/.* line \([0-9]*\):.*/\1/' "$W" | tr '\n' ' ')" "102 1502 2902 "
check_grep "the extra field is named" "line 1502: expected 4 fields separated by ',', found 5; field 5 '5' is one too many" "$W"
check_grep "the NUL byte is named" "line 2902: the item id, field 2 (movieId), holds a NUL byte" "$W"
M="$T/o-1-ratings.csv/manifest.json"
check_grep "manifest counts the skipped records" '"records_skipped": 3' "$M"
check_grep "manifest lists the first reasons" "line 102: field 4 (timestamp) '964982703.7' has a fraction" "$M"
check_grep "manifest counts the records taken" '"records": 2997' "$M"
check_eq "rows written" "$(wc -l < "$T/o-1-ratings.csv/interactions.tsv" | tr -d ' ')" 2998

for j in 1 3; do
  check_exit 7 "--max-errors 2 -j $j fails on the third" conv "$F/ratings.csv" -o "$T/o2" -q -j "$j" --max-errors 2
  check_grep "the failure is the third record's" "line 2902: the item id, field 2 (movieId), holds a NUL byte (a damaged or binary file?) (bad record 3; --max-errors is 2)" "$T/.err"
  check_eq "after two warnings -j $j" "$(grep -c 'skipped a bad record' "$T/.err")" 2
  check "nothing is published -j $j" test ! -e "$T/o2"
done

check_exit 0 "--max-errors with a split" conv "$F/ratings.csv" -o "$T/seq" -q --max-errors 3 --split seq
check_grep "split: manifest counts them" '"records_skipped": 3' "$T/seq/manifest.json"
check_exit 2 "--max-errors -1 is a usage error" conv "$F/ratings.csv" -o "$T/u" --max-errors -1
check_exit 2 "--max-errors x is a usage error" conv "$F/ratings.csv" -o "$T/u" --max-errors x
check_exit 0 "convert --help" "$L4R" convert --help
check_grep "--help names --max-errors" "max-errors N" "$T/.out"
