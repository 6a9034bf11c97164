/*
 * aio-read-events-atomic-copy, buggy variant.
 *
 * Shows: completed events are copied from a ring page to the user's array
 * with copy_to_user() inside kmap_atomic(). kmap_atomic() disables page
 * faults on every configuration, so when the user page is not present the
 * copy comes back short instead of faulting the page in, and the reader
 * gets -EFAULT for a perfectly valid buffer.
 *
 * Re-expresses: aio_read_events_ring() in fs/aio, which kept a sleeping
 * mapping (kmap(), later kmap_local_page()) around copy_to_user() for
 * exactly this reason; see the fs/aio kmap_local_page() conversion by Fabio
 * M. De Francesco and "fs/aio: Stop allocating aio rings from HIGHMEM"
 * (2023). This variant is the conversion that must not be made.
 *
 * Expected: fault-in-atomic on strict, x86-32, x86-32-forcemap, arm-vivt
 * and x86-64 (page faults are disabled by kmap_atomic() everywhere).
 */
#include <kmapsim/subject.h>

struct ring_event {
	u64 data;
	u64 obj;
	u64 res;
	u64 res2;
};

#define EVENTS_PER_PAGE (PAGE_SIZE / sizeof(struct ring_event))

static long read_events(struct page *ring_page, size_t head, size_t nr,
			void __user *uevents)
{
	struct ring_event *ev = kmap_atomic(ring_page); /* kmapsim: map */
	unsigned long left;

	left = copy_to_user(uevents, ev + head, nr * sizeof(*ev)); /* kmapsim: here */
	kunmap_atomic(ev);
	return left ? -EFAULT : (long)nr;
}

KMAPSIM_SUBJECT(aio_read_events_atomic_copy)
{
	struct page *ring_page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t head = kmapsim_pick(0, EVENTS_PER_PAGE - 1);
	size_t nr = kmapsim_pick(1, EVENTS_PER_PAGE - head);
	void __user *uevents;

	if (!ring_page)
		return;
	uevents = kmapsim_user_buffer(nr * sizeof(struct ring_event));
	read_events(ring_page, head, nr, uevents);
	__free_page(ring_page);
}
