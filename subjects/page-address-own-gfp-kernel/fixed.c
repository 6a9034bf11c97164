/*
 * page-address-own-gfp-kernel: a legal pattern (fixed variant only).
 *
 * Shows: a function that allocates a page with GFP_KERNEL (no
 * __GFP_HIGHMEM) gets a lowmem page, which always has a direct-map
 * address: page_address() of it is correct on every configuration,
 * DEBUG_KMAP_LOCAL_FORCE_MAP included (FORCE_MAP changes kmap_local, not
 * page_address()). A tool that flags every page_address() reports a false
 * highmem-page-address here.
 *
 * Re-expresses: "whenever allocation is easily trackable, and pages cannot
 * come from ZONE_HIGHMEM, I prefer page_address()" (ixgbe thread, 2022);
 * the same holds for folio_address() of a GFP_KERNEL folio.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

struct scratch_hdr {
	u32 magic;
	u32 used;
};

static u32 fill_scratch(struct page *page, size_t used)
{
	struct scratch_hdr *hdr = page_address(page);
	u8 *data = (u8 *)(hdr + 1);
	u32 sum = 0;
	size_t i;

	hdr->magic = 0x5343;
	hdr->used = used;
	for (i = 0; i < used; i++) {
		data[i] = (u8)i;
		sum += data[i];
	}
	return sum;
}

KMAPSIM_SUBJECT(page_address_own_gfp_kernel)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct folio *folio = folio_alloc(GFP_KERNEL, 1);
	size_t used = kmapsim_pick(0, PAGE_SIZE - sizeof(struct scratch_hdr));
	size_t off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);

	if (page) {
		fill_scratch(page, used);
		__free_page(page);
	}
	if (folio) {
		/* the whole folio is in the direct map: any byte of it */
		((u8 *)folio_address(folio))[off] = 1;
		folio_put(folio);
	}
}
