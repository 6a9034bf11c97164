/* SPDX-License-Identifier: MIT */
/*
 * The tree's own ITER_FOLIOQ walk (6.12) moves the right bytes:
 * copy_page_to_iter() from a patterned order-1 page into folios of order
 * 0..2 (lowmem or highmem) in a folio_queue, from an offset anywhere in the
 * first, then every copied byte is read back from its folio and the
 * iterator has advanced by what was copied. The queue is one segment from
 * slot 0, or a segment whose first slots were consumed and cleared (as
 * netfs does) with the iterator at one of its last two slots, so the walk
 * crosses into a second segment through folioq->next. A wrong byte is a
 * BUG_ON (subject-bug).
 *   scripts/kmapsim check --kernel 6.12 tests/kernel/iov_iter_folioq.c
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/iov_iter.c", copy_page_to_iter, iov_iter_folio_queue);

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 1);
}

KMAPSIM_SUBJECT(folioq_copy)
{
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	size_t off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
	size_t bytes = kmapsim_pick(0, 2 * PAGE_SIZE - off);
	struct folio_queue *fq = kzalloc(sizeof(*fq), GFP_KERNEL | __GFP_NOFAIL), *seg = fq, *next = NULL;
	unsigned int first = kmapsim_pick(0, 1) ? PAGEVEC_SIZE - 1 - kmapsim_pick(0, 1) : 0;
	size_t start, have = 0, pos = 0, i, p;
	unsigned int n = 0, k, o = kmapsim_pick(0, 2);
	struct iov_iter it;

	for (p = 0; p < 2; p++) {
		unsigned char *c = kmap_local_page(page + p);

		for (i = 0; i < PAGE_SIZE; i++)
			c[i] = pattern(p * PAGE_SIZE + i);
		kunmap_local(c);
	}
	start = kmapsim_pick(0, (PAGE_SIZE << o) - 1);
	folioq_init(fq, 0);
	if (first) {
		struct folio *used = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);

		for (k = 0; k < first; k++) {
			folioq_append(fq, used);
			folioq_clear(fq, k);
		}
		folio_put(used);
	}
	while (have < start + bytes || !n) {
		if (folioq_full(seg)) {
			BUG_ON(next);
			next = kzalloc(sizeof(*next), GFP_KERNEL | __GFP_NOFAIL);
			folioq_init(next, 0);
			seg->next = next;
			next->prev = seg;
			seg = next;
		}
		folioq_append(seg, folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, o));
		have += PAGE_SIZE << o;
		n++;
		o = kmapsim_pick(0, 2);
	}
	iov_iter_folio_queue(&it, ITER_DEST, fq, first, start, bytes);
	BUG_ON(copy_page_to_iter(page, off, bytes, &it) != bytes);
	BUG_ON(iov_iter_count(&it) != 0);
	for (k = 0; k < n; k++) {
		unsigned int slot = first + k;
		struct folio *f = slot < PAGEVEC_SIZE ? folioq_folio(fq, slot) : folioq_folio(next, slot - PAGEVEC_SIZE);

		for (p = 0; p < folio_size(f); p += PAGE_SIZE) {
			size_t lo = pos + p, hi = lo + PAGE_SIZE;
			unsigned char *c;

			if (hi <= start || lo >= start + bytes)
				continue;
			c = kmap_local_folio(f, p);
			for (i = lo > start ? lo : start; i < hi && i < start + bytes; i++)
				BUG_ON(c[i - lo] != pattern(off + i - start));
			kunmap_local(c);
		}
		pos += folio_size(f);
		folio_put(f);
	}
	kfree(fq);
	kfree(next);
	__free_pages(page, 1);
}
