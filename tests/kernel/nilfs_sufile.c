/*
 * fs/nilfs2/sufile.c's nilfs_sufile_do_free(), imported unchanged with
 * nilfs_sufile_mod_counter() and the sufile's offset helpers: freeing a
 * dirty segment maps the segment-usage block's page with
 * kmap_local_page(), marks the entry clean, unmaps, dirties the buffer
 * (mark_buffer_dirty(): the buffer, its page, and through the page cache
 * the sufile inode, in model/tree_c/buffer.c), then maps the header
 * block's page to move one segment from the dirty count to the clean one.
 *
 * The sufile's blocks are 1 KiB buffers on highmem pages in the sufile's
 * own page cache (filemap_add_folio()): the header in block 0 of page 0,
 * the usage entry the run picks in a picked block of page 0 or page 1, as
 * nilfs reads them through its metadata-file cache. A highmem buffer's
 * b_data holds only its offset in the page, as set_bh_page() leaves it,
 * which is what bh_offset() reads back.
 *   sufile_free   clean; the header's counters read at a wrong offset
 *                 (patched in by tests/kernel/CMakeLists.txt) are found
 */
#include <kmapsim/subject.h>
#include "nilfs_mdt.h"

KMAPSIM_IMPORT("fs/nilfs2/sufile.c", nilfs_sufile_do_free);

#define BLOCK_SIZE_SU	1024

static void attach(struct buffer_head *bh, struct page *page, unsigned int block)
{
	mdt_attach(bh, page, BLOCK_SIZE_SU, block);
	atomic_set(&bh->b_count, 1);
}

KMAPSIM_SUBJECT(sufile_free)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_inode_info *ii = kzalloc(sizeof(*ii), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_sufile_info *sui = kzalloc(sizeof(*sui), GFP_KERNEL | __GFP_NOFAIL);
	struct buffer_head *header_bh = kzalloc(sizeof(*header_bh), GFP_KERNEL | __GFP_NOFAIL);
	struct buffer_head *su_bh = kzalloc(sizeof(*su_bh), GFP_KERNEL | __GFP_NOFAIL);
	struct inode *sufile = &ii->vfs_inode;
	struct address_space *mapping = &sufile->i_data;
	unsigned long per_block = BLOCK_SIZE_SU / sizeof(struct nilfs_segment_usage);
	unsigned long first = NILFS_SUFILE_FIRST_SEGMENT_USAGE_OFFSET;
	struct folio *pages[2];
	struct nilfs_sufile_header *header;
	struct nilfs_segment_usage *su;
	unsigned int blk, i;
	__u64 segnum;
	char *kaddr;

	mdt_inode_init(sufile, sb, 10, sui);
	sui->mi.mi_entry_size = sizeof(struct nilfs_segment_usage);
	sui->mi.mi_first_entry_offset = first;
	sui->mi.mi_entries_per_block = per_block;
	sui->ncleansegs = 10;
	for (i = 0; i < 2; i++)
		pages[i] = mdt_cache_page(sufile, i);

	/* the header: 10 clean, 20 dirty */
	attach(header_bh, &pages[0]->page, 0);
	kaddr = kmap_local_folio(pages[0], 0);
	header = (void *)(kaddr + bh_offset(header_bh));
	header->sh_ncleansegs = cpu_to_le64(10);
	header->sh_ndirtysegs = cpu_to_le64(20);
	kunmap_local(kaddr);

	/* a dirty segment in a picked block (block 0 holds the header too) */
	blk = kmapsim_pick(0, 2 * (PAGE_SIZE / BLOCK_SIZE_SU) - 1);
	segnum = blk * per_block + kmapsim_pick(blk ? 0 : first, per_block - 1) - first;
	attach(su_bh, &pages[blk / (PAGE_SIZE / BLOCK_SIZE_SU)]->page, blk % (PAGE_SIZE / BLOCK_SIZE_SU));
	kaddr = kmap_local_page(su_bh->b_page);
	su = (void *)(kaddr + bh_offset(su_bh)) +
		(segnum + first) % per_block * sizeof(struct nilfs_segment_usage);
	su->su_flags = 0;
	nilfs_segment_usage_set_dirty(su);
	kunmap_local(kaddr);

	nilfs_sufile_do_free(sufile, segnum, header_bh, su_bh);

	kaddr = kmap_local_page(su_bh->b_page);
	su = (void *)(kaddr + bh_offset(su_bh)) +
		(segnum + first) % per_block * sizeof(struct nilfs_segment_usage);
	BUG_ON(!nilfs_segment_usage_clean(su));
	kunmap_local(kaddr);
	kaddr = kmap_local_page(header_bh->b_page);
	header = (void *)(kaddr + bh_offset(header_bh));
	BUG_ON(le64_to_cpu(header->sh_ncleansegs) != 11 || le64_to_cpu(header->sh_ndirtysegs) != 19);
	kunmap_local(kaddr);
	BUG_ON(sui->ncleansegs != 11);
	BUG_ON(!buffer_dirty(su_bh) || !buffer_dirty(header_bh));
	BUG_ON(!PageDirty(su_bh->b_page) || !(sufile->i_state & I_DIRTY_PAGES));
	BUG_ON(!test_bit(NILFS_I_DIRTY, &ii->i_state));

	brelse(su_bh);
	brelse(header_bh);
	truncate_inode_pages_final(mapping);
	for (i = 0; i < 2; i++)
		folio_put(pages[i]);
	kfree(su_bh);
	kfree(header_bh);
	kfree(sui);
	kfree(ii);
	kfree(sb);
}
