/*
 * The folio helpers of linux/highmem.h on large folios that may be highmem
 * (mapped page by page) or lowmem: correct use must stay clean on every
 * profile, including FORCE_MAP (strict), where every page is a separate
 * window and a helper that mapped the folio once would overrun.
 * folio_fill_tail() is not here: written as the kernel's, a copy that ends
 * exactly on a page boundary of a page-by-page-mapped folio hands
 * folio_zero_tail() the address one past the mapped page (kmapsim reports
 * it); see docs/kernel-import.md.
 */
#include <kmapsim/subject.h>

KMAPSIM_SUBJECT(folio_helpers)
{
	unsigned int order = kmapsim_pick(0, 2);
	struct folio *f = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);
	struct folio *g = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);
	size_t size = folio_size(f);
	size_t off = kmapsim_pick(0, size - 1);
	size_t len = kmapsim_pick(0, size - off);
	char *buf = kmalloc(size, GFP_KERNEL | __GFP_NOFAIL);

	memset(buf, 7, size);
	memcpy_to_folio(f, off, buf, len);
	memcpy_from_folio(buf, f, off, len);
	memcpy_folio(g, off, f, off, len);
	folio_zero_range(g, off, len);
	folio_zero_segments(g, 0, off, off + len, size);
	kfree(buf);
	folio_put(g);
	folio_put(f);
}
