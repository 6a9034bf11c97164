/*
 * A heap overflow inside kmapsim's own copy: copy_to_user() from a kernel
 * buffer shorter than the length is a read past the buffer made by the
 * model's user copy (UserMem::copy_user), whose frame has a source line of
 * kmapsim's. The report must name the subject's call
 * (tests/cli/test_check_sites.py). The twin within the buffer must stay
 * clean.
 */
#include <kmapsim/subject.h>

/* A record read out of a mapped page into a 16-byte buffer, then handed
 * to user space with the length the caller asked for. */
static void copy_record(int bounded)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *rec = kmalloc(16, GFP_KERNEL | __GFP_NOFAIL);
	char __user *ubuf = kmapsim_user_buffer(32);
	size_t n = kmapsim_pick(1, 17);
	char *kaddr = kmap_local_page(page);

	memcpy(rec, kaddr, 16);
	kunmap_local(kaddr);
	if (bounded && n > 16)
		n = 16;
	if (copy_to_user(ubuf, rec, n))
		kmapsim_pick(0, 1);
	kfree(rec);
	__free_page(page);
}

KMAPSIM_SUBJECT(user_copy_overflow)
{
	copy_record(0);
}

KMAPSIM_SUBJECT(user_copy_in_bounds)
{
	copy_record(1);
}
