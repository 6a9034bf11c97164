// SPDX-License-Identifier: MIT
/*
 * The kernel's shared zero page (ZERO_PAGE()), which imported code maps
 * and copies from for holes and padding (fs/dax.c, mm/ksm.c, dm-crypt):
 *   zero_page_ok       it reads as zeroes through kmap_local_page() and
 *                      page_address(), is lowmem, the same page each time,
 *                      and takes get_page()/put_page() like any other
 *   zero_page_written  a memset() through its mapping: every later reader
 *                      of zeroes would read the bytes (subject-bug)
 */
#include <kmapsim/subject.h>

KMAPSIM_SUBJECT(zero_page_ok)
{
	struct page *zero = ZERO_PAGE(0);
	const char *p = kmap_local_page(zero);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);

	BUG_ON(p[off] || p[PAGE_SIZE - 1]);
	kunmap_local(p);
	BUG_ON(ZERO_PAGE(4096) != zero || !is_zero_page(zero) || PageHighMem(zero));
	BUG_ON(((const char *)page_address(zero))[off]);
	get_page(zero);
	put_page(zero);
	put_page(zero);	/* a reference nobody took: still never freed */
}

KMAPSIM_SUBJECT(zero_page_written)
{
	char *p = kmap_local_page(ZERO_PAGE(0));

	memset(p + kmapsim_pick(0, PAGE_SIZE - 8), 0xff, 8);
	kunmap_local(p);
}
