/*
 * fs/verity/read_metadata.c's fsverity_read_merkle_tree(), imported
 * unchanged (FS_IOC_READ_VERITY_METADATA's Merkle tree read): page by page
 * it gets a tree page from the filesystem's read_merkle_tree_page(), maps
 * it with kmap_local_page(), copies the asked part to user space, unmaps
 * it, and stops early with -EINTR (or the bytes so far) when
 * fatal_signal_pending(current): a SIGKILL can arrive at each check, as
 * the run decides, and stays pending.
 *   tree_read       a tree of 1 to 3 highmem pages of known bytes, read
 *                   from a picked offset for a picked length: the count
 *                   is what the range holds (less when a signal or a user
 *                   fault ended it), and the bytes user space gets are the
 *                   tree's
 *   tree_read_error as tree_read, and the filesystem may fail a page's
 *                   read with -EIO
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/verity/read_metadata.c", fsverity_read_merkle_tree);

#define TREE_PAGES 3

static struct page *tree[TREE_PAGES];
static bool tree_can_fail;

static unsigned char tree_byte(u64 pos)
{
	return (pos * 13 + 7) & 0xff;
}

static struct page *read_tree_page(struct inode *inode, pgoff_t index, unsigned long num_ra_pages)
{
	BUG_ON(index >= TREE_PAGES || !num_ra_pages);
	if (tree_can_fail && kmapsim_pick(0, 3) == 0)
		return ERR_PTR(-EIO);
	get_page(tree[index]);
	return tree[index];
}

static const struct fsverity_operations tree_vops = {
	.read_merkle_tree_page = read_tree_page,
};

static void read_tree(bool can_fail)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct backing_dev_info *bdi = kzalloc(sizeof(*bdi), GFP_KERNEL | __GFP_NOFAIL);
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL | __GFP_NOFAIL);
	struct fsverity_info *vi = kzalloc(sizeof(*vi), GFP_KERNEL | __GFP_NOFAIL);
	unsigned char *got = kmalloc(2 * PAGE_SIZE, GFP_KERNEL | __GFP_NOFAIL);
	void __user *ubuf = kmapsim_user_buffer(2 * PAGE_SIZE);
	u64 size = kmapsim_pick(1, TREE_PAGES * PAGE_SIZE);
	u64 offset = kmapsim_pick(0, TREE_PAGES * PAGE_SIZE);
	int length = kmapsim_pick(1, 2 * PAGE_SIZE);
	u64 end = min(offset + length, size);
	int i, j, n;

	for (i = 0; i < TREE_PAGES; i++) {
		unsigned char *p;

		tree[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		p = kmap_local_page(tree[i]);
		for (j = 0; j < PAGE_SIZE; j++)
			p[j] = tree_byte((u64)i * PAGE_SIZE + j);
		kunmap_local(p);
	}
	tree_can_fail = can_fail;
	bdi->io_pages = kmapsim_pick(1, 4);
	sb->s_bdi = bdi;
	sb->s_vop = &tree_vops;
	inode->i_sb = sb;
	vi->tree_params.tree_size = size;

	n = fsverity_read_merkle_tree(inode, vi, ubuf, offset, length);
	if (n < 0) {
		/* nothing copied: the read, the user copy or a SIGKILL failed it */
		BUG_ON(n != -EIO && n != -EFAULT && n != -EINTR);
	} else {
		BUG_ON(offset >= end ? n != 0 : n > end - offset);
		if (n && !copy_from_user(got, ubuf, n))
			for (j = 0; j < n; j++)
				BUG_ON(got[j] != tree_byte(offset + j));
	}
	for (i = 0; i < TREE_PAGES; i++) {
		BUG_ON(page_count(tree[i]) != 1);	/* every reference it took, dropped */
		__free_page(tree[i]);
	}
	kfree(got);
	kfree(vi);
	kfree(inode);
	kfree(bdi);
	kfree(sb);
}

KMAPSIM_SUBJECT(tree_read) { read_tree(false); }
KMAPSIM_SUBJECT(tree_read_error) { read_tree(true); }
