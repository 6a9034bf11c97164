/*
 * The page cache kmapsim writes over the tree's struct address_space
 * (model/tree_c/filemap.c), called the way filesystem code calls it, on
 * both trees: every function there is compiled against the tree's own
 * prototype and types, and each does what mm/filemap.c's does.
 * (fs/ext2/dir.c's ext2_find_entry() is imported only so that the unit
 * is an import of the tree; the subject does not call it.)
 *   lookups   __filemap_get_folio() creating a locked, referenced page in
 *             a highmem mapping; a second FGP_LOCK|FGP_NOWAIT lookup gives
 *             up while it is locked; plain lookups find it; a miss is
 *             NULL before 6.4 and -ENOENT after; pagecache_get_page();
 *             read_cache_page() with the caller's filler and
 *             read_cache_page_gfp() with the mapping's read_folio(), which
 *             ends its read with folio_end_read();
 *             truncate_inode_pages() from a picked byte zeroes the rest of
 *             its page and drops the pages after it; a writeback error
 *             set with mapping_set_error() is seen once by a sampler
 *             (errseq_t, from the tree's lib/errseq.c)
 *   writeback another task waits in folio_wait_writeback() until the
 *             writer's folio_end_writeback(); truncate_setsize() shrinks
 *             the file and its page cache
 *   writeback_never_ends
 *             a writer that never ends its writeback: the waiter sleeps
 *             for ever (reported as a deadlock at folio_wait_bit())
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/ext2/dir.c", ext2_find_entry);

static int fill_x(struct file *file, struct folio *folio)
{
	char *kaddr = kmap_local_folio(folio, 0);

	memset(kaddr, 'x', PAGE_SIZE);
	kunmap_local(kaddr);
	folio_end_read(folio, true);
	return 0;
}

static const struct address_space_operations x_aops = {
	.read_folio = fill_x,
};


/* the rest of model/tree_c, which the other harnesses here call: naming
 * each in a function nothing calls compiles it against this tree */
static void __maybe_unused other_bodies(void)
{
	__folio_lock_killable(NULL);
	folio_wait_bit_killable(NULL, 0);
	__brelse(NULL);
	__lock_buffer(NULL);
	unlock_buffer(NULL);
	__wait_on_buffer(NULL);
	mark_buffer_dirty(NULL);
	__mark_inode_dirty(NULL, 0);
	crc32_le(0, NULL, 0);
	crc32_be(0, NULL, 0);
	__crc32c_le(0, NULL, 0);
	crc32c(0, NULL, 0);
	end_page_writeback(NULL);
	folio_wait_writeback_killable(NULL);
	wait_on_page_writeback(NULL);
	truncate_setsize(NULL, 0);
}

