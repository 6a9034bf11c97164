# Sourced by the fuzz tests (fuzz_inject.sh, fuzz_trace_cmp.sh):
#   one_crash_replays BIN DIR FIRST
# DIR must hold exactly one crash file, and BIN --replay of it must exit 1
# with FIRST as its report's first line. Prints a FAIL line and returns 1
# otherwise.
one_crash_replays() {
  local bin=$1 dir=$2 first=$3 f rep rc again
  local files=()
  for f in "$dir"/*.crash; do
    [ -e "$f" ] && files+=("$f")
  done
  if [ ${#files[@]} -ne 1 ]; then
    echo "FAIL: expected one crash file in $dir, found ${#files[@]}"
    return 1
  fi
  rep=$("$bin" --replay "${files[0]}" 2>&1)
  rc=$?
  again=$(printf '%s\n' "$rep" | grep -m1 '^BUG: kmapsim:')
  if [ $rc -ne 1 ] || [ "$again" != "$first" ]; then
    echo "FAIL: the crash file replays to '$again' (exit $rc), not '$first'"
    return 1
  fi
}
