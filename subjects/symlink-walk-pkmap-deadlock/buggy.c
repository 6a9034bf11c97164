/*
 * symlink-walk-pkmap-deadlock, buggy variant.
 *
 * Shows: three walkers each follow a chain of links whose bodies sit in
 * highmem pages and keep every body kmap()ed until the walk ends. Together
 * they can hold every PKMAP slot while each still asks for one more: every
 * walker sleeps in kmap() waiting for a slot only another waiter can free.
 * Holding at most 3 * 256 = 768 slots, the pool runs out only where
 * LAST_PKMAP < 768 (ARM's 512, the 8-slot -tiny profiles).
 *
 * Re-expresses: 21fc61c73c39 "don't put symlink bodies in pagecache into
 * highmem" (Al Viro, 2015): holding a kmap per link across a walk allows
 * "an arbitrary number of kmaps for long", "a great way to deadlocking the
 * system".
 *
 * Expected: arm-vivt pkmap-deadlock (512 slots); strict, x86-32 and
 * x86-32-forcemap clean (1024 slots); x86-64 clean; strict-tiny and
 * x86-32-tiny (8 slots) pkmap-deadlock.
 */
#include <kmapsim/subject.h>

#define LINK_ORDER 8
#define MAX_DEPTH (1 << LINK_ORDER)
#define NR_WALKERS 3

struct walker {
	struct completion done;
	u32 hash;
};

static void walk_links(struct walker *w)
{
	struct folio *bodies = folio_alloc(GFP_HIGHUSER, LINK_ORDER);
	int depth = kmapsim_pick(1, MAX_DEPTH);
	int i;

	if (!bodies)
		return;
	for (i = 0; i < depth; i++) {
		const char *body = kmap(folio_page(bodies, i)); /* kmapsim: here */

		w->hash = w->hash * 31 + body[0];       /* next link */
	}
	while (i--)
		kunmap(folio_page(bodies, i));
	folio_put(bodies);
}

static int walker_fn(void *data)
{
	struct walker *w = data;

	walk_links(w);
	complete(&w->done);
	return 0;
}

KMAPSIM_SUBJECT(symlink_walk_pkmap_deadlock)
{
	struct walker w[NR_WALKERS];
	int i;

	for (i = 0; i < NR_WALKERS; i++) {
		init_completion(&w[i].done);
		w[i].hash = 0;
		kthread_run(walker_fn, &w[i], "walker");
	}
	for (i = 0; i < NR_WALKERS; i++)
		wait_for_completion(&w[i].done);
}
