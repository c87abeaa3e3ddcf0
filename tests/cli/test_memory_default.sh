#!/bin/sh
# tests/cli/test_memory_default.sh — the default --memory is a quarter of what the process may use:
# the physical memory, or its cgroup's limit when that is lower (cgroup v2 memory.max, v1
# memory.limit_in_bytes), so that a job in a Slurm or container cgroup spills instead of being
# killed.  The cgroup files are faked under L4R_CGROUP_ROOT (the code's test hook): a 40 MiB limit
# gives a 10 MiB budget, which a 1M-row file outgrows; the output is the same as without a limit.
. "$(dirname "$0")/../lib.sh"
"$GEN" ml25m-ratings --rows 1000000 -o "$T/ratings.csv" >/dev/null
run() { # run NAME [options]: convert --split seq into $T/NAME with the fake root $T/root-NAME
  n=$1; shift
  L4R_CGROUP_ROOT="$T/root-$n" "$L4R" convert movielens --variant ml-25m --raw "$T/ratings.csv" -o "$T/$n" \
    --split seq -q "$@" 2>/dev/null
}
key() { /usr/bin/python3 -c "
import json, sys
m = json.load(open(sys.argv[1] + '/manifest.json'))
v = m.get('spill', {}).get(sys.argv[2])
print('-' if v is None else v)" "$T/$1" "$2"; }
fake() { # fake NAME CGROUP-LINE FILE VALUE
  mkdir -p "$T/root-$1/proc/self" "$(dirname "$T/root-$1/$3")"
  printf '%s\n' "$2" >"$T/root-$1/proc/self/cgroup"
  printf '%s\n' "$4" >"$T/root-$1/$3"
}
same_outputs() { # same_outputs A B: train, valid and test are the same bytes
  for f in train valid test; do cmp -s "$T/$1/$f.tsv" "$T/$2/$f.tsv" || return 1; done
}

fake none "0::/" sys/fs/cgroup/memory.max max
run none
check_eq "no cgroup limit ('max'): the table fits, nothing spills" "$(key none runs)" -

fake v2 "0::/system.slice/job42" sys/fs/cgroup/system.slice/job42/memory.max 41943040
run v2
check_eq "cgroup v2 memory.max 40 MiB: budget 10 MiB" "$(key v2 memory_budget)" 10485760
r=$(key v2 runs)
check "cgroup v2: the run spilled ($r runs)" test "$r" -ge 2
check "cgroup v2: the same files as without a limit" same_outputs none v2

fake v1 "4:memory:/slurm/uid_0/job_7" sys/fs/cgroup/memory/slurm/uid_0/job_7/memory.limit_in_bytes 41943040
# the other v1 controllers' lines come first in the real file
printf '9:name=systemd:/\n5:devices:/\n4:memory:/slurm/uid_0/job_7\n1:cpu,cpuacct:/\n' >"$T/root-v1/proc/self/cgroup"
run v1
check_eq "cgroup v1 memory.limit_in_bytes 40 MiB: budget 10 MiB" "$(key v1 memory_budget)" 10485760
check "cgroup v1: the same files as without a limit" same_outputs none v1

fake v1max "4:memory:/" sys/fs/cgroup/memory/memory.limit_in_bytes 9223372036854771712
run v1max
check_eq "cgroup v1 'no limit' (a huge number): the physical memory counts, nothing spills" "$(key v1max runs)" -

fake given "0::/job" sys/fs/cgroup/job/memory.max 41943040
run given --memory 1G
check_eq "--memory given: the cgroup does not lower it" "$(key given runs)" -

fake explicit "0::/" sys/fs/cgroup/memory.max max
run explicit --memory 10M
check_eq "--memory 10M spills the same as the 40 MiB cgroup's default" "$(key explicit runs)" "$r"
check "--memory 10M: the same files" same_outputs none explicit
