/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the page cache, written for kmapsim over the tree's own struct
 * address_space. struct address_space, struct file and the a_ops table are
 * the tree's (their layout changes between versions), so this file is not
 * compiled into the model: the importer compiles the functions a unit
 * calls into that unit, after the tree's types, and the tree's prototype
 * of each comes first, so a signature that differs from the tree's is a
 * compile error rather than a silent mismatch.
 *
 * What it keeps: each cached folio sits in mapping->i_pages at every index
 * it covers, holds one reference per page for the cache, and points back
 * with folio->mapping and folio->index; PG_locked is a sleeping lock (one
 * wait queue for every folio: waiters recheck their own folio); a read
 * calls the address space's read_folio() (or the caller's filler) on a
 * new, locked folio, which unlocks it when the read is done, and fails
 * with -EIO when the folio did not become uptodate. The allocations are
 * the model's, so a failed one is the kernel's -ENOMEM path.
 *
 * What it leaves out: readahead, writeback, shadow entries, LRU lists and
 * large folios created here (a lookup that creates makes an order-0 folio,
 * which every address space accepts). LINUX_VERSION_CODE tests are
 * numbers (0x060400 is 6.4.0): the importer reads them before the unit's
 * KERNEL_VERSION() exists.
 */

/* 6.6 gave the FGP_ flags their own type; before, they were an int */
#if LINUX_VERSION_CODE >= 0x060600
typedef fgf_t kmapsim_fgf_t;
#else
typedef int kmapsim_fgf_t;
#endif

/* a lookup that finds nothing: an error pointer since 6.4, NULL before */
#if LINUX_VERSION_CODE >= 0x060400
#define kmapsim_no_folio(err) ERR_PTR(err)
#else
#define kmapsim_no_folio(err) NULL
#endif

static DECLARE_WAIT_QUEUE_HEAD(kmapsim_folio_waitq);

void __folio_lock(struct folio *folio)
{
	might_sleep();
	if (!folio_trylock(folio))
		(void)__kmapsim_wait_event(kmapsim_folio_waitq, folio_trylock(folio),
					   TASK_UNINTERRUPTIBLE, 0, "folio_lock");
}

int __folio_lock_killable(struct folio *folio)
{
	might_sleep();
	if (folio_trylock(folio))
		return 0;
	/* a fatal signal ends the wait with -EINTR, as folio_wait_bit_common()'s */
	return __kmapsim_wait_event(kmapsim_folio_waitq, folio_trylock(folio),
				    TASK_KILLABLE, 0, "folio_lock_killable") ? -EINTR : 0;
}

void folio_unlock(struct folio *folio)
{
	if (!folio_test_locked(folio))
		BUG();	/* unlocking a folio nobody locked */
	clear_bit_unlock(PG_locked, folio_flags(folio, 0));
	wake_up_all(&kmapsim_folio_waitq);
}

/* a read's end: uptodate when it succeeded, and unlocked either way */
void folio_end_read(struct folio *folio, bool success)
{
	if (success)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
}

void unlock_page(struct page *page)
{
	folio_unlock(page_folio(page));
}

void folio_wait_bit(struct folio *folio, int bit_nr)
{
	might_sleep();
	if (test_bit(bit_nr, folio_flags(folio, 0)))
		(void)__kmapsim_wait_event(kmapsim_folio_waitq, !test_bit(bit_nr, folio_flags(folio, 0)),
					   TASK_UNINTERRUPTIBLE, 0, "folio_wait_bit");
}

int folio_wait_bit_killable(struct folio *folio, int bit_nr)
{
	might_sleep();
	if (!test_bit(bit_nr, folio_flags(folio, 0)))
		return 0;
	return __kmapsim_wait_event(kmapsim_folio_waitq, !test_bit(bit_nr, folio_flags(folio, 0)),
				    TASK_KILLABLE, 0, "folio_wait_bit_killable") ? -EINTR : 0;
}

/* mm/page-writeback.c's: dirtying a page its caller has not locked (fuse's
 * copy into a page it got from user memory) takes the page lock around it */
int set_page_dirty_lock(struct page *page)
{
	int ret;

	lock_page(page);
	ret = set_page_dirty(page);
	unlock_page(page);
	return ret;
}

/* LRU aging is not modelled: only the referenced bit a second access reads */
void folio_mark_accessed(struct folio *folio)
{
	folio_set_referenced(folio);
}

void mark_page_accessed(struct page *page)
{
	folio_mark_accessed(page_folio(page));
}

/*
 * Insert a folio the caller allocated at index (aligned to its size):
 * locked, with the cache's references, or -EEXIST when something is
 * already cached there (the folio is then unlocked and unchanged). The
 * check and the store are one step under the xarray's lock, so two tasks
 * adding the same index cannot both succeed.
 */
