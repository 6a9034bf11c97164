/*
 * raid-parity-map-all, buggy variant.
 *
 * Shows: a parity routine maps every data page of a stripe at once with
 * kmap_local_page(), keeping all the mappings nested while it XORs them.
 * The local mapping stack holds 16 entries with DEBUG_KMAP_LOCAL and 15
 * without, so a wide enough stripe overflows it.
 *
 * Re-expresses: "we can map a maximum of 16 pages per task_struct" (ixgbe
 * kmap conversion thread, 2022), applied to the map-the-whole-array pattern
 * of the btrfs raid56 kmap_local conversion (Ira Weiny, 2021).
 *
 * Expected: strict kmap-slot-overflow (17 pages); x86-32 kmap-slot-overflow
 * (16 highmem pages); x86-32-forcemap kmap-slot-overflow (17 pages);
 * arm-vivt kmap-slot-overflow (16 highmem pages); x86-64 clean.
 */
#include <kmapsim/subject.h>

#define STRIPE_ORDER 5
#define STRIPE_PAGES (1 << STRIPE_ORDER)

static void gen_parity(struct folio *stripe, int nr, u8 *parity)
{
	u8 *data[STRIPE_PAGES];
	size_t off;
	int i;

	for (i = 0; i < nr; i++)
		data[i] = kmap_local_page(folio_page(stripe, i)); /* kmapsim: here */ /* kmapsim: map */
	memset(parity, 0, PAGE_SIZE);
	for (i = 0; i < nr; i++)
		for (off = 0; off < PAGE_SIZE; off++)
			parity[off] ^= data[i][off];
	while (i--)
		kunmap_local(data[i]);
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
