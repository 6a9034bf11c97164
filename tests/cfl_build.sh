#!/usr/bin/env bash
# cfl_build.sh TARGETS_TSV: runs .clusterfuzzlite/build.sh locally, without
# Docker, with the variables ClusterFuzzLite sets (clang, libFuzzer, ASan),
# then checks that every in-tree target, its seed zip, dictionary and options
# file were produced, and that each target fuzzes for a moment: clean
# targets stay clean, zoo buggy variants may stop at a kmapsim report.
# A user's subject listed the way ci/subjects.list lists them must become a
# target of its own too (here: a zoo fixed variant, which must stay clean).
set -uo pipefail
tsv=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export OUT=$tmp/out WORK=$tmp/work SRC=$tmp/src
mkdir -p "$OUT" "$WORK" "$SRC"
user_subject=subjects/copy-page-to-iter-compound/fixed.c
printf '# a user subject\n%s  # trailing comment\n\n' "$user_subject" >"$tmp/subjects.list"
export KMAPSIM_SUBJECTS_LIST=$tmp/subjects.list
{ cat "$tsv"; printf 'subject_subjects_copy_page_to_iter_compound_fixed\tsubject\t-\tclean\n'; } >"$tmp/targets.tsv"
tsv=$tmp/targets.tsv
if ! bash "$root/.clusterfuzzlite/build.sh" >"$tmp/build.log" 2>&1; then
	echo "FAIL: build.sh failed:"
	grep -m10 -E 'error|Error' "$tmp/build.log" || tail -20 "$tmp/build.log"
	exit 1
fi
# fuzz_one NAME EXPECT: the target fuzzes for a second; prints FAIL lines
fuzz_one() {
	local name=$1 expect=$2 rc
	mkdir -p "$tmp/c/$name"
	(cd "$tmp" && KMAPSIM_CRASH_DIR=$tmp/crashes "$OUT/$name" -max_total_time=1 -dict="$OUT/$name.dict" "$tmp/c/$name" >"$tmp/$name.log" 2>&1)
	rc=$?
	if [ "$expect" = clean ] && [ $rc -ne 0 ]; then
		echo "FAIL: $name (expected clean) exited $rc:"; grep -m3 -E 'BUG:|ERROR|kmapsim:' "$tmp/$name.log"
	elif [ "$expect" != clean ] && [ $rc -ne 0 ] && ! grep -q "BUG: kmapsim: $expect:" "$tmp/$name.log"; then
		echo "FAIL: $name stopped without the expected $expect report:"; grep -m3 -E 'BUG:|ERROR' "$tmp/$name.log"
	fi
}
fail=0
n=0
cores=$(nproc)
while IFS=$'\t' read -r name kind bin expect; do
	n=$((n + 1))
	for f in "$OUT/$name" "$OUT/${name}_seed_corpus.zip" "$OUT/$name.dict" "$OUT/$name.options"; do
		[ -e "$f" ] || { echo "FAIL: $f was not produced"; fail=1; }
	done
	[ -x "$OUT/$name" ] || continue
	# every core fuzzes a target; each target's verdict goes to its own file
	while (($(jobs -rp | wc -l) >= cores)); do wait -n; done
	fuzz_one "$name" "$expect" >"$tmp/$name.verdict" </dev/null &
done <"$tsv"
wait
if cat "$tmp"/*.verdict | grep -q '^FAIL'; then
	cat "$tmp"/*.verdict
	fail=1
fi
echo "ClusterFuzzLite build: $n targets checked"
exit $fail