int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      pgoff_t index, gfp_t gfp)
{
	XA_STATE_ORDER(xas, &mapping->i_pages, index, folio_order(folio));
	long i, nr = folio_nr_pages(folio);

	BUG_ON(index & (nr - 1));
	__folio_set_locked(folio);
	for (i = 0; i < nr; i++)
		folio_get(folio);
	folio->mapping = mapping;
	folio->index = index;
	do {
		xas_lock_irq(&xas);
		for (i = 0; i < nr; i++)
			if (xa_load(&mapping->i_pages, index + i)) {
				xas_set_err(&xas, -EEXIST);
				break;
			}
		if (!xas_error(&xas)) {
			xas_store(&xas, folio);
			if (!xas_error(&xas))
				mapping->nrpages += nr;
		}
		xas_unlock_irq(&xas);
	} while (xas_nomem(&xas, gfp));
	if (xas_error(&xas)) {
		folio->mapping = NULL;
		for (i = 0; i < nr; i++)
			folio_put(folio);
		__folio_clear_locked(folio);
		return xas_error(&xas);
	}
	return 0;
}

/* Take a locked folio out of its mapping and drop the cache's references. */
void filemap_remove_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	XA_STATE_ORDER(xas, &mapping->i_pages, folio->index, folio_order(folio));
	long i, nr = folio_nr_pages(folio);

	BUG_ON(!folio_test_locked(folio) || !mapping);
	xas_lock_irq(&xas);
	xas_store(&xas, NULL);
	folio->mapping = NULL;
	mapping->nrpages -= nr;
	xas_unlock_irq(&xas);
	for (i = 0; i < nr; i++)
		folio_put(folio);
}

/*
 * The cached folio at index with a reference, or NULL. The kernel looks
 * up under RCU and retries when the folio was freed in between; taking
 * the reference under the xarray's lock, which removal also holds, gives
 * the same answer.
 */
static struct folio *kmapsim_cached_folio(struct address_space *mapping, pgoff_t index)
{
	struct folio *folio;

	xa_lock_irq(&mapping->i_pages);
	folio = xa_load(&mapping->i_pages, index);
	if (folio)
		folio_get(folio);
	xa_unlock_irq(&mapping->i_pages);
	return folio;
}

/*
 * A new order-0 folio, locked in the cache at index; ERR_PTR(-EEXIST) when
 * another task cached one there first (look it up again), or the
 * allocation's or the insertion's error.
 */
static struct folio *kmapsim_new_cached_folio(struct address_space *mapping, pgoff_t index,
					      gfp_t gfp, bool accessed)
{
	struct folio *folio = folio_alloc(gfp, 0);
	int err;

	if (!folio)
		return ERR_PTR(-ENOMEM);
	if (accessed)
		__folio_set_referenced(folio);
	err = filemap_add_folio(mapping, folio, index, gfp);
	if (err) {
		folio_put(folio);
		return ERR_PTR(err);
	}
	return folio;
}

struct folio *__filemap_get_folio(struct address_space *mapping, pgoff_t index,
				  kmapsim_fgf_t fgp_flags, gfp_t gfp)
{
	struct folio *folio;

repeat:
	folio = kmapsim_cached_folio(mapping, index);
	if (folio) {
		if (fgp_flags & FGP_LOCK) {
			if (fgp_flags & FGP_NOWAIT) {
				if (!folio_trylock(folio)) {
					folio_put(folio);
					return kmapsim_no_folio(-EAGAIN);
				}
			} else {
				folio_lock(folio);
			}
			/* truncated while this task slept on the lock */
			if (folio->mapping != mapping) {
				folio_unlock(folio);
				folio_put(folio);
				goto repeat;
			}
		}
		if (fgp_flags & FGP_ACCESSED)
			folio_mark_accessed(folio);
		return folio;
	}
	if (!(fgp_flags & FGP_CREAT))
		return kmapsim_no_folio(-ENOENT);
	if (fgp_flags & FGP_WRITE)
		gfp |= __GFP_WRITE;
	if (fgp_flags & FGP_NOFS)
		gfp &= ~__GFP_FS;
	if (fgp_flags & FGP_NOWAIT)
		gfp &= ~__GFP_DIRECT_RECLAIM;
	folio = kmapsim_new_cached_folio(mapping, index, gfp, fgp_flags & FGP_ACCESSED);
	if (IS_ERR(folio)) {
		if (PTR_ERR(folio) == -EEXIST)
			goto repeat;
		return kmapsim_no_folio(PTR_ERR(folio));
	}
	if (!(fgp_flags & FGP_LOCK))
		folio_unlock(folio);
	return folio;
}

struct page *pagecache_get_page(struct address_space *mapping, pgoff_t index,
				kmapsim_fgf_t fgp_flags, gfp_t gfp)
{
	struct folio *folio = __filemap_get_folio(mapping, index, fgp_flags, gfp);

	if (IS_ERR_OR_NULL(folio))
		return NULL;
	return folio_file_page(folio, index);
}

/*
 * The read path of read_cache_folio() and its relatives: the cached folio
 * if it is uptodate, else one read now with the filler (the address
 * space's read_folio() unless the caller gave one). The filler unlocks
 * the folio; it is uptodate afterwards or the read failed (-EIO).
 */
