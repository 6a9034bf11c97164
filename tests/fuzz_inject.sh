#!/usr/bin/env bash
# Coverage-guided fuzzing injects faults at fallible calls: a kmap() leaked
# on the -EFAULT path of copy_from_user() (tests/subjects/smp_bugs.c,
# efault_leak) is found by libFuzzer within a short -runs= bound, its crash
# file replays to the same report, and the fixed twin (smp_legal.c,
# efault_fixed) stays clean under the same bound. Before the byte source
# could inject faults, copy_from_user() never failed under --fuzz and the
# leak was never seen.
#   fuzz_inject.sh BUGGY_BIN FIXED_BIN WORKDIR
set -uo pipefail
. "$(dirname "$0")/crash_replay.sh"
buggy=$1
fixed=$2
work=$3
runs=20000
rm -rf "$work"
mkdir -p "$work/crashes" "$work/art-buggy" "$work/art-fixed"
fail=0

out=$("$buggy" --subject efault_leak --crash-dir "$work/crashes" --fuzz -seed=1 -runs=$runs -max_len=256 \
      -artifact_prefix="$work/art-buggy/" 2>&1)
first=$(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')
case $first in
  "BUG: kmapsim: kmap-leak: "*) ;;
  *) echo "FAIL: efault_leak under --fuzz -runs=$runs: no kmap-leak report (got '${first:-nothing}')"; fail=1 ;;
esac
shopt -s nullglob
one_crash_replays "$buggy" "$work/crashes" "$first" || fail=1
# libFuzzer's own artifact (the raw input) replays too: its fault section
# is part of the bytes.
arts=("$work"/art-buggy/crash-*)
if [ ${#arts[@]} -ge 1 ]; then
  raw=$("$buggy" --subject efault_leak --crash-dir "$work/crashes2" --replay-bytes "${arts[0]}" 2>&1)
  rc=$?
  again=$(printf '%s\n' "$raw" | grep -m1 '^BUG: kmapsim:')
  if [ $rc -ne 1 ] || [ "$again" != "$first" ]; then
    echo "FAIL: the raw input replays to '$again' (exit $rc), not '$first'"
    fail=1
  fi
else
  echo "FAIL: libFuzzer saved no crash input"
  fail=1
fi

out=$("$fixed" --subject efault_fixed --crash-dir "$work/crashes-fixed" --fuzz -seed=1 -runs=$runs -max_len=256 \
      -artifact_prefix="$work/art-fixed/" 2>&1)
rc=$?
if [ $rc -ne 0 ] || grep -q '^BUG: kmapsim:' <<<"$out"; then
  echo "FAIL: efault_fixed under --fuzz -runs=$runs: exit $rc, $(grep -m1 '^BUG: kmapsim:' <<<"$out")"
  fail=1
fi
[ $fail -eq 0 ] && echo "fuzz fault injection: efault_leak found ($first), replayed; efault_fixed clean after $runs runs"
exit $fail
