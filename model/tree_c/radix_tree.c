/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the radix-tree API (include/linux/radix-tree.h, whose root is
 * the XArray since 4.20), written for kmapsim over the model's XArray and
 * the tree's struct radix_tree_preload. Like filemap.c, compiled into a
 * unit that calls it, after the tree's types.
 *
 * What it keeps: an insert into an index that holds an entry is -EEXIST;
 * the tree's nodes come from kmalloc() with the root's gfp, so an insert
 * may fail with -ENOMEM, and a preload keeps one node per CPU that an
 * insert which may not block takes when its own allocation fails (the
 * model stores one record per entry, so one node covers one insert, which
 * is what a preload promises). radix_tree_preload() and
 * radix_tree_maybe_preload() return 0 holding the per-CPU preload lock
 * (preemption disabled until radix_tree_preload_end(), the tree's inline),
 * and a failed preload returns -ENOMEM without it, as lib/radix-tree.c's.
 * What it leaves out: tags, gang lookups, slots and iterators (a call of
 * one stops the run as unmodelled), and the IDR.
 */

DEFINE_PER_CPU(struct radix_tree_preload, radix_tree_preloads) = {
	.lock = INIT_LOCAL_LOCK(lock),
};

/* gfp may block: fill this CPU's pool, dropping the lock to allocate */
static int kmapsim_radix_tree_preload(gfp_t gfp_mask)
{
	struct radix_tree_preload *rtp;
	struct radix_tree_node *node;

	local_lock(&radix_tree_preloads.lock);
	rtp = this_cpu_ptr(&radix_tree_preloads);
	while (!rtp->nr) {
		local_unlock(&radix_tree_preloads.lock);
		node = kmapsim_xa_node_alloc(gfp_mask);
		if (!node)
			return -ENOMEM;
		local_lock(&radix_tree_preloads.lock);
		rtp = this_cpu_ptr(&radix_tree_preloads);
		if (!rtp->nr) {
			rtp->nodes = node;
			rtp->nr = 1;
		} else {
			kfree(node);	/* the task moved to a CPU whose pool is full */
		}
	}
	return 0;
}

int radix_tree_preload(gfp_t gfp_mask)
{
	WARN_ON_ONCE(!gfpflags_allow_blocking(gfp_mask));
	return kmapsim_radix_tree_preload(gfp_mask);
}

int radix_tree_maybe_preload(gfp_t gfp_mask)
{
	if (gfpflags_allow_blocking(gfp_mask))
		return kmapsim_radix_tree_preload(gfp_mask);
	/* a pool would not help an allocation that may not block */
	local_lock(&radix_tree_preloads.lock);
	return 0;
}

int radix_tree_insert(struct radix_tree_root *root, unsigned long index, void *item)
{
	gfp_t gfp = root->xa_flags;	/* INIT_RADIX_TREE()'s mask: tags and the IDR are not modelled */
	struct radix_tree_preload *rtp;
	XA_STATE(xas, root, index);

	BUG_ON(radix_tree_is_internal_node(item));
	if (xas_load(&xas))
		return -EEXIST;
	xas.xa_alloc = kmapsim_xa_node_alloc(gfpflags_allow_blocking(gfp) ? gfp : gfp | __GFP_NOWARN);
	if (!xas.xa_alloc && !gfpflags_allow_blocking(gfp) && !in_interrupt()) {
		rtp = this_cpu_ptr(&radix_tree_preloads);
		if (rtp->nr) {
			xas.xa_alloc = rtp->nodes;
			rtp->nodes = NULL;
			rtp->nr = 0;
		}
	}
	if (!xas.xa_alloc)
		return -ENOMEM;
	xas_store(&xas, item);
	return 0;
}

void *radix_tree_lookup(const struct radix_tree_root *root, unsigned long index)
{
	return xa_load((struct xarray *)root, index);
}

void *radix_tree_delete(struct radix_tree_root *root, unsigned long index)
{
	return __xa_erase(root, index);
}
