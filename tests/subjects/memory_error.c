/*
 * Subjects whose only bug is an ordinary memory error that no kmap rule
 * explains: AddressSanitizer or UBSan finds it in subject code, and kmapsim
 * must report it as memory-error with a crash file and a replay command.
 * Each buggy subject has a fixed twin that must stay clean.
 */
#include <kmapsim/subject.h>

/* Copies a header out of a highmem page into a buffer one byte too short
 * for the longest header the page may hold. */
KMAPSIM_SUBJECT(heap_overflow)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t len = kmapsim_pick(1, 16);
	char *buf = kmalloc(16, GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = kaddr[i];
	buf[len] = '\0';	/* one past the end when len == 16 */
	kunmap_local(kaddr);
	kfree(buf);
	__free_page(page);
}

KMAPSIM_SUBJECT(heap_in_bounds)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t len = kmapsim_pick(1, 16);
	char *buf = kmalloc(17, GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = kaddr[i];
	buf[len] = '\0';
	kunmap_local(kaddr);
	kfree(buf);
	__free_page(page);
}

struct req {
	struct page *page;
	int done;
};

/* The allocation may fail; the failure path dereferences NULL. */
KMAPSIM_SUBJECT(null_after_failed_alloc)
{
	struct req *r = kmalloc(sizeof(*r), GFP_KERNEL);

	r->done = 0;
	kfree(r);
}

KMAPSIM_SUBJECT(null_checked)
{
	struct req *r = kmalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return;
	r->done = 0;
	kfree(r);
}
