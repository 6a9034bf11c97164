/*
 * aio-ring-missing-flush, fixed variant.
 *
 * Shows: every kernel-side write to the user-mapped ring page is followed
 * by flush_dcache_page() before the mapping goes away, so the user alias
 * sees the new id on an aliasing data cache too.
 *
 * Re-expresses: the fs/aio kmap_local_page() conversion by Fabio M. De
 * Francesco, whose v3 adds "a missing call to flush_dcache_page() in
 * ioctx_add_table()".
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define RING_MAGIC 0xa10a10a1

struct ring_header {
	u32 id;
	u32 nr;
	u32 head;
	u32 tail;
	u32 magic;
};

static void setup_ring(struct page *page, u32 nr)
{
	struct ring_header *ring = kmap_local_page(page);

	ring->id = ~0U;
	ring->nr = nr;
	ring->head = 0;
	ring->tail = 0;
	ring->magic = RING_MAGIC;
	flush_dcache_page(page);
	kunmap_local(ring);
}

static void add_to_table(struct page *page, u32 id)
{
	struct ring_header *ring = kmap_local_page(page);

	ring->id = id;
	flush_dcache_page(page);
	kunmap_local(ring);
}

KMAPSIM_SUBJECT(aio_ring_missing_flush)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	struct ring_header seen;

	if (!page)
		return;
	kmapsim_user_map(page);         /* io_setup() maps the ring */
	setup_ring(page, kmapsim_pick(1, 128));
	add_to_table(page, kmapsim_pick(0, 0xffff));
	kmapsim_user_read(page, 0, &seen, sizeof(seen));
	__free_page(page);
}
