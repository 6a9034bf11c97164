/*
 * fs/ext2/dir.c's ext2_find_entry(), imported unchanged with everything it
 * calls in dir.c (ext2_get_folio(), ext2_check_folio(), ext2_match(), ...)
 * and the page cache kmapsim writes over the tree's struct address_space
 * (model/tree_c/filemap.c): a directory inode whose pages come from the
 * "disk" through its read_folio(), each a page of well-formed entries of
 * picked lengths, names and inode numbers. The lookup reads each page
 * through read_mapping_folio() and kmap_local_folio(), checks it once,
 * walks it for the name, and returns the entry still mapped: the caller
 * unmaps it with folio_release_kmap() (6.1: ext2_put_page() of the page
 * and the address ext2_find_entry() hands back; the tests check the 6.1
 * and 6.12 trees, hence the version test). Every page read lands in the page
 * cache (a second lookup finds the pages checked and cached), and the
 * cache is dropped with truncate_inode_pages_final().
 *   dir_lookup      two lookups of "b" in a directory of 1 to 3 pages
 *                   (found or not, starting at a picked page)
 *   dir_read_error  as dir_lookup, and the disk may fail a page's read:
 *                   the lookup returns the read's error
 *   dir_read_error_keeps_lock
 *                   as dir_read_error with a disk whose failed read leaves
 *                   the folio locked: the failed folio stays in the cache,
 *                   and the next lookup of that page sleeps on its lock
 *                   for ever (reported as a deadlock)
 *   dir_lookup_concurrent
 *                   as dir_read_error, with a second task looking up the
 *                   same name: one reads a page while the other sleeps on
 *                   its folio lock, then finds it cached (or reads it again
 *                   when the first read failed)
 *   dir_read_async  as dir_lookup_concurrent, with reads that complete
 *                   later in the system workqueue (the worker fills the
 *                   page through its own mapping and unlocks it): the
 *                   lookup sleeps on the folio lock until then, killably
 *                   (a fatal signal ends it with -EINTR)
 *   dir_corrupt     as dir_read_error, and a page read from the disk may
 *                   hold a bad entry (too short, misaligned, too short for
 *                   its name, an inode past the last), or the directory's
 *                   size may not be a whole number of blocks: the check
 *                   reports it through ext2_error() (a message: kmapsim
 *                   takes a declared-only printf-like void function as
 *                   printk()) and the lookup unmaps the page and returns
 *                   -EIO
 * A page-cache allocation may fail in any: the lookup returns -ENOMEM.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/ext2/dir.c", ext2_find_entry);

static bool disk_can_fail, disk_keeps_lock, disk_async, disk_corrupt;

/* one entry of a page made bad in one of the ways ext2_check_folio() names */
static void corrupt_entry(ext2_dirent *de)
{
	switch (kmapsim_pick(0, 3)) {
	case 0:
		de->rec_len = ext2_rec_len_to_disk(8);			/* shorter than any entry */
		break;
	case 1:
		de->rec_len = ext2_rec_len_to_disk(ext2_rec_len_from_disk(de->rec_len) - 2);	/* unaligned */
		break;
	case 2:
		de->name_len = 255;					/* longer than its record */
		break;
	default:
		de->inode = cpu_to_le32(65);				/* past s_inodes_count */
		break;
	}
}

/* the disk's contents: one page of entries, each chunk (block) filled exactly */
static void fill_dir_page(struct folio *folio)
{
	unsigned int offs = 0, chunk = 1024;
	char *kaddr = kmap_local_folio(folio, 0);
	ext2_dirent *bad = NULL;

	while (offs < PAGE_SIZE) {
		ext2_dirent *de = (ext2_dirent *)(kaddr + offs);
		unsigned int left = chunk - (offs & (chunk - 1));
		unsigned int len = left < 24 || kmapsim_pick(0, 1) ? left : 12 + 4 * kmapsim_pick(0, (left - 24) / 4);

		de->inode = cpu_to_le32(kmapsim_pick(0, 64));
		de->rec_len = ext2_rec_len_to_disk(len);
		de->name_len = 1;
		de->file_type = 0;
		de->name[0] = 'a' + kmapsim_pick(0, 2);
		if (disk_corrupt && !bad && kmapsim_pick(0, 3) == 0)
			bad = de;
		offs += len;
	}
	if (bad)
		corrupt_entry(bad);
	kunmap_local(kaddr);
}

/* a read that completes later, in the system workqueue, as I/O does */
struct disk_read {
	struct work_struct work;
	struct folio *folio;
};

static void disk_read_done(struct work_struct *work)
{
	struct disk_read *r = container_of(work, struct disk_read, work);

	fill_dir_page(r->folio);
	folio_mark_uptodate(r->folio);
	folio_unlock(r->folio);
	kfree(r);
}

