/*
 * io-uring-memmap-page-address, buggy variant.
 *
 * Shows: a ring region backed by user-provided pages is given a kernel
 * pointer with page_address() when all its pages sit in one folio, on the
 * idea that such memory is contiguous in the kernel too. User memory may
 * be highmem, which has no kernel address: the pointer is NULL and the
 * ring header is written through it.
 *
 * Re-expresses: f446c6311e86 "io_uring/memmap: don't use page_address() on
 * a highmem page" (2025). The kernel falls back to vmap() for highmem; the
 * model has no vmap(), so the fixed variant maps the header page with
 * kmap_local_page() around each access instead.
 *
 * Expected: highmem-page-address on strict, x86-32, x86-32-forcemap and
 * arm-vivt (highmem user folio); clean on x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>

#define REGION_ORDER 1

struct ring_hdr {
	u32 head;
	u32 tail;
	u32 ring_mask;
	u32 ring_entries;
};

struct mapped_region {
	struct page **pages;
	unsigned int nr_pages;
	void *ptr;	/* kernel address of the whole region, if it has one */
};

static bool region_is_one_folio(const struct mapped_region *mr)
{
	struct folio *folio = page_folio(mr->pages[0]);
	unsigned int i;

	if (folio_nr_pages(folio) != mr->nr_pages)
		return false;
	for (i = 1; i < mr->nr_pages; i++)
		if (page_folio(mr->pages[i]) != folio)
			return false;
	return true;
}

static int region_init_ptr(struct mapped_region *mr)
{
	if (!region_is_one_folio(mr))
		return -EINVAL;	/* the kernel would vmap() these */
	mr->ptr = page_address(mr->pages[0]);
	return 0;
}

static void ring_init(struct mapped_region *mr, u32 entries)
{
	struct ring_hdr *hdr = mr->ptr;

	hdr->head = 0;
	hdr->tail = 0;
	hdr->ring_entries = entries;
	hdr->ring_mask = entries - 1;
}

KMAPSIM_SUBJECT(io_uring_memmap_page_address)
{
	/* pinned user memory: one large folio from a user mapping */
	struct folio *folio = folio_alloc(GFP_HIGHUSER_MOVABLE, REGION_ORDER);
	struct page *pages[1 << REGION_ORDER];
	struct mapped_region mr = { .pages = pages, .nr_pages = 1 << REGION_ORDER };
	u32 entries = 1u << kmapsim_pick(0, 8);
	unsigned int i;

	if (!folio)
		return;
	for (i = 0; i < mr.nr_pages; i++)
		pages[i] = folio_page(folio, i);
	if (!region_init_ptr(&mr))
		ring_init(&mr, entries);
	folio_put(folio);
}
