#!/usr/bin/env bash
# A kmap_atomic() conversion, checked as its author would check it (CTest
# label `kernel`):
#   convert.sh VERSION PROFILE FILE FUNCTION EXPECT [TARGET [CHECK-ARGS...]]
# Writes, at run time, the mechanical conversion of FUNCTION in the tree's
# FILE (every kmap_atomic( becomes kmap_local_page(, every kunmap_atomic(
# kunmap_local(; no kernel text is kept in kmapsim), then runs
#   check --kernel VERSION --patch PATCH [CHECK-ARGS...] TARGET
# (TARGET defaults to FILE:FUNCTION) and expects the verdict EXPECT:
# `unchanged` where the function needed nothing of what kmap_atomic() also
# did (disabled preemption and page faults), `introduced` where it did.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
version=$1 profile=$2 file=$3 func=$4 expect=$5
target=${6:-$file:$func}
shift $(($# < 6 ? $# : 6))
. "$HERE/kernel_tree.sh"
tree=$(kernel_tree "$version") || { echo "$tree"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/a/$(dirname "$file")" "$tmp/b/$(dirname "$file")"
cp "$tree/$file" "$tmp/a/$file"
cp "$tree/$file" "$tmp/b/$file"
# patch_in_function changes the first line holding the text: once per call
# until no line of the function holds it
for pair in "kmap_atomic(|kmap_local_page(" "kunmap_atomic(|kunmap_local("; do
	while :; do
		patch_in_function "$tmp/b/$file" "$func" "${pair%|*}" "${pair#*|}" >"$tmp/next" 2>"$tmp/line"
		[[ -s $tmp/line ]] || break
		mv "$tmp/next" "$tmp/b/$file"
	done
done
(cd "$tmp" && diff -u "a/$file" "b/$file" >"$tmp/convert.patch")
if ! grep -q '^+.*kmap_local_page(' "$tmp/convert.patch"; then
	echo "FAIL: no kmap_atomic( in $func() of $version's $file"
	exit 1
fi
grep '^[-+][^-+]' "$tmp/convert.patch"
out=$("$ROOT/scripts/kmapsim" check --kernel "$version" --profile "$profile" --seconds "$(kernel_seconds "$expect")" \
	--patch "$tmp/convert.patch" "$@" "$target" 2>&1)
echo "$out" | grep -E '^BUG: kmapsim|^kmapsim: ' | head -20
# a right conversion leaves the function clean, not only as it was
want="verdict on $profile: $expect "
[[ $expect == unchanged ]] && want="verdict on $profile: unchanged (before: clean, after: clean)"
grep -qF "$want" <<<"$out"
ok=$?
((ok == 0)) && echo "PASS: $version $profile $target, $func() converted: $expect" || echo "FAIL: $version $profile $target, $func() converted: expected $expect"
exit $ok
