/* SPDX-License-Identifier: MIT */
/*
 * The tree's own ITER_XARRAY walk moves the
 * right bytes on kmapsim's XArray and folios: copy_page_to_iter() from a
 * patterned order-1 page into folios of order 0..2 (lowmem or highmem) at
 * a start anywhere in the first, then every copied byte is read back from
 * the folio and file position it belongs to, and the iterator has advanced
 * by what was copied. A wrong byte is a BUG_ON (subject-bug).
 *   scripts/kmapsim check --kernel 6.1 tests/kernel/iov_iter_folios.c
 * tests/kernel/iov_iter_folioq.c does the same for 6.12's ITER_FOLIOQ.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/iov_iter.c", copy_page_to_iter, iov_iter_xarray);

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 1);
}

static struct page *patterned_page(void)
{
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	size_t i;
	int p;

	for (p = 0; p < 2; p++) {
		unsigned char *k = kmap_local_page(page + p);

		for (i = 0; i < PAGE_SIZE; i++)
			k[i] = pattern(p * PAGE_SIZE + i);
		kunmap_local(k);
	}
	return page;
}

/* folios[k] holds file bytes [pos[k], pos[k] + folio_size) */
static void check_copied(struct folio **fo, size_t *pos, unsigned int n, size_t start, size_t off,
			 size_t bytes)
{
	unsigned int k;

	for (k = 0; k < n; k++) {
		size_t p;

		for (p = 0; p < folio_size(fo[k]); p += PAGE_SIZE) {
			size_t lo = pos[k] + p, hi = lo + PAGE_SIZE, i;
			unsigned char *c;

			if (hi <= start || lo >= start + bytes)
				continue;
			c = kmap_local_folio(fo[k], p);
			for (i = lo > start ? lo : start; i < hi && i < start + bytes; i++)
				BUG_ON(c[i - lo] != pattern(off + i - start));
			kunmap_local(c);
		}
	}
}

KMAPSIM_SUBJECT(xarray_copy)
{
	static struct xarray xa;
	struct page *page = patterned_page();
	size_t off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
	size_t bytes = kmapsim_pick(0, 2 * PAGE_SIZE - off);
	size_t start = kmapsim_pick(0, PAGE_SIZE + 1);
	struct folio *fo[8];
	size_t pos[8], have = 0;
	unsigned long index = 0;
	unsigned int n = 0, k;
	struct iov_iter it;

	xa_init(&xa);
	while (have < start + bytes || !n) {
		unsigned int o = kmapsim_pick(0, 2);

		while (index & ((1UL << o) - 1))
			o--;
		fo[n] = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, o);
		pos[n] = index * PAGE_SIZE;
		{
			XA_STATE_ORDER(xas, &xa, index, o);

			do {
				xas_lock(&xas);
				xas_store(&xas, fo[n]);
				xas_unlock(&xas);
			} while (xas_nomem(&xas, GFP_KERNEL | __GFP_NOFAIL));
		}
		index += 1UL << o;
		have += folio_size(fo[n++]);
	}
	iov_iter_xarray(&it, ITER_DEST, &xa, start, bytes);
	BUG_ON(copy_page_to_iter(page, off, bytes, &it) != bytes);
	BUG_ON(iov_iter_count(&it) != 0);
	check_copied(fo, pos, n, start, off, bytes);
	xa_destroy(&xa);
	for (k = 0; k < n; k++)
		folio_put(fo[k]);
	__free_pages(page, 1);
}
