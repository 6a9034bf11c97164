/*
 * kvm-sev-gmem-unmap-order, buggy variant.
 *
 * Shows: a guest-memory populate loop copies each source page into the
 * guest's page: it maps the destination by pfn with kmap_local_pfn(), then
 * the source page with kmap_local_page(), copies, and unmaps the
 * destination first (map A, map B, unmap A). On a 64-bit kernel both maps
 * are page_address() and kunmap_local() does nothing, so the order never
 * shows there.
 *
 * Re-expresses: the unmap order in sev_gmem_post_populate() after its
 * conversion to kmap_local (2026, Fixes 2a62345b3052).
 *
 * Expected: kunmap-order on strict, x86-32-forcemap (every page mapped),
 * x86-32 and arm-vivt (highmem source page); clean on x86-64 and
 * x86-64-forcemap.
 */
#include <kmapsim/subject.h>

#define NR_POPULATE 2

static int gmem_populate(unsigned long pfn, struct page **src, int npages)
{
	int i;

	for (i = 0; i < npages; i++) {
		void *dst_vaddr = kmap_local_pfn(pfn + i);
		void *src_vaddr = kmap_local_page(src[i]);

		memcpy(dst_vaddr, src_vaddr, PAGE_SIZE);
		kunmap_local(dst_vaddr);
		kunmap_local(src_vaddr);
	}
	return 0;
}

KMAPSIM_SUBJECT(kvm_sev_gmem_unmap_order)
{
	/* guest_memfd backing: one folio; the source: user pages */
	struct folio *gmem = folio_alloc(GFP_HIGHUSER_MOVABLE, 1);
	struct page *src[NR_POPULATE];
	int npages = kmapsim_pick(1, NR_POPULATE);
	int i;

	for (i = 0; i < NR_POPULATE; i++)
		src[i] = alloc_page(GFP_HIGHUSER);
	if (gmem && src[0] && src[1])
		gmem_populate(page_to_pfn(folio_page(gmem, 0)), src, npages);
	for (i = 0; i < NR_POPULATE; i++)
		if (src[i])
			__free_page(src[i]);
	if (gmem)
		folio_put(gmem);
}
