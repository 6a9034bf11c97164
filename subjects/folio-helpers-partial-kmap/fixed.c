/*
 * folio-helpers-partial-kmap, fixed variant.
 *
 * Shows: the chunk is limited to the end of the current page whenever
 * folio_test_partial_kmap() says a mapping covers one page only: for a
 * highmem folio, and for every folio under DEBUG_KMAP_LOCAL_FORCE_MAP.
 *
 * Re-expresses: the highmem.h folio helpers (memcpy_from_folio() and
 * friends) before 97dfbbd135cb added folio_test_partial_kmap() (2025;
 * Fixes 00cdf76012ab); the same lowmem shortcut as c749d9b7ebbc.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 2

/* Copy @len bytes at @offset of @folio to @to, one mapping per chunk. */
static void fs_copy_from_folio(char *to, struct folio *folio, size_t offset,
			       size_t len)
{
	while (len) {
		const char *from = kmap_local_folio(folio, offset);
		size_t chunk = len;

		if (folio_test_partial_kmap(folio) &&
		    chunk > PAGE_SIZE - offset_in_page(offset))
			chunk = PAGE_SIZE - offset_in_page(offset);
		memcpy(to, from, chunk);
		kunmap_local(from);
		to += chunk;
		offset += chunk;
		len -= chunk;
	}
}

KMAPSIM_SUBJECT(folio_helpers_partial_kmap)
{
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	struct folio *folio = folio_alloc(GFP_HIGHUSER_MOVABLE, FOLIO_ORDER);
	size_t offset = kmapsim_pick(0, size - 1);
	size_t len = kmapsim_pick(1, size - offset);
	char *buf;

	if (!folio)
		return;
	buf = kmalloc(len, GFP_KERNEL);
	if (buf) {
		fs_copy_from_folio(buf, folio, offset, len);
		kfree(buf);
	}
	folio_put(folio);
}
