#!/usr/bin/env bash
# One kernel-import check with its expected verdict (CTest label `kernel`):
#   verdict.sh VERSION PROFILE FILE:FUNCTION EXPECT [--before VERSION]
# EXPECT is `clean`, `discarded` (clean, with runs discarded for breaking
# the function's entry check), `inconclusive` (exit 2: the run needed what
# the harness kmapsim wrote cannot give), a bug class (kmap-overrun, ...) or, with
# --before, --patch or --convert, introduced/fixed/unchanged (unchanged-clean:
# clean on both sides). VERSION `none` checks a subject file
# with no tree. The tree comes from `scripts/kmapsim
# kernel-src VERSION` (installed on first use); if the package cannot be
# installed the test is skipped (exit 77) with the reason, never failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
version=$1 profile=$2 target=$3 expect=$4
shift 4
kernel=(--kernel "$version")
. "$(dirname "$0")/kernel_tree.sh"
if [[ $version == none ]]; then
	kernel=()
else
	skip=$(kernel_tree "$version") || { echo "$skip"; exit 77; }
fi
out=$("$ROOT/scripts/kmapsim" check "${kernel[@]}" --profile "$profile" --seconds "$(kernel_seconds "$expect")" "$@" "$target" 2>&1)
rc=$?
echo "$out" | grep -E '^BUG: kmapsim|^kmapsim: ' | head -20
case $expect in
clean) [[ $rc == 0 ]] && ! grep -q '^BUG: kmapsim' <<<"$out" ;;
discarded) [[ $rc == 0 ]] && ! grep -q '^BUG: kmapsim' <<<"$out" && grep -q ' of the runs discarded: they broke the entry check of ' <<<"$out" ;;
inconclusive) [[ $rc == 2 ]] && grep -q '^kmapsim: inconclusive: ' <<<"$out" && ! grep -q '^BUG: kmapsim' <<<"$out" ;;
introduced | fixed | unchanged) grep -q "verdict on $profile: $expect " <<<"$out" ;;
unchanged-clean) grep -qF "verdict on $profile: unchanged (before: clean, after: clean)" <<<"$out" ;;
*) [[ $rc == 1 ]] && grep -q "^BUG: kmapsim: $expect:" <<<"$out" ;;
esac
ok=$?
((ok == 0)) && echo "PASS: $version $profile $target: $expect" || echo "FAIL: $version $profile $target: expected $expect (exit $rc)"
exit $ok
