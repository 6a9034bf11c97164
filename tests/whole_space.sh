#!/usr/bin/env bash
# The whole decision space (fuzz/driver_explore.cc), tests/subjects/whole_space.c:
#  - copy_head: explore with a budget of 300 s ends after the enumeration,
#    clean, saying every run was explored; --json says whole_space; the
#    number of runs is that of the enumerations, not of the budget;
#  - copy_head_overrun: the overrun (order 2) is reported;
#  - copy_from_user_head: whole, its copy's failure enumerated too;
#  - copy_at (a pick wider than its boundary values) is never claimed whole
#    (the unit tests cover the bound and the fault budget);
#  - tests/subjects/time_share.c: the budget is the file's, so map_at runs
#    on for the time map_one (whole at once) left, not only for its half.
#   whole_space.sh BIN WORKDIR TIME_SHARE_BIN
set -uo pipefail
bin=$1
work=$2
share_bin=$3
rm -rf "$work"
mkdir -p "$work"
fail=0
claim="every run the subject can take explored"

out=$("$bin" --explore --subject copy_head --seconds 300 --json "$work/head.json" --crash-dir "$work" 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep -m1 '^kmapsim: clean: copy_head ')
runs=$(printf '%s\n' "$line" | sed -n 's/^kmapsim: clean: copy_head on strict: \([0-9]*\) runs.*/\1/p')
if [ $rc -ne 0 ] || [[ $line != *"$claim"* ]]; then
  echo "FAIL: copy_head (exit $rc): no whole-space verdict: '${line:-$out}'"
  fail=1
elif [ -z "$runs" ] || [ "$runs" -gt 20000 ]; then
  echo "FAIL: copy_head: $runs runs; the explorer should stop after the enumerations (a few thousand runs)"
  fail=1
fi
if ! grep -q '"whole_space": true' "$work/head.json"; then
  echo "FAIL: copy_head: --json does not say whole_space: $(cat "$work/head.json")"
  fail=1
fi

out=$("$bin" --explore --subject copy_head_overrun --seconds 300 --crash-dir "$work" 2>&1)
rc=$?
first=$(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')
if [ $rc -ne 1 ] || [[ $first != "BUG: kmapsim: kmap-overrun:"* ]]; then
  echo "FAIL: copy_head_overrun (exit $rc): expected a kmap-overrun, got '${first:-nothing}'"
  fail=1
fi

out=$("$bin" --explore --subject copy_from_user_head --seconds 300 --crash-dir "$work" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [[ $out != *"$claim"*"every failure of its fallible calls"* ]]; then
  echo "FAIL: copy_from_user_head (exit $rc): no whole-space verdict with its failures: $out"
  fail=1
fi

out=$("$bin" --explore --subject copy_at --runs 20000 --json "$work/at.json" --crash-dir "$work" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [[ $out == *"$claim"* ]] || ! grep -q '"whole_space": false' "$work/at.json"; then
  echo "FAIL: copy_at (exit $rc): claimed whole or not clean: $out"
  fail=1
fi

out=$("$share_bin" --explore --seconds 4 --stats --crash-dir "$work" 2>&1)
rc=$?
one=$(printf '%s\n' "$out" | sed -n 's/^kmapsim: stats: subject=map_one .* seconds=\([0-9.]*\) .*space=whole.*/\1/p')
at=$(printf '%s\n' "$out" | sed -n 's/^kmapsim: stats: subject=map_at .* seconds=\([0-9.]*\) .*/\1/p')
# Half the budget is 2 s; map_one's whole space takes milliseconds.
if [ $rc -ne 0 ] || [ -z "$one" ] || [ -z "$at" ] || ! awk -v one="$one" -v at="$at" 'BEGIN { exit !(one < 1 && at >= 3) }'; then
  echo "FAIL: time share (exit $rc): map_one ${one:-not whole} s, map_at ${at:-?} s of 4 s: $out"
  fail=1
fi

[ $fail -eq 0 ] && echo "PASS: whole-space verdicts"
exit $fail
