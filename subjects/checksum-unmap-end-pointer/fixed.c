/*
 * checksum-unmap-end-pointer, fixed variant.
 *
 * Shows: the mapping's base address is kept and unmapped; the cursor is
 * only used for reading.
 *
 * Re-expresses: kernel-highmem.md section 1.3 and section 3 class 4 ("an
 * address exactly one page past the start ... is a different slot").
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(u32))

static u32 tail_csum(struct page *page, size_t first)
{
	u32 *base = kmap_local_page(page);
	u32 *p = base + first;
	u32 sum = 0;

	while (first++ < WORDS_PER_PAGE)
		sum += *p++;
	kunmap_local(base);
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
