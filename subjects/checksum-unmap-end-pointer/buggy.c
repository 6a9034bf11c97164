/*
 * checksum-unmap-end-pointer, buggy variant.
 *
 * Shows: a checksum of the tail of a page walks a cursor from an offset to
 * the end of the page and then unmaps through the cursor. After the loop
 * the cursor points one past the page, i.e. into the next slot, not at the
 * mapping that was made, so kunmap_local() names something that is not a
 * live mapping of this context.
 *
 * Re-expresses: kernel-highmem.md section 1.3 and section 3 class 4 ("an
 * address exactly one page past the start (e.g. p + PAGE_SIZE after a
 * full-page loop) is a different slot"); zsmalloc's kunmap_atomic() of a
 * derived pointer (Minchan Kim, 2014) is the same fragility.
 *
 * Expected: strict kunmap-bad-address; x86-32 kunmap-bad-address (highmem
 * page); x86-32-forcemap kunmap-bad-address; arm-vivt kunmap-bad-address
 * (highmem page); x86-64 clean.
 */
#include <kmapsim/subject.h>

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(u32))

static u32 tail_csum(struct page *page, size_t first)
{
	u32 *p = (u32 *)kmap_local_page(page) + first; /* kmapsim: map */
	u32 sum = 0;

	while (first++ < WORDS_PER_PAGE)
		sum += *p++;
	kunmap_local(p);                /* p is now one page past the map */ /* kmapsim: here */
	return sum;
}

KMAPSIM_SUBJECT(checksum_unmap_end_pointer)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t first = kmapsim_pick(0, WORDS_PER_PAGE - 1);

	if (!page)
		return;
	WARN_ON(tail_csum(page, first) != 0);    /* a zeroed page sums to 0 */
	__free_page(page);
}
