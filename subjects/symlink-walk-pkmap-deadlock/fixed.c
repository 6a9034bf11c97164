/*
 * symlink-walk-pkmap-deadlock, fixed variant.
 *
 * Shows: link bodies are kept out of highmem (allocated without
 * __GFP_HIGHMEM, as inode_nohighmem() arranges), so they are read through
 * page_address() and the walk takes no PKMAP slot at all.
 *
 * Re-expresses: 21fc61c73c39 "don't put symlink bodies in pagecache into
 * highmem" (Al Viro, 2015).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64 and
 * their -tiny variants.
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
	struct folio *bodies = folio_alloc(GFP_KERNEL, LINK_ORDER);
	int depth = kmapsim_pick(1, MAX_DEPTH);
	int i;

	if (!bodies)
		return;
	for (i = 0; i < depth; i++) {
		const char *body = page_address(folio_page(bodies, i));

		w->hash = w->hash * 31 + body[0];       /* next link */
	}
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