static struct folio *kmapsim_read_cache(struct address_space *mapping, pgoff_t index,
					filler_t *filler, struct file *file, gfp_t gfp)
{
	struct folio *folio;
	int err;

	if (!filler)
		filler = mapping->a_ops->read_folio;
repeat:
	folio = kmapsim_cached_folio(mapping, index);
	if (!folio) {
		folio = kmapsim_new_cached_folio(mapping, index, gfp, false);
		if (IS_ERR(folio) && PTR_ERR(folio) == -EEXIST)
			goto repeat;
		if (IS_ERR(folio))
			return folio;
		goto read;
	}
	if (folio_test_uptodate(folio))
		goto out;
	if (!folio_trylock(folio)) {
		/* another task is reading it: wait, then look again */
		folio_wait_locked(folio);
		folio_put(folio);
		goto repeat;
	}
	if (!folio->mapping) {		/* truncated meanwhile */
		folio_unlock(folio);
		folio_put(folio);
		goto repeat;
	}
	if (folio_test_uptodate(folio)) {
		folio_unlock(folio);
		goto out;
	}
read:
	err = filler(file, folio);
	if (!err)
		err = folio_wait_locked_killable(folio);
	if (!err && !folio_test_uptodate(folio))
		err = -EIO;
	if (err) {
		folio_put(folio);
		if (err == AOP_TRUNCATED_PAGE)
			goto repeat;
		return ERR_PTR(err);
	}
out:
	folio_mark_accessed(folio);
	return folio;
}

struct folio *read_cache_folio(struct address_space *mapping, pgoff_t index,
			       filler_t *filler, struct file *file)
{
	return kmapsim_read_cache(mapping, index, filler, file, mapping_gfp_mask(mapping));
}

struct page *read_cache_page(struct address_space *mapping, pgoff_t index,
			     filler_t *filler, struct file *file)
{
	struct folio *folio = kmapsim_read_cache(mapping, index, filler, file,
						 mapping_gfp_mask(mapping));

	if (IS_ERR(folio))
		return ERR_CAST(folio);
	return folio_file_page(folio, index);
}

struct page *read_cache_page_gfp(struct address_space *mapping, pgoff_t index, gfp_t gfp)
{
	struct folio *folio = kmapsim_read_cache(mapping, index, NULL, NULL, gfp);

	if (IS_ERR(folio))
		return ERR_CAST(folio);
	return folio_file_page(folio, index);
}

/*
 * Drop the cache from byte lstart on: whole folios past it leave the
 * mapping, and the part of the folio it falls in is zeroed from lstart.
 */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	pgoff_t index = lstart >> PAGE_SHIFT;
	XA_STATE(xas, &mapping->i_pages, index);
	struct folio *folio;

	for (;;) {
		xas_set(&xas, index);
		folio = xas_find(&xas, ULONG_MAX);
		if (!folio)
			break;
		folio_get(folio);
		folio_lock(folio);
		index = folio->index + folio_nr_pages(folio);
		if (folio->mapping == mapping) {
			loff_t start = (loff_t)folio->index << PAGE_SHIFT;

			if (start < lstart)
				folio_zero_range(folio, lstart - start, folio_size(folio) - (lstart - start));
			else
				filemap_remove_folio(folio);
		}
		folio_unlock(folio);
		folio_put(folio);
	}
}

void truncate_inode_pages_final(struct address_space *mapping)
{
	truncate_inode_pages(mapping, 0);
}

/*
 * mapping_set_error()'s out-of-line half: the writeback error is recorded
 * in the mapping's errseq_t (the tree's own lib/errseq.c, which the unit
 * takes as a library file), where fsync() and filemap_check_wb_err()
 * find it, each sampler once.
 */
void __filemap_set_wb_err(struct address_space *mapping, int err)
{
	errseq_set(&mapping->wb_err, err);
}

/*
 * Writeback: folio_start_writeback() (linux/page-flags.h) sets the flag;
 * ending it clears the flag and wakes whoever waits for it. Ending a
 * writeback that never started is the kernel's BUG.
 */
void folio_end_writeback(struct folio *folio)
{
	BUG_ON(!folio_test_clear_writeback(folio));
	wake_up_all(&kmapsim_folio_waitq);
}

void end_page_writeback(struct page *page)
{
	folio_end_writeback(page_folio(page));
}

void folio_wait_writeback(struct folio *folio)
{
	while (folio_test_writeback(folio))
		folio_wait_bit(folio, PG_writeback);
}

int folio_wait_writeback_killable(struct folio *folio)
{
	while (folio_test_writeback(folio))
		if (folio_wait_bit_killable(folio, PG_writeback))
			return -EINTR;
	return 0;
}

void wait_on_page_writeback(struct page *page)
{
	folio_wait_writeback(page_folio(page));
}

/*
 * A file's size changes: the page cache past it goes, and the page it ends
 * in is zeroed past it. Nothing maps a file into user space here, so there
 * is no mapping to unmap first and no partial page of a mapping to fix up.
 */
void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	truncate_inode_pages(inode->i_mapping, newsize);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
	truncate_pagecache(inode, newsize);
}
