/*
 * copy-from-iter-atomic-forcemap, fixed variant.
 *
 * Shows: the copy maps every subpage on its own, whatever the zone, so it
 * never relies on kmap_atomic() returning the direct map.
 *
 * Re-expresses: c749d9b7ebbc "iov_iter: fix copy_page_from_iter_atomic() if
 * KMAP_LOCAL_FORCE_MAP" (Hugh Dickins, 2024; CVE-2024-50222).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 1

static size_t copy_to_folio_atomic(struct page *page, size_t offset,
				   const u8 *src, size_t bytes)
{
	size_t copied = 0;

	while (copied < bytes) {
		size_t pos = offset + copied;
		size_t poff = offset_in_page(pos);
		size_t n = min_t(size_t, bytes - copied, PAGE_SIZE - poff);
		u8 *kaddr = kmap_atomic(nth_page(page, pos / PAGE_SIZE));

		memcpy(kaddr + poff, src + copied, n);
		kunmap_atomic(kaddr);
		copied += n;
	}
	return copied;
}

KMAPSIM_SUBJECT(copy_from_iter_atomic_forcemap)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER, FOLIO_ORDER);
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	size_t offset = kmapsim_pick(0, size - 1);
	size_t bytes = kmapsim_pick(1, size - offset);
	u8 *src;

	if (!folio)
		return;
	src = kzalloc(bytes, GFP_KERNEL);
	if (src)
		copy_to_folio_atomic(folio_page(folio, 0), offset, src, bytes);
	kfree(src);
	folio_put(folio);
}
