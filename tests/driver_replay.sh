#!/usr/bin/env bash
# Replays every crash file the driver tests wrote: the report must be the
# same one, byte for byte, twice; then feeds the driver bad input, which must
# give one line and exit code 2.
set -uo pipefail
bin=$1
dir=$2
fail=0
shopt -s nullglob
files=("$dir"/*.crash)
[ ${#files[@]} -gt 0 ] || { echo "no crash files in $dir"; exit 1; }
for f in "${files[@]}"; do
  expected=$(sed -n 's/^report: //p' "$f")
  out=$("$bin" --replay "$f" --twice 2>&1)
  rc=$?
  first=$(printf '%s\n' "$out" | grep -m1 '^BUG: kmapsim:')
  if [ $rc -ne 1 ] || [ "$first" != "$expected" ] || ! grep -q 'deterministic: two replays' <<<"$out"; then
    echo "FAIL: replay of $f (rc $rc): '$first' != '$expected'"
    fail=1
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'garbage\n' >"$tmp/garbage.crash"
sed 's/^kmapsim-crash 1/kmapsim-crash 999/' "${files[0]}" >"$tmp/version.crash"
sed 's/^trace: \(..\)/trace: zz/' "${files[0]}" >"$tmp/corrupt.crash"
for args in "--replay $tmp/garbage.crash" "--replay $tmp/version.crash" "--replay $tmp/corrupt.crash" "--replay $tmp/missing.crash" \
            "--bogus" "--profile nope" "--subject nope" "--runs x"; do
  out=$("$bin" $args 2>&1)
  rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q '^kmapsim: ' <<<"$out"; then
    echo "FAIL: '$args' gave rc $rc and $lines lines: $out"
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "replay and bad-input checks passed"
exit $fail
