#!/usr/bin/env bash
# Every memory-error crash file replays, in two fresh processes, to the
# report it recorded (first line) and to the same full report both times;
# the report keeps the sanitizer's description and the replay command.
# (A sanitizer stops after its first fatal error in a process, so each
# replay is its own process rather than --twice.)
set -uo pipefail
bin=$1
dir=$2
fail=0
shopt -s nullglob
files=("$dir"/*-memory-error-*.crash)
[ ${#files[@]} -ge 2 ] || { echo "expected memory-error crash files in $dir, found ${#files[@]}"; exit 1; }
for f in "${files[@]}"; do
  expected=$(sed -n 's/^report: //p' "$f")
  out1=$("$bin" --replay "$f" 2>&1)
  rc1=$?
  out2=$("$bin" --replay "$f" 2>&1)
  rc2=$?
  first=$(printf '%s\n' "$out1" | grep -m1 '^BUG: kmapsim:')
  case $expected in "BUG: kmapsim: memory-error: "*) ;; *) echo "FAIL: $f records '$expected'"; fail=1 ;; esac
  if [ $rc1 -ne 1 ] || [ $rc2 -ne 1 ] || [ "$first" != "$expected" ]; then
    echo "FAIL: replay of $f (rc $rc1/$rc2): '$first' != '$expected'"
    fail=1
  fi
  if [ "$out1" != "$out2" ]; then
    echo "FAIL: two replays of $f differ:"
    diff <(printf '%s\n' "$out1") <(printf '%s\n' "$out2") | head -20
    fail=1
  fi
  for want in '  sanitizer report:' 'AddressSanitizer' '  replay: '; do
    grep -qF -- "$want" <<<"$out1" || { echo "FAIL: the report of $f lacks '$want'"; fail=1; }
  done
  # Nothing of the sanitizer's own output comes before the kmapsim report
  # but ASan's one-line marker of a deadly signal (written straight to fd 2).
  grep -v '^AddressSanitizer:DEADLYSIGNAL$' <<<"$out1" | head -1 | grep -q '^BUG: kmapsim: memory-error: ' ||
    { echo "FAIL: $f: output does not start with the report: $(head -1 <<<"$out1")"; fail=1; }
done
[ $fail -eq 0 ] && echo "memory-error replays: ${#files[@]} crash files, each twice, identical"
exit $fail
