/*
 * folio-helpers-partial-kmap, buggy variant.
 *
 * Shows: a folio copy helper maps the folio once per chunk with
 * kmap_local_folio() and limits a chunk to the end of the current page
 * only when folio_test_highmem() says the folio is highmem. A lowmem large
 * folio is copied in one chunk. Under DEBUG_KMAP_LOCAL_FORCE_MAP a lowmem
 * page also gets a one-page temporary mapping, so the single chunk runs off
 * the end of the mapped page.
 *
 * Re-expresses: the highmem.h folio helpers (memcpy_from_folio() and
 * friends) before 97dfbbd135cb added folio_test_partial_kmap() (2025;
 * Fixes 00cdf76012ab); the same lowmem shortcut as c749d9b7ebbc.
 *
 * Expected: kmap-overrun on strict and x86-32-forcemap (lowmem folio);
 * clean on x86-32, arm-vivt, x86-64 and x86-64-forcemap.
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

		if (folio_test_highmem(folio) &&
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
