#!/usr/bin/env bash
# corpus_replay.sh BIN DIR KIND: replays DIR/regressions against their
# recorded verdicts and runs DIR/seeds. KIND is "subject" (the subject
# driver: crash files and raw inputs with --verdict) or "engine" (an
# LLVMFuzzerTestOneInput target with the plain regression main(): every
# input must run without a finding). A seed of a zoo buggy variant may
# report (exit 1: its bug); every other target's seeds must replay clean
# (exit 0), so a false report on a fixed variant or on kmapsim's own
# targets fails the test.
set -uo pipefail
bin=$1
dir=$2
kind=${3:-subject}
fail=0
count=0
case $(basename "$dir") in
*_buggy) seed_max=1 ;;
*) seed_max=0 ;;
esac
shopt -s nullglob
for f in "$dir"/regressions/*; do
  case "$f" in *.verdict) continue ;; esac
  count=$((count + 1))
  if [ "$kind" = engine ]; then
    "$bin" "$f" >/dev/null 2>&1 || { echo "FAIL: $f (exit $?)"; fail=1; }
    continue
  fi
  [ -f "$f.verdict" ] || { echo "FAIL: $f has no $f.verdict"; fail=1; continue; }
  if head -c 13 "$f" | grep -q '^kmapsim-crash'; then
    out=$("$bin" --replay "$f" --verdict "$f.verdict" 2>&1)
  else
    out=$("$bin" --replay-bytes "$f" --verdict "$f.verdict" 2>&1)
  fi
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: $f (exit $rc)"
    printf '%s\n' "$out" | grep -E '^kmapsim:|recorded:|now:' | head -5
    fail=1
  fi
done
for f in "$dir"/seeds/*; do
  count=$((count + 1))
  if [ "$kind" = engine ]; then
    "$bin" "$f" >/dev/null 2>&1 || { echo "FAIL: seed $f (exit $?)"; fail=1; }
  else
    out=$("$bin" --replay-bytes "$f" 2>&1)
    rc=$?
    if [ $rc -gt $seed_max ]; then
      echo "FAIL: seed $f (exit $rc)"
      printf '%s\n' "$out" | grep -E '^(BUG: )?kmapsim:' | head -3
      fail=1
    fi
  fi
done
echo "$count corpus inputs replayed from $dir"
exit $fail
