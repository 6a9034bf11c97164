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

struct entry {
	char *name;
};

/*
 * A pointer read from memory nothing wrote: fresh kmalloc() memory holds
 * 0x6b bytes, so the pointer is 0x6b6b6b6b6b6b6b6b, outside the address
 * space. The report names the subject's line, not kmapsim's access check.
 */
KMAPSIM_SUBJECT(wild_pointer_read)
{
	struct entry *e = kmalloc(sizeof(*e), GFP_KERNEL | __GFP_NOFAIL);
	char c = e->name[0];

	(void)c;
	kfree(e);
}

KMAPSIM_SUBJECT(pointer_written_read)
{
	static char name[] = "x";
	struct entry *e = kmalloc(sizeof(*e), GFP_KERNEL | __GFP_NOFAIL);
	char c;

	e->name = name;
	c = e->name[0];
	(void)c;
	kfree(e);
}

/* The same pointer freed: the report names the poison value. */
KMAPSIM_SUBJECT(poison_pointer_freed)
{
	struct entry *e = kmalloc(sizeof(*e), GFP_KERNEL | __GFP_NOFAIL);

	kfree(e->name);
	kfree(e);
}

KMAPSIM_SUBJECT(written_pointer_freed)
{
	struct entry *e = kmalloc(sizeof(*e), GFP_KERNEL | __GFP_NOFAIL);

	e->name = kmalloc(2, GFP_KERNEL | __GFP_NOFAIL);
	kfree(e->name);
	kfree(e);
}
