#!/usr/bin/env bash
# The fs/aio fix, checked as a patch author would (CTest label `kernel`):
#   aio_patch.sh VERSION PROFILE EXPECT
# Writes, at run time, a patch against the tree's own fs/aio.c that adds the
# missing flush after ioctx_add_table() stores ring->id (one `+` line; no
# kernel text is kept in kmapsim), then runs
#   check --kernel VERSION --patch PATCH tests/kernel/aio_ring.c
# and expects EXPECT (fixed, or unchanged-clean: clean before and after).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
version=$1 profile=$2 expect=$3
. "$HERE/kernel_tree.sh"
tree=$(kernel_tree "$version") || { echo "$tree"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/a/fs" "$tmp/b/fs"
cp "$tree/fs/aio.c" "$tmp/a/fs/aio.c"
# After the store of ring->id in ioctx_add_table() (and the unmap that
# follows it on kernels that kmap the ring), flush the ring's first page.
awk '
	/^static int ioctx_add_table\(/ { infn = 1 }
	pending {
		pending = 0
		done = 1
		if ($0 ~ /kunmap/) {		# the ring is kmapped: flush after the unmap
			print
			print indent "flush_dcache_page(ctx->ring_pages[0]);"
			next
		}
		print indent "flush_dcache_folio(ctx->ring_folios[0]);"
	}
	{ print }
	infn && !done && /ring->id = ctx->id;/ { pending = 1; indent = $0; sub(/[^\t].*/, "", indent) }
' "$tmp/a/fs/aio.c" >"$tmp/b/fs/aio.c"
(cd "$tmp" && diff -u a/fs/aio.c b/fs/aio.c >"$tmp/flush.patch")
if [[ $(grep -c '^+[^+]' "$tmp/flush.patch") != 1 ]]; then
	echo "FAIL: could not write the one-line patch for $version's fs/aio.c"
	exit 1
fi
grep '^+[^+]' "$tmp/flush.patch"
out=$("$ROOT/scripts/kmapsim" check --kernel "$version" --profile "$profile" --seconds "$(kernel_seconds "$expect")" \
	--patch "$tmp/flush.patch" "$HERE/aio_ring.c" 2>&1)
echo "$out" | grep -E '^BUG: kmapsim|^kmapsim: ' | head -20
case $expect in
fixed) grep -q "verdict on $profile: fixed " <<<"$out" ;;
unchanged-clean) grep -q "verdict on $profile: unchanged (before: clean, after: clean)" <<<"$out" ;;
esac
ok=$?
((ok == 0)) && echo "PASS: $version $profile --patch: $expect" || echo "FAIL: $version $profile --patch: expected $expect"
exit $ok
