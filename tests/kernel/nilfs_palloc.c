/*
 * fs/nilfs2/alloc.c's nilfs_palloc_prepare_alloc_entry(), imported
 * unchanged: the persistent allocator of a metadata file (the DAT, here)
 * finds a free entry. It maps its group descriptor block's page and then
 * its bitmap block's page, and on finding a free bit unmaps them in the
 * order it mapped them (6.1: kmap() and kunmap(page), where any order is
 * legal). 6.12's version maps with kmap_local_page() and unmaps each
 * mapping before the next one is made.
 *
 * The blocks are 1 KiB buffers on highmem pages of the metadata file's page
 * cache, as in nilfs_dat.c: the group descriptor block at block 0, group
 * 0's bitmap at block 1. nilfs_mdt_get_block() is this file's: it gives
 * the buffer of a block, made as mdt.c makes a new one on first use
 * (zeroed, then init_block() over a mapping of its page) or found in the
 * state the run picked (some entries of group 0 already taken).
 *   prepare  clean; tests/kernel/CMakeLists.txt converts 6.1's function
 *            mechanically (check --convert): kunmap_local() then unmaps
 *            the descriptor's mapping while the bitmap's, made after it,
 *            is still held (kunmap-order)
 */
#include <kmapsim/subject.h>
#include "nilfs_mdt.h"

KMAPSIM_IMPORT("fs/nilfs2/alloc.c", nilfs_palloc_prepare_alloc_entry, nilfs_palloc_clear_cache);

#define PALLOC_BLOCK_SIZE	1024
#define PALLOC_BLOCKS		2	/* the descriptor block and group 0's bitmap */
#define PALLOC_ENTRIES		(PALLOC_BLOCK_SIZE * 8)	/* per group: one bitmap block's bits */

static struct buffer_head palloc_bhs[PALLOC_BLOCKS];
static bool palloc_made[PALLOC_BLOCKS];

/* The buffer of block blkoff of the metadata file, made on first use. */
int nilfs_mdt_get_block(struct inode *inode, unsigned long blkoff, int create,
			void (*init_block)(struct inode *, struct buffer_head *, void *),
			struct buffer_head **out_bh)
{
	struct buffer_head *bh;
	char *kaddr;

	if (blkoff >= PALLOC_BLOCKS)
		return -ENOENT;		/* past what this metadata file holds */
	bh = &palloc_bhs[blkoff];
	if (!palloc_made[blkoff]) {
		if (!create)
			return -ENOENT;
		kaddr = kmap_local_page(bh->b_page);
		memset(kaddr + bh_offset(bh), 0, PALLOC_BLOCK_SIZE);
		if (init_block)
			init_block(inode, bh, kaddr);
		kunmap_local(kaddr);
		palloc_made[blkoff] = true;
	}
	get_bh(bh);
	*out_bh = bh;
	return 0;
}

KMAPSIM_SUBJECT(prepare)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_inode_info *ii = kzalloc(sizeof(*ii), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_mdt_info *mi = kzalloc(sizeof(*mi), GFP_KERNEL | __GFP_NOFAIL);
	struct blockgroup_lock *bgl = kzalloc(sizeof(*bgl), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_palloc_cache *cache = kzalloc(sizeof(*cache), GFP_KERNEL | __GFP_NOFAIL);
	struct nilfs_palloc_req req = { };
	struct inode *dat = &ii->vfs_inode;
	struct address_space *mapping = &dat->i_data;
	struct nilfs_palloc_group_desc *desc;
	unsigned long per_block = PALLOC_BLOCK_SIZE / sizeof(struct nilfs_dat_entry);
	unsigned int used, i;
	unsigned char *bitmap;
	struct folio *folio;
	int ret;

	mdt_inode_init(dat, sb, 10, mi);
	bgl_lock_init(bgl);
	spin_lock_init(&cache->lock);
	mi->mi_bgl = bgl;
	mi->mi_palloc_cache = cache;
	mi->mi_entry_size = sizeof(struct nilfs_dat_entry);
	mi->mi_entries_per_block = per_block;
	/* nilfs_palloc_init_blockgroup()'s geometry: a group is its bitmap
	 * block and its entry blocks; a descriptor block covers 256 groups */
	mi->mi_blocks_per_group = DIV_ROUND_UP(PALLOC_ENTRIES, per_block) + 1;
	mi->mi_blocks_per_desc_block =
		PALLOC_BLOCK_SIZE / sizeof(struct nilfs_palloc_group_desc) * mi->mi_blocks_per_group + 1;
	folio = mdt_cache_page(dat, 0);
	for (i = 0; i < PALLOC_BLOCKS; i++) {
		memset(&palloc_bhs[i], 0, sizeof(palloc_bhs[i]));
		mdt_attach(&palloc_bhs[i], &folio->page, PALLOC_BLOCK_SIZE, i);
		palloc_made[i] = false;
	}

	/* a fresh file (the blocks are made on first use), or group 0 with
	 * its first `used` entries taken */
	if (kmapsim_pick(0, 1)) {
		used = kmapsim_pick(0, PALLOC_ENTRIES - 1);
		desc = kmap_local_page(&folio->page);
		for (i = 0; i < PALLOC_BLOCK_SIZE / sizeof(*desc); i++)
			desc[i].pg_nfrees = cpu_to_le32(i ? PALLOC_ENTRIES : PALLOC_ENTRIES - used);
		bitmap = (unsigned char *)desc + PALLOC_BLOCK_SIZE;
		memset(bitmap, 0, PALLOC_BLOCK_SIZE);
		for (i = 0; i < used; i++)
			bitmap[i / 8] |= 1 << (i % 8);	/* little-endian bit order */
		kunmap_local(desc);
		palloc_made[0] = palloc_made[1] = true;
	}
	req.pr_entry_nr = kmapsim_pick(0, PALLOC_ENTRIES - 1);	/* where the search starts */

	ret = nilfs_palloc_prepare_alloc_entry(dat, &req, true);
	BUG_ON(ret);
	BUG_ON(req.pr_entry_nr >= PALLOC_ENTRIES || req.pr_desc_bh != &palloc_bhs[0] ||
	       req.pr_bitmap_bh != &palloc_bhs[1]);
	bitmap = kmap_local_page(&folio->page) + PALLOC_BLOCK_SIZE;
	BUG_ON(!(bitmap[req.pr_entry_nr / 8] & (1 << (req.pr_entry_nr % 8))));
	kunmap_local(bitmap);

	brelse(req.pr_bitmap_bh);
	brelse(req.pr_desc_bh);
	nilfs_palloc_clear_cache(dat);	/* the cache's references */
	for (i = 0; i < PALLOC_BLOCKS; i++)
		BUG_ON(atomic_read(&palloc_bhs[i].b_count));

	truncate_inode_pages_final(mapping);
	folio_put(folio);
	kfree(cache);
	kfree(bgl);
	kfree(mi);
	kfree(ii);
	kfree(sb);
}
