/*
 * kmap-local-folio-deep-offset: a legal pattern (fixed variant only).
 *
 * Shows: kmap_local_folio(folio, offset) with an offset several pages into
 * a large folio maps the page that holds that offset and returns the
 * address of the byte itself. Accesses from there to the end of that page
 * are inside the mapping, and kunmap_local() is given the returned
 * (unaligned) address. A tool that assumes the mapping starts at the
 * folio's head page, or at the returned address, reports false overruns.
 *
 * Re-expresses: kmap_local_folio() in highmem-internal.h (the page is
 * folio_page(folio, offset / PAGE_SIZE), the address adds offset %
 * PAGE_SIZE); its users in the folio helpers and filemap.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 2

KMAPSIM_SUBJECT(kmap_local_folio_deep_offset)
{
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	struct folio *folio = folio_alloc(GFP_HIGHUSER_MOVABLE, FOLIO_ORDER);
	size_t offset = kmapsim_pick(0, size - 1);
	size_t len = kmapsim_pick(1, PAGE_SIZE - offset_in_page(offset));
	size_t back = kmapsim_pick(0, offset_in_page(offset));
	u8 *p, first;
	size_t i;

	if (!folio)
		return;
	p = kmap_local_folio(folio, offset);
	for (i = 0; i < len; i++)	/* forward, to the end of the page */
		p[i] = (u8)i;
	first = p[-(long)back];		/* back, as far as the page's start */
	(void)first;
	kunmap_local(p);
	folio_put(folio);
}
