/*
 * fs/jbd2/commit.c's jbd2_checksum_data(), imported unchanged: the v1
 * journal checksum of a data buffer, read through a temporary mapping of
 * the buffer's page (6.1: kmap_atomic() and offset_in_page(b_data); 6.12:
 * kmap_local_folio() at bh_offset()) with crc32_be() from
 * model/tree_c/crc32.c. The buffers are blocks of a highmem page (a
 * highmem buffer's b_data is its offset in the page, as set_bh_page()
 * leaves it), locked while they are summed as the commit path does.
 *   check_values  one buffer holding "123456789" at a picked offset: the
 *                 journal's checksum (seed ~0, inverted) is CRC-32/BZIP2's
 *                 check value; crc32_le(), __crc32c_le() and crc32c() give
 *                 theirs (CRC-32 and CRC-32C), read through a mapping
 *   blocks        a page of 1 KiB blocks of picked bytes: the buffer's
 *                 checksum equals crc32_be() over the same bytes, while a
 *                 second task takes the buffer lock with lock_buffer()
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/jbd2/commit.c", jbd2_checksum_data);

static struct buffer_head *buffer_on(struct folio *folio, unsigned int offset, unsigned int size)
{
	struct buffer_head *bh = kzalloc(sizeof(*bh), GFP_KERNEL | __GFP_NOFAIL);

	bh->b_page = &folio->page;
	bh->b_size = size;
	bh->b_data = PageHighMem(&folio->page) ? (char *)(unsigned long)offset
					       : (char *)folio_address(folio) + offset;
	atomic_set(&bh->b_count, 1);
	set_buffer_uptodate(bh);
	return bh;
}

KMAPSIM_SUBJECT(check_values)
{
	static const char check[] = "123456789";
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	unsigned int offset = kmapsim_pick(0, PAGE_SIZE - 9);
	struct buffer_head *bh = buffer_on(folio, offset, 9);
	char *kaddr = kmap_local_folio(folio, 0);

	memcpy(kaddr + offset, check, 9);
	BUG_ON((crc32_le(~0U, (const unsigned char *)kaddr + offset, 9) ^ ~0U) != 0xcbf43926);
	BUG_ON((__crc32c_le(~0U, (const unsigned char *)kaddr + offset, 9) ^ ~0U) != 0xe3069283);
	BUG_ON((crc32c(~0U, kaddr + offset, 9) ^ ~0U) != 0xe3069283);
	kunmap_local(kaddr);

	lock_buffer(bh);
	BUG_ON((jbd2_checksum_data(~0U, bh) ^ ~0U) != 0xfc891918);
	unlock_buffer(bh);
	brelse(bh);
	kfree(bh);
	folio_put(folio);
}

struct locker {
	struct buffer_head *bh;
	struct completion done;
};

static int lock_and_touch(void *data)
{
	struct locker *l = data;

	lock_buffer(l->bh);
	set_buffer_dirty(l->bh);
	unlock_buffer(l->bh);
	complete(&l->done);
	return 0;
}

KMAPSIM_SUBJECT(blocks)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	unsigned int blk = PAGE_SIZE / 1024 - 1 - kmapsim_pick(0, PAGE_SIZE / 1024 - 1);	/* the last first */
	struct buffer_head *bh = buffer_on(folio, blk * 1024, 1024);
	struct locker l = { .bh = bh };
	unsigned int i;
	u32 want;
	char *kaddr;

	kaddr = kmap_local_folio(folio, 0);
	for (i = 0; i < PAGE_SIZE; i += 256)
		kaddr[i] = kmapsim_pick(0, 255);
	want = crc32_be(~0U, (const unsigned char *)kaddr + blk * 1024, 1024);
	kunmap_local(kaddr);

	init_completion(&l.done);
	kthread_run(lock_and_touch, &l, "locker");
	lock_buffer(bh);
	BUG_ON(jbd2_checksum_data(~0U, bh) != want);
	unlock_buffer(bh);
	wait_for_completion(&l.done);
	BUG_ON(!buffer_dirty(bh) || buffer_locked(bh));
	brelse(bh);
	kfree(bh);
	folio_put(folio);
}
