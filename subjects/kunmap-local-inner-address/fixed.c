/*
 * kunmap-local-inner-address: a legal pattern (fixed variant only).
 *
 * Shows: kunmap_local() and kunmap_atomic() may be given any address
 * inside the mapped page, not only the address the map call returned. A
 * parser that walks a record and releases the mapping through its cursor
 * (even one at the page's last byte) is correct; a tool that insists on
 * the exact returned address reports a false kunmap-bad-address.
 *
 * Re-expresses: the kernel-doc of kunmap_local() in highmem-internal.h
 * ("can be any address within the mapped page"); kunmap_local_indexed()
 * rounds the address down to its page. Contrast
 * checksum-unmap-end-pointer, whose cursor is one past the page: that is
 * another slot.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

/* Skip @n length-prefixed fields and return the cursor. */
static const u8 *skip_fields(const u8 *p, const u8 *end, unsigned int n)
{
	while (n-- && p < end) {
		unsigned int len = *p;

		p += min_t(size_t, len + 1, end - p - 1);
		if (p >= end - 1)
			break;
	}
	return p;
}

KMAPSIM_SUBJECT(kunmap_local_inner_address)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	unsigned int fields = kmapsim_pick(0, 300);
	unsigned int off = kmapsim_pick(0, PAGE_SIZE - 1);
	const u8 *base, *cursor;
	u8 *abase;

	if (!page)
		return;
	memset_page(page, 0, 7, PAGE_SIZE);

	base = kmap_local_page(page);
	cursor = skip_fields(base, base + PAGE_SIZE, fields);
	kunmap_local(cursor);		/* any byte of the page will do */

	abase = kmap_atomic(page);
	abase[off] = 1;
	kunmap_atomic(abase + off);	/* up to the last byte of the page */

	__free_page(page);
}
