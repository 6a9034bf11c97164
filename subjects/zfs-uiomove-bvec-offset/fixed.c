/*
 * zfs-uiomove-bvec-offset, fixed variant.
 *
 * Shows: the write starts at the subpage that holds bv_offset + skip and
 * maps one subpage per chunk, never copying past the end of the page it
 * mapped.
 *
 * Re-expresses: OpenZFS issue #15668 "HIGHMEM violation by kmap in
 * zfs_uiomove_bvec_impl" (Dec 2023; fixed in PRs #17973/#18030).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 1

struct bvec_sketch {
	struct page *bv_page;
	size_t bv_len;
	size_t bv_offset;
};

static void uiomove_bvec_write(const struct bvec_sketch *bv, size_t skip,
			       const u8 *src, size_t cnt)
{
	size_t pos = bv->bv_offset + skip;

	while (cnt) {
		size_t poff = offset_in_page(pos);
		size_t n = min_t(size_t, cnt, PAGE_SIZE - poff);
		u8 *kaddr = kmap_local_page(nth_page(bv->bv_page,
						     pos / PAGE_SIZE));

		memcpy(kaddr + poff, src, n);
		kunmap_local(kaddr);
		src += n;
		pos += n;
		cnt -= n;
	}
}

KMAPSIM_SUBJECT(zfs_uiomove_bvec_offset)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER, FOLIO_ORDER);
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	struct bvec_sketch bv;
	size_t skip, cnt;
	u8 *src;

	if (!folio)
		return;
	bv.bv_page = folio_page(folio, 0);
	bv.bv_offset = kmapsim_pick(0, PAGE_SIZE - 1);
	bv.bv_len = size - bv.bv_offset;
	skip = kmapsim_pick(0, bv.bv_len - 1);
	cnt = kmapsim_pick(1, bv.bv_len - skip);
	src = kzalloc(cnt, GFP_KERNEL);
	if (src)
		uiomove_bvec_write(&bv, skip, src, cnt);
	kfree(src);
	folio_put(folio);
}
