/*
 * drivers/target/target_core_sbc.c's compare_and_write_do_cmp(), imported
 * unchanged (its file includes <target/...> and <scsi/...> headers): the
 * SCSI COMPARE AND WRITE check of the data read from the backing store
 * against the data the initiator sent. The read side is a scatterlist of
 * single pages at offset 0, as target_alloc_sgl() allocates them (order 0);
 * the compare side goes through sg_copy_to_buffer(), which walks its pages
 * with sg_miter.
 *   caw_compare   1 to 3 highmem pages of data, equal or differing at a
 *                 picked byte, and a compare length within them: the
 *                 function's answer (TCM_NO_SENSE, or TCM_MISCOMPARE_VERIFY
 *                 and the first differing offset) is checked. Two tasks
 *                 compare, one at a time under the tree's struct
 *                 se_device's caw_sem, taken with down_interruptible() as
 *                 sbc_compare_and_write() takes it (a signal ends the wait)
 *   caw_compound  the read side on one order-1 page: the function maps
 *                 sg_page() with kmap_atomic() and compares the entry's
 *                 whole length through it, so a compound entry is read
 *                 past its first page (kmap-overrun where the map is a
 *                 window). target_alloc_sgl()'s order-0 pages never are.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/target/target_core_sbc.c", compare_and_write_do_cmp);

/* the same bytes on both sides: a pattern of the offset in the data */
static void fill(struct page *page, unsigned int order, unsigned int from)
{
	unsigned int i, j;

	for (j = 0; j < 1u << order; j++) {
		u8 *p = kmap_local_page(page + j);

		for (i = 0; i < PAGE_SIZE; i++)
			p[i] = (u8)(from + j * PAGE_SIZE + i);
		kunmap_local(p);
	}
}

static void caw(unsigned int order)
{
	unsigned int n = order ? 1 : kmapsim_pick(1, 3), len_each = PAGE_SIZE << order;
	unsigned int total = n * len_each, cmp_len = kmapsim_pick(1, total);
	int differ = kmapsim_pick(0, 1) ? (int)kmapsim_pick(0, cmp_len - 1) : -1;
	struct scatterlist rd[3], cmp[3];
	struct page *rp[3], *cp[3];
	unsigned int i, miscmp = ~0u;
	sense_reason_t ret;

	sg_init_table(rd, n);
	sg_init_table(cmp, n);
	for (i = 0; i < n; i++) {
		rp[i] = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, order);
		cp[i] = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, order);
		fill(rp[i], order, i * len_each);
		fill(cp[i], order, i * len_each);
		sg_set_page(&rd[i], rp[i], len_each, 0);
		sg_set_page(&cmp[i], cp[i], len_each, 0);
	}
	if (differ >= 0) {
		struct page *p = cp[differ / len_each] + (differ % len_each) / PAGE_SIZE;
		u8 *b = kmap_local_page(p);

		b[differ % PAGE_SIZE] ^= 0xff;
		kunmap_local(b);
	}
	ret = compare_and_write_do_cmp(rd, n, cmp, n, cmp_len, &miscmp);
	if (ret != TCM_OUT_OF_RESOURCES) {	/* kzalloc() may fail */
		BUG_ON(differ < 0 && ret != TCM_NO_SENSE);
		BUG_ON(differ >= 0 && (ret != TCM_MISCOMPARE_VERIFY || miscmp != (unsigned int)differ));
	}
	for (i = 0; i < n; i++) {
		__free_pages(rp[i], order);
		__free_pages(cp[i], order);
	}
}

static struct se_device caw_dev;
static atomic_t caw_inside;

/* one compare under the device's caw_sem: never two at once */
static void caw_locked(void)
{
	BUG_ON(atomic_inc_return(&caw_inside) != 1);
	caw(0);
	atomic_dec(&caw_inside);
	up(&caw_dev.caw_sem);
}

static int caw_task(void *data)
{
	down(&caw_dev.caw_sem);
	caw_locked();
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(caw_compare)
{
	struct completion done;

	init_completion(&done);
	atomic_set(&caw_inside, 0);
	sema_init(&caw_dev.caw_sem, 1);
	kthread_run(caw_task, &done, "caw");
	if (!down_interruptible(&caw_dev.caw_sem))	/* -EINTR: the command fails */
		caw_locked();
	wait_for_completion(&done);
}

KMAPSIM_SUBJECT(caw_compound) { caw(1); }
