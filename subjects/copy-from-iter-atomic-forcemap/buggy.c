/*
 * copy-from-iter-atomic-forcemap, buggy variant.
 *
 * Shows: a copy into a large folio that maps each subpage separately only
 * when the folio is highmem, assuming a lowmem folio is reachable through
 * one mapping. Under DEBUG_KMAP_LOCAL_FORCE_MAP lowmem pages also get a
 * one-page temporary mapping, so the single-mapping path overruns it.
 *
 * Re-expresses: c749d9b7ebbc "iov_iter: fix copy_page_from_iter_atomic() if
 * KMAP_LOCAL_FORCE_MAP" (Hugh Dickins, 2024; CVE-2024-50222), a follow-up
 * to 908a1ad89466 "iov_iter: Handle compound highmem pages in
 * copy_page_from_iter_atomic()" (Matthew Wilcox, 2023).
 *
 * Expected: strict kmap-overrun (lowmem folio); x86-32 clean;
 * x86-32-forcemap kmap-overrun (lowmem folio); arm-vivt clean; x86-64 clean.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 1

static size_t copy_to_folio_atomic(struct page *page, size_t offset,
				   const u8 *src, size_t bytes)
{
	bool per_page = PageHighMem(page);      /* lowmem: one map suffices? */
	size_t copied = 0;

	do {
		size_t n = bytes - copied;
		u8 *kaddr;

		if (per_page) {
			page = nth_page(page, offset / PAGE_SIZE);
			offset = offset_in_page(offset);
			n = min_t(size_t, n, PAGE_SIZE - offset);
		}
		kaddr = kmap_atomic(page);
		memcpy(kaddr + offset, src + copied, n);
		kunmap_atomic(kaddr);
		copied += n;
		offset += n;
	} while (per_page && copied < bytes);
	return copied;
}

KMAPSIM_SUBJECT(copy_from_iter_atomic_forcemap)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER, FOLIO_ORDER);
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	size_t offset = kmapsim_pick(0, size - 1);
	size_t bytes = kmapsim_pick(1, size - offset);
	u8 *src;

	if (!folio)
		return;
	src = kzalloc(bytes, GFP_KERNEL);
	if (src)
		copy_to_folio_atomic(folio_page(folio, 0), offset, src, bytes);
	kfree(src);
	folio_put(folio);
}
