/*
 * zfs-uiomove-bvec-offset, buggy variant.
 *
 * Shows: a write into a multi-page bio_vec maps bv_page once and adds
 * bv_offset plus the already-consumed skip to the mapping, so once that sum
 * passes PAGE_SIZE the write lands outside the one mapped page. On 64-bit
 * the direct map makes it land in the right place.
 *
 * Re-expresses: OpenZFS issue #15668 "HIGHMEM violation by kmap in
 * zfs_uiomove_bvec_impl" (Dec 2023; fixed in PRs #17973/#18030).
 *
 * Expected: strict kmap-overrun; x86-32 kmap-overrun (highmem folio);
 * x86-32-forcemap kmap-overrun; arm-vivt kmap-overrun (highmem folio);
 * x86-64 clean.
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
	u8 *kaddr = kmap_local_page(bv->bv_page);

	memcpy(kaddr + bv->bv_offset + skip, src, cnt);
	kunmap_local(kaddr);
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
