/*
 * memory-error with its site (tests/report_sites.py, label driver): a name
 * is copied out of a highmem page into a buffer allocated without room for
 * its terminator; ASan flags the terminator's store, and the report names
 * that line (marked `kmapsim: here`). The fixed twin allocates the byte.
 */
#include <kmapsim/subject.h>

static char *copy_name(struct page *page, size_t off, size_t len, size_t room)
{
	char *name = kmalloc(room, GFP_KERNEL | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	memcpy(name, kaddr + off, len);
	kunmap_local(kaddr);
	name[len] = '\0'; /* kmapsim: here */
	return name;
}

static void lookup(size_t extra)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, 64);
	size_t len = kmapsim_pick(1, 32);

	kfree(copy_name(page, off, len, len + extra));
	__free_page(page);
}

KMAPSIM_SUBJECT(name_without_terminator)
{
	lookup(0);
}

KMAPSIM_SUBJECT(name_with_terminator)
{
	lookup(1);
}
