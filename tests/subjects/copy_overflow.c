/*
 * A heap overflow in memcpy() and nothing else: the subject makes no load
 * or store of its own that ASan instruments, so its memcpy() is ASan's
 * interceptor itself, whose frame has no source line. The report must name
 * the subject's call (tests/cli/test_check_sites.py). The in-bounds twin
 * must stay clean.
 */
#include <kmapsim/subject.h>

/* Copies a record of up to 17 bytes out of a 16-byte buffer into a mapped
 * page: one byte past the buffer when len == 17. */
KMAPSIM_SUBJECT(memcpy_overflow)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *rec = kmalloc(16, GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	memset(rec, 0, 16);
	memcpy(kaddr, rec, kmapsim_pick(1, 17));
	kunmap_local(kaddr);
	kfree(rec);
	__free_page(page);
}

KMAPSIM_SUBJECT(memcpy_in_bounds)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *rec = kmalloc(16, GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	memset(rec, 0, 16);
	memcpy(kaddr, rec, kmapsim_pick(1, 16));
	kunmap_local(kaddr);
	kfree(rec);
	__free_page(page);
}
