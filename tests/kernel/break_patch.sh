#!/usr/bin/env bash
# A generated harness must find a bug, not only stay quiet (CTest label
# `kernel`):
#   break_patch.sh VERSION PROFILE FILE FUNCTION OLD NEW EXPECT [TARGET [CHECK-ARGS...]]
# Writes, at run time, a one-line patch against the tree's FILE that
# replaces the text OLD by NEW on the first line of FUNCTION's body holding
# it (no kernel text is kept in kmapsim; FUNCTION may be a function-like
# macro or a header's inline), then runs
#   check --kernel VERSION --patch PATCH [CHECK-ARGS...] TARGET
# (TARGET defaults to FILE:FUNCTION; give another FILE:FUNCTION when the
# patched code is a helper of it, or a harness file of tests/kernel) with
# the harness kmapsim writes from the signature, and expects the verdict EXPECT (introduced, fixed or unchanged:
# a patch may also mend what the tree gets wrong).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
version=$1 profile=$2 file=$3 func=$4 old=$5 new=$6 expect=$7
target=${8:-$file:$func}
shift $(($# < 8 ? $# : 8))
. "$HERE/kernel_tree.sh"
tree=$(kernel_tree "$version") || { echo "$tree"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/a/$(dirname "$file")" "$tmp/b/$(dirname "$file")"
cp "$tree/$file" "$tmp/a/$file"
patch_in_function "$tmp/a/$file" "$func" "$old" "$new" >"$tmp/b/$file" 2>/dev/null
(cd "$tmp" && diff -u "a/$file" "b/$file" >"$tmp/break.patch")
if [[ $(grep -c '^+[^+]' "$tmp/break.patch") != 1 ]]; then
	echo "FAIL: '$old' is not in $func() of $version's $file"
	exit 1
fi
grep '^+[^+]' "$tmp/break.patch"
out=$("$ROOT/scripts/kmapsim" check --kernel "$version" --profile "$profile" --seconds "$(kernel_seconds "$expect")" \
	--patch "$tmp/break.patch" "$@" "$target" 2>&1)
echo "$out" | grep -E '^BUG: kmapsim|^kmapsim: ' | head -20
grep -q "verdict on $profile: $expect " <<<"$out"
ok=$?
((ok == 0)) && echo "PASS: $version $profile $target, $file:$func patched: $expect" || echo "FAIL: $version $profile $target, $file:$func patched: expected $expect"
exit $ok
