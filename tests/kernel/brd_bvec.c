/*
 * drivers/block/brd.c's brd_do_bvec() unchanged: the RAM disk's copy of
 * one bio segment to or from its backing pages, which are allocated on
 * first write with __GFP_HIGHMEM and kept in an xarray (6.12) or a radix
 * tree under brd_lock (6.1), and mapped with kmap_atomic() while the
 * segment's own page is mapped too.
 *
 * Two writers each write one picked segment (a picked sector, length and
 * offset in their page, a length of up to a page, so a segment may cross
 * one of the disk's pages) at the same time, so both may allocate the
 * same backing page and one of them takes brd_insert_page()'s lost-race
 * path (6.12: __xa_insert() says -EBUSY; 6.1: radix_tree_insert() fails
 * and the page already there is used). Then main reads every sector back
 * and compares it with what the later of two overlapping writes left.
 *   write_read  clean on 6.1 and 6.12. Found when patched in: a second
 *               page's copy at the first page's offset (kmap-overrun), a
 *               lost insert race returned as an error (the harness's
 *               BUG_ON: only an allocation may fail a write), 6.1's
 *               radix-tree preload never ended (sleep-in-atomic).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/block/brd.c", brd_do_bvec);

#define DISK_SECTORS (3 * PAGE_SECTORS)

struct writer {
	struct brd_device *brd;
	struct completion done;
	sector_t sector;
	unsigned int len, off;
	unsigned char fill;
	int err;
};

static int writer_fn(void *data)
{
	struct writer *w = data;
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	unsigned char *p = kmap_local_page(page);

	memset(p, 0x11, PAGE_SIZE);
	memset(p + w->off, w->fill, w->len);
	kunmap_local(p);
	w->err = brd_do_bvec(w->brd, page, w->len, w->off, REQ_OP_WRITE, w->sector);
	__free_page(page);
	complete(&w->done);
	return 0;
}

static void pick_segment(struct writer *w, struct brd_device *brd, unsigned char fill)
{
	w->brd = brd;
	w->fill = fill;
	w->sector = kmapsim_pick_named("sector", 0, DISK_SECTORS - PAGE_SECTORS);
	w->len = kmapsim_pick_named("sectors", 1, PAGE_SECTORS) << SECTOR_SHIFT;
	w->off = kmapsim_pick_named("offset", 0, (PAGE_SIZE - w->len) >> SECTOR_SHIFT) << SECTOR_SHIFT;
	init_completion(&w->done);
}

static bool covers(const struct writer *w, sector_t s)
{
	return !w->err && s >= w->sector && s < w->sector + (w->len >> SECTOR_SHIFT);
}

/* A sector is inside one of the disk's pages, so one memcpy() wrote it
 * whole: it holds one writer's fill, the later one's where both wrote it
 * (either order is right), or zeroes where neither did.
 */
static void check_sector(const struct writer *w, sector_t s, const unsigned char *p)
{
	BUG_ON(memchr_inv(p, p[0], SECTOR_SIZE));
	if (covers(&w[0], s) && p[0] == w[0].fill)
		return;
	if (covers(&w[1], s) && p[0] == w[1].fill)
		return;
	BUG_ON(covers(&w[0], s) || covers(&w[1], s) || p[0]);
}

KMAPSIM_SUBJECT(write_read)
{
	struct brd_device *brd = kzalloc(sizeof(*brd), GFP_KERNEL | __GFP_NOFAIL);
	struct writer w[2];
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	unsigned long idx;
	struct page *bp;
	unsigned char *p;
	sector_t s;
	int i;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	xa_init(&brd->brd_pages);
#else
	spin_lock_init(&brd->brd_lock);
	INIT_RADIX_TREE(&brd->brd_pages, GFP_ATOMIC);
#endif
	pick_segment(&w[0], brd, 0xa0);
	pick_segment(&w[1], brd, 0xb0);
	for (i = 0; i < 2; i++)
		kthread_run(writer_fn, &w[i], "brd-writer");
	for (i = 0; i < 2; i++) {
		wait_for_completion(&w[i].done);
		/* only an allocation may fail: losing the insert race is not an error */
		BUG_ON(w[i].err && w[i].err != -ENOMEM);
	}

	for (s = 0; s < DISK_SECTORS; s++) {
		BUG_ON(brd_do_bvec(brd, page, SECTOR_SIZE, 0, REQ_OP_READ, s));
		p = kmap_local_page(page);
		check_sector(w, s, p);
		kunmap_local(p);
	}

	__free_page(page);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	xa_for_each(&brd->brd_pages, idx, bp)
		__free_page(bp);
	xa_destroy(&brd->brd_pages);
#else
	for (idx = 0; idx < DISK_SECTORS / PAGE_SECTORS; idx++) {
		bp = radix_tree_delete(&brd->brd_pages, idx);
		if (bp)
			__free_page(bp);
	}
#endif
	kfree(brd);
}
