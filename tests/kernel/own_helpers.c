/*
 * A subject that defines helpers kmapsim also implements (copy_page_to_iter,
 * memcpy_from_page): its own versions replace kmapsim's, both link and run
 * (the BUG_ON fires if kmapsim's ran instead).
 */
#include <kmapsim/subject.h>
static int mine;
size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)
{
	mine++;
	return 0;
}
void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len)
{
	mine += 10;
}
KMAPSIM_SUBJECT(own)
{
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	char buf[8];
	struct kvec kv = { buf, 8 };
	struct iov_iter it;

	mine = 0;
	iov_iter_kvec(&it, READ, &kv, 1, 8);
	copy_page_to_iter(p, 0, 8, &it);
	memcpy_from_page(buf, p, 0, 8);
	BUG_ON(mine != 11);	/* the subject's own helpers ran, not kmapsim's */
	__free_page(p);
}