static int dir_read_folio(struct file *file, struct folio *folio)
{
	if (disk_can_fail && kmapsim_pick(0, 3) == 0) {
		if (!disk_keeps_lock)	/* read_folio() unlocks, even when it fails */
			folio_unlock(folio);
		return -EIO;
	}
	if (disk_async) {
		struct disk_read *r = kmalloc(sizeof(*r), GFP_NOFS | __GFP_NOFAIL);

		INIT_WORK(&r->work, disk_read_done);
		r->folio = folio;
		schedule_work(&r->work);
		return 0;
	}
	fill_dir_page(folio);
	folio_mark_uptodate(folio);
	folio_unlock(folio);
	return 0;
}

static const struct address_space_operations dir_aops = {
	.read_folio = dir_read_folio,
};

static void lookup(struct inode *dir, const char *name)
{
	struct qstr q = QSTR_INIT(name, strlen(name));
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	/* 6.1: the entry's page and that page's mapping */
	struct page *page;
	void *page_addr;
	struct ext2_dir_entry_2 *de = ext2_find_entry(dir, &q, &page, &page_addr);
#else
	struct folio *folio;
	struct ext2_dir_entry_2 *de = ext2_find_entry(dir, &q, &folio);
#endif

	if (IS_ERR(de)) {
		/* not there, the disk failed, the page cache could not
		 * allocate, or a fatal signal ended the wait for a read */
		BUG_ON(PTR_ERR(de) != -ENOENT && PTR_ERR(de) != -EIO && PTR_ERR(de) != -ENOMEM &&
		       PTR_ERR(de) != -EINTR);
		return;
	}
	BUG_ON(de->name_len != 1 || de->name[0] != name[0] || !de->inode);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	ext2_put_page(page, page_addr);
#else
	folio_release_kmap(folio, de);
#endif
}

struct lookup_work {
	struct inode *dir;
	struct completion done;
};

static int lookup_thread(void *data)
{
	struct lookup_work *w = data;

	lookup(w->dir, "b");
	complete(&w->done);
	return 0;
}

static void directory(bool can_fail, bool keeps_lock, bool concurrent, bool async, bool corrupt)
{
	struct lookup_work w;
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL | __GFP_NOFAIL);
	struct ext2_super_block *es = kzalloc(sizeof(*es), GFP_KERNEL | __GFP_NOFAIL);
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei), GFP_KERNEL | __GFP_NOFAIL);
	struct inode *dir = &ei->vfs_inode;
	unsigned int pages = kmapsim_pick(1, 3);

	disk_can_fail = can_fail;
	disk_keeps_lock = keeps_lock;
	disk_async = async;
	disk_corrupt = corrupt;
	es->s_inodes_count = cpu_to_le32(64);
	sbi->s_es = es;
	sb->s_fs_info = sbi;
	sb->s_blocksize = 1024;
	dir->i_sb = sb;
	dir->i_size = pages * PAGE_SIZE;
	if (corrupt && kmapsim_pick(0, 3) == 0)
		dir->i_size -= 512;	/* the last page ends inside a block */
	dir->i_blocks = pages << (PAGE_SHIFT - 9);
	dir->i_data.host = dir;
	dir->i_data.a_ops = &dir_aops;
	xa_init(&dir->i_data.i_pages);
	mapping_set_gfp_mask(&dir->i_data, GFP_HIGHUSER);
	dir->i_mapping = &dir->i_data;
	ei->i_dir_start_lookup = kmapsim_pick(0, pages - 1);

	if (concurrent) {
		w.dir = dir;
		init_completion(&w.done);
		kthread_run(lookup_thread, &w, "lookup");
	}
	lookup(dir, "b");
	lookup(dir, "b");
	if (concurrent)
		wait_for_completion(&w.done);
	truncate_inode_pages_final(&dir->i_data);
	BUG_ON(dir->i_data.nrpages);
	kfree(ei);
	kfree(es);
	kfree(sbi);
	kfree(sb);
}

KMAPSIM_SUBJECT(dir_lookup) { directory(false, false, false, false, false); }
KMAPSIM_SUBJECT(dir_read_error) { directory(true, false, false, false, false); }
KMAPSIM_SUBJECT(dir_read_error_keeps_lock) { directory(true, true, false, false, false); }
KMAPSIM_SUBJECT(dir_lookup_concurrent) { directory(true, false, true, false, false); }
KMAPSIM_SUBJECT(dir_read_async) { directory(true, false, true, true, false); }
KMAPSIM_SUBJECT(dir_corrupt) { directory(true, false, false, false, true); }