KMAPSIM_SUBJECT(lookups)
{
	struct address_space *mapping = kzalloc(sizeof(*mapping), GFP_KERNEL | __GFP_NOFAIL);
	struct folio *folio, *again;
	struct page *page;
	loff_t cut = kmapsim_pick(1, PAGE_SIZE - 1);
	errseq_t since;
	char *kaddr;

	xa_init(&mapping->i_pages);
	mapping_set_gfp_mask(mapping, GFP_HIGHUSER);
	mapping->a_ops = &x_aops;

	folio = __filemap_get_folio(mapping, 0, FGP_CREAT | FGP_LOCK | FGP_ACCESSED | FGP_WRITE,
				    mapping_gfp_mask(mapping));
	if (IS_ERR_OR_NULL(folio)) {	/* the allocation failed */
		kfree(mapping);
		return;
	}
	BUG_ON(!folio_test_locked(folio) || !folio_test_referenced(folio));
	BUG_ON(folio->mapping != mapping || folio->index != 0 || mapping->nrpages != 1);
	again = __filemap_get_folio(mapping, 0, FGP_LOCK | FGP_NOWAIT, 0);
	BUG_ON(!IS_ERR_OR_NULL(again));
	kaddr = kmap_local_folio(folio, 0);
	memset(kaddr, 'a', PAGE_SIZE);
	kunmap_local(kaddr);
	folio_mark_uptodate(folio);
	folio_unlock(folio);

	again = filemap_get_folio(mapping, 0);
	BUG_ON(again != folio);
	folio_put(again);
	BUG_ON(!IS_ERR_OR_NULL(filemap_get_folio(mapping, 7)));
	page = pagecache_get_page(mapping, 0, FGP_LOCK, 0);
	BUG_ON(page != &folio->page || !PageLocked(page));
	unlock_page(page);
	mark_page_accessed(page);
	put_page(page);

	/* page 1 read with the caller's filler, page 2 with read_folio() */
	page = read_cache_page(mapping, 1, fill_x, NULL);
	if (!IS_ERR(page)) {
		kaddr = kmap_local_page(page);
		BUG_ON(kaddr[PAGE_SIZE - 1] != 'x' || !PageUptodate(page));
		kunmap_local(kaddr);
		put_page(page);
	}
	page = read_cache_page_gfp(mapping, 2, GFP_KERNEL);
	if (!IS_ERR(page)) {
		BUG_ON(!PageUptodate(page) || PageHighMem(page));	/* GFP_KERNEL: lowmem */
		BUG_ON(((char *)page_address(page))[0] != 'x');
		put_page(page);
	}

	truncate_inode_pages(mapping, cut);
	BUG_ON(mapping->nrpages != 1);	/* pages 1 and 2 are gone */
	kaddr = kmap_local_folio(folio, 0);
	BUG_ON(kaddr[cut - 1] != 'a' || kaddr[cut] != 0 || kaddr[PAGE_SIZE - 1] != 0);
	kunmap_local(kaddr);
	truncate_inode_pages_final(mapping);
	BUG_ON(mapping->nrpages != 0 || folio->mapping);

	since = filemap_sample_wb_err(mapping);
	BUG_ON(filemap_check_wb_err(mapping, since));
	mapping_set_error(mapping, -EIO);
	BUG_ON(!test_bit(AS_EIO, &mapping->flags));
	BUG_ON(filemap_check_wb_err(mapping, since) != -EIO);
	BUG_ON(errseq_check_and_advance(&mapping->wb_err, &since) != -EIO);
	BUG_ON(errseq_check_and_advance(&mapping->wb_err, &since) != 0);	/* seen once */
	folio_put(folio);
	kfree(mapping);
}

struct writer {
	struct folio *folio;
	struct completion started;
	bool ends;
};

static int write_back(void *data)
{
	struct writer *w = data;
	char *kaddr;

	folio_lock(w->folio);
	BUG_ON(folio_start_writeback(w->folio));	/* not under writeback yet */
	folio_unlock(w->folio);
	complete(&w->started);
	kaddr = kmap_local_folio(w->folio, 0);	/* the "device" reads the page */
	BUG_ON(kaddr[0] != 'w');
	kunmap_local(kaddr);
	if (w->ends)
		folio_end_writeback(w->folio);
	return 0;
}

static void writeback(bool ends)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL | __GFP_NOFAIL);
	struct address_space *mapping = &inode->i_data;
	struct writer w;
	struct folio *folio;
	char *kaddr;

	xa_init(&mapping->i_pages);
	mapping_set_gfp_mask(mapping, GFP_HIGHUSER);
	mapping->host = inode;
	inode->i_mapping = mapping;
	folio = __filemap_get_folio(mapping, 0, FGP_CREAT | FGP_LOCK, GFP_HIGHUSER | __GFP_NOFAIL);
	kaddr = kmap_local_folio(folio, 0);
	memset(kaddr, 'w', PAGE_SIZE);
	kunmap_local(kaddr);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	inode->i_size = PAGE_SIZE;

	w.folio = folio;
	w.ends = ends;
	init_completion(&w.started);
	kthread_run(write_back, &w, "writeback");
	wait_for_completion(&w.started);
	folio_wait_writeback(folio);
	BUG_ON(folio_test_writeback(folio));

	truncate_setsize(inode, 100);
	BUG_ON(i_size_read(inode) != 100 || mapping->nrpages != 1);
	kaddr = kmap_local_folio(folio, 0);
	BUG_ON(kaddr[99] != 'w' || kaddr[100] != 0);
	kunmap_local(kaddr);
	truncate_setsize(inode, 0);
	BUG_ON(mapping->nrpages != 0);
	folio_put(folio);
	kfree(inode);
}

KMAPSIM_SUBJECT(writeback) { writeback(true); }
KMAPSIM_SUBJECT(writeback_never_ends) { writeback(false); }
