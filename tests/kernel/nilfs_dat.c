/*
 * fs/nilfs2/dat.c's nilfs_dat_commit_alloc() and nilfs_dat_commit_end(),
 * imported unchanged, with what they call in fs/nilfs2/alloc.c, the DAT's
 * persistent allocator, which the importer takes from that file of the
 * same filesystem (nilfs_palloc_block_get_entry(),
 * nilfs_palloc_commit_alloc_entry(), nilfs_palloc_commit_free_entry() and
 * their static helpers): dat.c only declares them.
 *
 * A virtual block number is allocated and then ended dead: its DAT entry
 * is written through kmap_local_page() (6.1: kmap_atomic()) of the entry
 * block's page, and the free path maps the group descriptor's and the
 * bitmap's pages (6.1: kmap()), clears the entry's bit under the block
 * group's lock and counts it free in the descriptor.
 *
 * The DAT's blocks are 1 KiB buffers on highmem pages of its own page
 * cache, as in nilfs_sufile.c: the group descriptor in block 0 and the
 * bitmap in block 1 of one page, the entry, picked among the 128 that four
 * blocks hold, in its block of another page.
 *   commit   clean; tests/kernel/CMakeLists.txt patches alloc.c to clear the
 *            bit a page past the bitmap (kmap-overrun) and, on 6.12, to
 *            unmap the two local mappings in the wrong order
 */
#include <kmapsim/subject.h>
#include "nilfs_mdt.h"

KMAPSIM_IMPORT("fs/nilfs2/dat.c", nilfs_dat_commit_alloc, nilfs_dat_commit_end);

#define DAT_BLOCK_SIZE	1024
#define DAT_BLOCKS	(PAGE_SIZE / DAT_BLOCK_SIZE)

static void attach(struct buffer_head *bh, struct folio *folio, unsigned int block)
{
	mdt_attach(bh, &folio->page, DAT_BLOCK_SIZE, block);
	atomic_set(&bh->b_count, 1);
}

static void *map_block(struct buffer_head *bh)
{
	return kmap_local_page(bh->b_page) + bh_offset(bh);
}

KMAPSIM_SUBJECT(commit)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_inode_info *ii = kzalloc(sizeof(*ii), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_mdt_info *mi = kzalloc(sizeof(*mi), GFP_KERNEL | __GFP_NOFAIL);
	struct blockgroup_lock *bgl = kzalloc(sizeof(*bgl), GFP_KERNEL | __GFP_NOFAIL);
	struct buffer_head *bhs = kcalloc(3, sizeof(*bhs), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_palloc_req req = { };
	struct inode *dat = &ii->vfs_inode;
	struct address_space *mapping = &dat->i_data;
	unsigned long per_block = DAT_BLOCK_SIZE / sizeof(struct nilfs_dat_entry);
	struct nilfs_palloc_group_desc *desc;
	struct nilfs_dat_entry *entry;
	struct folio *folios[2];
	unsigned char *bitmap;
	unsigned int i;
	__u64 nr;

	mdt_inode_init(dat, sb, 10, mi);
	bgl_lock_init(bgl);
	mi->mi_bgl = bgl;
	mi->mi_entry_size = sizeof(struct nilfs_dat_entry);
	mi->mi_entries_per_block = per_block;
	for (i = 0; i < 2; i++)
		folios[i] = mdt_cache_page(dat, i);

	/* group 0: its descriptor, its bitmap, the entry's block */
	nr = kmapsim_pick(0, DAT_BLOCKS * per_block - 1);
	req.pr_entry_nr = nr;
	req.pr_desc_bh = &bhs[0];
	req.pr_bitmap_bh = &bhs[1];
	req.pr_entry_bh = &bhs[2];
	attach(req.pr_desc_bh, folios[0], 0);
	attach(req.pr_bitmap_bh, folios[0], 1);
	attach(req.pr_entry_bh, folios[1], nr / per_block);
	desc = map_block(req.pr_desc_bh);
	desc->pg_nfrees = cpu_to_le32(100);
	kunmap_local(desc);
	bitmap = map_block(req.pr_bitmap_bh);
	bitmap[nr / 8] |= 1 << (nr % 8);	/* allocated (little-endian bit order) */
	kunmap_local(bitmap);

	nilfs_dat_commit_alloc(dat, &req);	/* releases the three buffers */
	entry = map_block(req.pr_entry_bh) + nr % per_block * sizeof(*entry);
	BUG_ON(le64_to_cpu(entry->de_start) != NILFS_CNO_MIN || le64_to_cpu(entry->de_end) != NILFS_CNO_MAX);
	kunmap_local(entry);

	/* ended dead before it got a block: the entry is freed */
	for (i = 0; i < 3; i++)
		get_bh(&bhs[i]);
	nilfs_dat_commit_end(dat, &req, 1);

	entry = map_block(req.pr_entry_bh) + nr % per_block * sizeof(*entry);
	BUG_ON(le64_to_cpu(entry->de_start) != NILFS_CNO_MIN || le64_to_cpu(entry->de_end) != NILFS_CNO_MIN);
	BUG_ON(entry->de_blocknr);
	kunmap_local(entry);
	bitmap = map_block(req.pr_bitmap_bh);
	BUG_ON(bitmap[nr / 8] & (1 << (nr % 8)));
	kunmap_local(bitmap);
	desc = map_block(req.pr_desc_bh);
	BUG_ON(le32_to_cpu(desc->pg_nfrees) != 101);
	kunmap_local(desc);
	for (i = 0; i < 3; i++) {
		BUG_ON(!buffer_dirty(&bhs[i]));
		BUG_ON(atomic_read(&bhs[i].b_count));
	}
	BUG_ON(!test_bit(NILFS_I_DIRTY, &ii->i_state));

	truncate_inode_pages_final(mapping);
	for (i = 0; i < 2; i++)
		folio_put(folios[i]);
	kfree(bhs);
	kfree(bgl);
	kfree(mi);
	kfree(ii);
	kfree(sb);
}
