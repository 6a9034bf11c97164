/*
 * aio-read-events-atomic-copy, fixed variant.
 *
 * Shows: the ring page is mapped with kmap_local_page(), which leaves page
 * faults and preemption enabled, so copy_to_user() may fault the user page
 * in (and sleep) and the copy completes.
 *
 * Re-expresses: aio_read_events_ring() in fs/aio, which kept a sleeping
 * mapping around copy_to_user(); see the fs/aio kmap_local_page()
 * conversion by Fabio M. De Francesco.
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
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
	struct ring_event *ev = kmap_local_page(ring_page);
	unsigned long left;

	left = copy_to_user(uevents, ev + head, nr * sizeof(*ev));
	kunmap_local(ev);
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
