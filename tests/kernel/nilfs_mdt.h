/*
 * A nilfs2 metadata file (the sufile, the DAT) for the harnesses of
 * fs/nilfs2 (nilfs_sufile.c, nilfs_dat.c, nilfs_palloc.c), which each
 * include this file: an inode whose blocks are buffers on highmem pages of
 * its own page cache, as nilfs reads them through its metadata-file cache.
 * The text is read into each harness (check --kernel reads a quoted include
 * in place), so it compiles against that tree's own nilfs types.
 */
#pragma once

/*
 * The inode of a metadata file of 2^blkbits-byte blocks, private its
 * nilfs_mdt_info (NILFS_MDT()), and its page cache (its own i_data, which
 * takes highmem pages).
 */
static void mdt_inode_init(struct inode *inode, struct super_block *sb, unsigned int blkbits, void *private)
{
	struct address_space *mapping = &inode->i_data;

	sb->s_blocksize = 1 << blkbits;
	inode->i_sb = sb;
	inode->i_blkbits = blkbits;
	inode->i_private = private;
	mapping->host = inode;
	xa_init(&mapping->i_pages);
	mapping_set_gfp_mask(mapping, GFP_HIGHUSER);
	inode->i_mapping = mapping;
}

/* Page `index` of the metadata file, read: uptodate in its page cache. */
static struct folio *mdt_cache_page(struct inode *inode, pgoff_t index)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);

	BUG_ON(filemap_add_folio(inode->i_mapping, folio, index, GFP_KERNEL | __GFP_NOFAIL));
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	return folio;
}

/*
 * bh as the buffer of block `block` (of `size` bytes) of page, uptodate:
 * its b_data, as set_bh_page() leaves it, an offset in the page for a
 * highmem page (what bh_offset() reads back) and an address otherwise.
 */
static void mdt_attach(struct buffer_head *bh, struct page *page, unsigned int size, unsigned int block)
{
	unsigned long offset = block * size;

	bh->b_page = page;
	bh->b_size = size;
	bh->b_data = PageHighMem(page) ? (char *)offset : (char *)page_address(page) + offset;
	set_buffer_uptodate(bh);
}
