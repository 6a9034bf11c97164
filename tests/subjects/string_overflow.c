/*
 * A heap overflow inside a C library string function: subject files are
 * compiled with -fno-builtin, so strlen() is ASan's interceptor, whose
 * frame has no source line ("strlen (subject+0x9d473) (BuildId: ...)").
 * The report must name the subject's call (tests/cli/test_check_sites.py).
 * The terminated twin must stay clean.
 */
#include <kmapsim/subject.h>

/* A name copied out of a mapped page without its terminating NUL when it
 * fills the buffer: strlen() reads past the buffer. */
static void name_len(int terminate)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *name = kmalloc(16, GFP_KERNEL | __GFP_NOFAIL);
	size_t n = kmapsim_pick(1, 16);
	char *kaddr = kmap_local_page(page);

	memset(kaddr, 'a', n);
	memcpy(name, kaddr, n);
	kunmap_local(kaddr);
	if (terminate || n < 16)
		name[n < 16 ? n : 15] = '\0';
	if (strlen(name) > 16)
		kmapsim_pick(0, 1);
	kfree(name);
	__free_page(page);
}

KMAPSIM_SUBJECT(strlen_overflow)
{
	name_len(0);
}

KMAPSIM_SUBJECT(strlen_in_bounds)
{
	name_len(1);
}
