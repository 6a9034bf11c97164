/*
 * aio-ring-missing-flush, buggy variant.
 *
 * Shows: a ring page that user space has mmap()ed is updated through a
 * kernel mapping and never flushed. The header written at setup time is
 * flushed; the id stored later, when the ring is entered in the table, is
 * not, so on an aliasing data cache user space reads a stale id.
 *
 * Re-expresses: the fs/aio kmap_local_page() conversion by Fabio M. De
 * Francesco, whose v3 adds "a missing call to flush_dcache_page() in
 * ioctx_add_table()".
 *
 * Expected: strict missing-flush-dcache; x86-32 clean; x86-32-forcemap
 * clean; arm-vivt missing-flush-dcache; x86-64 clean.
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
	struct ring_header *ring = kmap_local_page(page); /* kmapsim: map */

	ring->id = id;          /* the user alias still holds the old id */
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
	kmapsim_user_read(page, 0, &seen, sizeof(seen)); /* kmapsim: here */
	__free_page(page);
}
