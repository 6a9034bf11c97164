/*
 * io-uring-memmap-page-address, fixed variant.
 *
 * Shows: page_address() is used only when the folio is not in highmem;
 * otherwise the region keeps no kernel pointer and the header is written
 * through a temporary mapping of its page.
 *
 * Re-expresses: f446c6311e86 "io_uring/memmap: don't use page_address() on
 * a highmem page" (2025). The kernel falls back to vmap() for highmem; the
 * model has no vmap(), so the fixed variant maps the header page with
 * kmap_local_page() around each access instead.
 *
 * Expected: clean on every profile.
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
	if (PageHighMem(mr->pages[0])) {
		mr->ptr = NULL;	/* the kernel would vmap() this one too */
		return 0;
	}
	mr->ptr = page_address(mr->pages[0]);
	return 0;
}

static void ring_init(struct mapped_region *mr, u32 entries)
{
	struct ring_hdr *hdr = mr->ptr ? mr->ptr : kmap_local_page(mr->pages[0]);

	hdr->head = 0;
	hdr->tail = 0;
	hdr->ring_entries = entries;
	hdr->ring_mask = entries - 1;
	if (!mr->ptr)
		kunmap_local(hdr);
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
