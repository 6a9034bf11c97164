#!/usr/bin/env bash
# libFuzzer's comparison tracing reaches the subject under --fuzz. The
# subject binaries are linked so that those callbacks only do work while
# libFuzzer's loop runs (fuzz/trace_cmp_gate.cc); if they never did, a
# branch behind a 32-bit magic (tests/subjects/cmp_magic.c) would stay out
# of reach (one input in 2^32). Checked here: magic_leak's kmap-leak is
# found within a -runs= bound and its crash file replays; magic_unmapped
# stays clean under the same bound; the explorer, which does not trace,
# still explores the subject and finds nothing behind the magic.
#   fuzz_trace_cmp.sh BIN WORKDIR
set -uo pipefail
. "$(dirname "$0")/crash_replay.sh"
bin=$1
work=$2
runs=20000
rm -rf "$work"
mkdir -p "$work/crashes" "$work/art" "$work/crashes-fixed" "$work/crashes-explore"
fail=0

out=$("$bin" --subject magic_leak --crash-dir "$work/crashes" --fuzz -seed=1 -runs=$runs -max_len=64 \
      -artifact_prefix="$work/art/" 2>&1)
first=$(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')
case $first in
  "BUG: kmapsim: kmap-leak: "*) ;;
  *) echo "FAIL: magic_leak under --fuzz -runs=$runs: no kmap-leak report (got '${first:-nothing}')"; fail=1 ;;
esac
shopt -s nullglob
one_crash_replays "$bin" "$work/crashes" "$first" || fail=1

out=$("$bin" --subject magic_unmapped --crash-dir "$work/crashes-fixed" --fuzz -seed=1 -runs=$runs -max_len=64 \
      -artifact_prefix="$work/art/" 2>&1)
rc=$?
if [ $rc -ne 0 ] || grep -q '^BUG: kmapsim:' <<<"$out"; then
  echo "FAIL: magic_unmapped under --fuzz -runs=$runs: exit $rc, $(grep -m1 '^BUG: kmapsim:' <<<"$out")"
  fail=1
fi

# Explore mode (boundary values, random values): the magic is not among
# them, so the run is clean; what matters is that it runs with tracing off.
out=$("$bin" --subject magic_leak --crash-dir "$work/crashes-explore" --explore --runs 2000 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: magic_leak under --explore --runs 2000: exit $rc: $(printf '%s\n' "$out" | tail -1)"
  fail=1
fi
[ $fail -eq 0 ] && echo "comparison tracing under --fuzz: magic_leak found ($first), replayed; magic_unmapped clean after $runs runs; explore clean"
exit $fail
