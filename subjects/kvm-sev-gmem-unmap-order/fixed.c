/*
 * kvm-sev-gmem-unmap-order, fixed variant.
 *
 * Shows: the source mapping, made last, is released first: the local
 * mapping stack unwinds last-in first-out.
 *
 * Re-expresses: the unmap order in sev_gmem_post_populate() after its
 * conversion to kmap_local (2026, Fixes 2a62345b3052).
 *
 * Expected: clean on every profile.
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
		kunmap_local(src_vaddr);
		kunmap_local(dst_vaddr);
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
