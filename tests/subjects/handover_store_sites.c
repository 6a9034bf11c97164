/*
 * kmap-escape through a marked store, with the hand-over's site
 * (tests/report_sites.py, label driver): a reader kthread waits for a
 * published buffer pointer and sums the buffer. The buggy publishers store
 * their kmap_local_page() address itself (with WRITE_ONCE() or
 * smp_store_release()), so the reader uses another task's local mapping;
 * the report names the store as the hand-over (the lines marked
 * `kmapsim: handover`). The fixed publisher copies the page into a buffer
 * of its own first and stays clean.
 */
#include <kmapsim/subject.h>

struct pub {
	const u8 *buf;
	size_t len;
	u32 sum;
	int done;
};

static int reader_fn(void *data)
{
	struct pub *p = data;
	const u8 *buf;
	size_t i;

	while (!(buf = READ_ONCE(p->buf)))
		cpu_relax();
	for (i = 0; i < p->len; i++)
		p->sum = p->sum * 31 + buf[i]; /* kmapsim: here */
	smp_store_release(&p->done, 1);
	return 0;
}

static void wait_reader(struct pub *p)
{
	while (!smp_load_acquire(&p->done))
		cpu_relax();
}

static struct pub *start_reader(void)
{
	struct pub *p = kzalloc(sizeof(*p), GFP_KERNEL | __GFP_NOFAIL);

	p->len = kmapsim_pick(1, 64);
	kthread_run(reader_fn, p, "reader");
	return p;
}

KMAPSIM_SUBJECT(publish_mapped)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	struct pub *p = start_reader();
	u8 *kaddr = kmap_local_page(page); /* kmapsim: map */

	WRITE_ONCE(p->buf, kaddr); /* kmapsim: handover */
	wait_reader(p);
	kunmap_local(kaddr);
	__free_page(page);
	kfree(p);
}

KMAPSIM_SUBJECT(publish_mapped_release)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	struct pub *p = start_reader();
	u8 *kaddr = kmap_local_page(page); /* kmapsim: map */

	smp_store_release(&p->buf, kaddr); /* kmapsim: handover */
	wait_reader(p);
	kunmap_local(kaddr);
	__free_page(page);
	kfree(p);
}

KMAPSIM_SUBJECT(publish_copied)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_NOFAIL);
	struct pub *p = start_reader();
	void *copy = kmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_NOFAIL);

	memcpy_from_page(copy, page, 0, PAGE_SIZE);
	WRITE_ONCE(p->buf, (const u8 *)copy);
	wait_reader(p);
	kfree(copy);
	__free_page(page);
	kfree(p);
}
