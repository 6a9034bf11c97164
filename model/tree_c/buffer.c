/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the buffer-head calls filesystem code makes around the pages it
 * maps (fs/buffer.c), over the tree's own struct buffer_head, and the
 * inode dirtying they lead to (fs/fs-writeback.c). Compiled into a unit
 * that calls them, as filemap.c is.
 *
 * What it keeps: a buffer's reference count (brelse() of a free buffer
 * warns, as the kernel does), BH_Lock as a sleeping bit lock (one wait
 * queue for every buffer: waiters recheck their own), and dirtying: the
 * buffer, its page (which is a folio's head or a page of it), and the
 * page's inode through __mark_inode_dirty(), which calls the
 * filesystem's dirty_inode() for inode-metadata dirtying as the kernel
 * does. What it leaves out: writeback (the dirty lists, the page cache's
 * dirty tags, the block device and its I/O).
 */

static DECLARE_WAIT_QUEUE_HEAD(kmapsim_buffer_waitq);

void __brelse(struct buffer_head *bh)
{
	if (atomic_read(&bh->b_count)) {
		put_bh(bh);
		return;
	}
	WARN(1, KERN_ERR "VFS: brelse: Trying to free free buffer\n");
}

void __lock_buffer(struct buffer_head *bh)
{
	might_sleep();
	if (!trylock_buffer(bh))
		(void)__kmapsim_wait_event(kmapsim_buffer_waitq, trylock_buffer(bh),
					   TASK_UNINTERRUPTIBLE, 0, "lock_buffer");
}

void unlock_buffer(struct buffer_head *bh)
{
	clear_bit_unlock(BH_Lock, &bh->b_state);
	smp_mb__after_atomic();
	wake_up_all(&kmapsim_buffer_waitq);
}

void __wait_on_buffer(struct buffer_head *bh)
{
	might_sleep();
	if (buffer_locked(bh))
		(void)__kmapsim_wait_event(kmapsim_buffer_waitq, !buffer_locked(bh),
					   TASK_UNINTERRUPTIBLE, 0, "wait_on_buffer");
}

/*
 * Inode dirtying without writeback: the filesystem hears of metadata
 * dirtying through its dirty_inode(), and the inode's state says what is
 * dirty.
 */
void __mark_inode_dirty(struct inode *inode, int flags)
{
	if (flags & I_DIRTY_INODE) {
		struct super_block *sb = inode->i_sb;

		if (sb->s_op && sb->s_op->dirty_inode)
			sb->s_op->dirty_inode(inode, flags & (I_DIRTY_INODE | I_DIRTY_TIME));
		flags &= ~I_DIRTY_TIME;
	}
	smp_mb();
	if ((inode->i_state & flags) == flags)
		return;
	spin_lock(&inode->i_lock);
	inode->i_state |= flags;
	spin_unlock(&inode->i_lock);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	struct folio *folio;
	struct address_space *mapping = NULL;

	WARN_ON_ONCE(!buffer_uptodate(bh));
	if (buffer_dirty(bh)) {
		smp_mb();
		if (buffer_dirty(bh))
			return;
	}
	if (test_set_buffer_dirty(bh))
		return;
	folio = page_folio(bh->b_page);
	if (!folio_test_set_dirty(folio))
		mapping = folio->mapping;
	if (mapping)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
}
