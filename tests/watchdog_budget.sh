#!/usr/bin/env bash
# The watchdog's access budget (model/src/sim/access_budget.h) in a build
# whose subject code counts its accesses (dev):
#  - a loop with no scheduling point around a helper is a soft-lockup
#    ended by the budget (the report says so), not by the host-time timer;
#  - its crash file replays to the same bytes three times (the timer
#    stopped such a loop wherever it happened to be, so the site moved);
#  - a computation that makes four budgets' worth of accesses in steps
#    split by cond_resched() is clean.
#   watchdog_budget.sh BIN WORKDIR
set -uo pipefail
bin=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail=0

out=$("$bin" --explore --subject wait_for_ring --runs 5 --crash-dir "$work" 2>&1)
rc=$?
first=$(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')
case $first in
  "BUG: kmapsim: soft-lockup: main ran past the watchdog (2^28 memory accesses)"*"in wait_for_ring()"*) ;;
  *) echo "FAIL: wait_for_ring (exit $rc): not a soft-lockup from the access budget: '${first:-nothing}'"; fail=1 ;;
esac
shopt -s nullglob
crashes=("$work"/*.crash)
if [ ${#crashes[@]} -ne 1 ]; then
  echo "FAIL: expected one crash file in $work, found ${#crashes[@]}"
  exit 1
fi
ref=""
for i in 1 2 3; do
  rep=$("$bin" --replay "${crashes[0]}" 2>&1)
  rc=$?
  if [ $rc -ne 1 ]; then
    echo "FAIL: replay $i exited $rc"
    fail=1
  fi
  if [ $i -eq 1 ]; then
    ref=$rep
    grep -q '^  stuck: no scheduling point at watchdog_budget.c:[0-9]* in wait_for_ring()$' <<<"$rep" ||
      { echo "FAIL: the replay names no stuck site in wait_for_ring():"; printf '%s\n' "$rep" | head -5; fail=1; }
  elif [ "$rep" != "$ref" ]; then
    echo "FAIL: replay $i differs from replay 1:"
    diff <(printf '%s\n' "$ref") <(printf '%s\n' "$rep") | head -10
    fail=1
  fi
done

out=$("$bin" --explore --subject sum_with_resched --runs 1 --crash-dir "$work/resched" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: sum_with_resched (exit $rc): $(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')"
  fail=1
fi
[ $fail -eq 0 ] && echo "access budget: wait_for_ring ended by the budget, three identical replays; sum_with_resched clean"
exit $fail
