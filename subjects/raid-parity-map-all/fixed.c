/*
 * raid-parity-map-all, fixed variant.
 *
 * Shows: the parity routine maps one data page at a time, folds it into
 * the parity buffer and unmaps it before mapping the next, so the stripe
 * width no longer bounds the local mapping stack.
 *
 * Re-expresses: "we can map a maximum of 16 pages per task_struct" (ixgbe
 * kmap conversion thread, 2022).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define STRIPE_ORDER 5
#define STRIPE_PAGES (1 << STRIPE_ORDER)

static void gen_parity(struct folio *stripe, int nr, u8 *parity)
{
	size_t off;
	int i;

	memset(parity, 0, PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		u8 *data = kmap_local_page(folio_page(stripe, i));

		for (off = 0; off < PAGE_SIZE; off++)
			parity[off] ^= data[off];
		kunmap_local(data);
	}
}

KMAPSIM_SUBJECT(raid_parity_map_all)
{
	struct folio *stripe = folio_alloc(GFP_HIGHUSER, STRIPE_ORDER);
	int nr = kmapsim_pick(2, STRIPE_PAGES);
	u8 *parity;

	if (!stripe)
		return;
	parity = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (parity)
		gen_parity(stripe, nr, parity);
	kfree(parity);
	folio_put(stripe);
}
