/*
 * fs/romfs/super.c's romfs_read_folio() unchanged, reading a file's folio
 * of the page cache from a device this harness defines itself:
 * romfs_dev_read(), which super.c only declares (fs/romfs/storage.c reads
 * the block device or the MTD), is given a body here, and the importer
 * then declares it instead of importing storage.c's or stopping at it.
 *
 * The image is a byte pattern of the device position; the file starts at
 * a picked data offset and is picked 0 to 3 pages long, and the folio is
 * picked among its first three. 6.12 maps the folio with
 * kmap_local_folio() and zeroes its tail with folio_zero_tail(); 6.1 uses
 * kmap() and memset().
 *   read   6.1: clean (what the device holds up to the end of the file,
 *          zeroes after it, -EIO and no uptodate folio when the device
 *          fails); a fill size patched to ignore the page size is a
 *          kmap-overrun in the device read.
 *          6.12: kunmap-bad-address on HIGHMEM profiles. When the file
 *          fills the whole page, fillsize is PAGE_SIZE, folio_zero_tail()
 *          zeroes nothing and returns the address it was given,
 *          buf + PAGE_SIZE, and kunmap_local() gets the address one page
 *          past the mapping: mm/highmem.c's kunmap_local_indexed() masks
 *          it to the next page, which is outside the fixmap range at
 *          depth 0 (the slot is never popped and migration stays
 *          disabled; under FORCE_MAP a WARN) and another slot's address
 *          above it (a WARN, and the TLB flush hits the wrong address).
 *          x86-64 is clean: there kunmap_local() does nothing. Unmapping
 *          inside the page (patched in) makes the check clean.
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/romfs/super.c", romfs_read_folio);

static bool device_fails;

static unsigned char image_byte(unsigned long pos)
{
	return (pos * 7 + 3) & 0xff;
}

int romfs_dev_read(struct super_block *sb, unsigned long pos, void *buf, size_t buflen)
{
	unsigned char *p = buf;
	size_t i;

	if (device_fails)
		return -EIO;
	for (i = 0; i < buflen; i++)
		p[i] = image_byte(pos + i);
	return 0;
}

KMAPSIM_SUBJECT(read)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct romfs_inode_info *ri = kzalloc(sizeof(*ri), GFP_KERNEL | __GFP_NOFAIL);
	struct inode *inode = &ri->vfs_inode;
	struct address_space *mapping = &inode->i_data;
	pgoff_t index = kmapsim_pick(0, 2);
	loff_t size = kmapsim_pick(0, 3 * PAGE_SIZE);
	unsigned long fill;
	struct folio *folio;
	unsigned char *p;
	unsigned long i;
	int ret;

	device_fails = kmapsim_pick(0, 1);
	ri->i_dataoffset = kmapsim_pick(0, 1000);
	inode->i_sb = sb;
	i_size_write(inode, size);
	mapping->host = inode;
	xa_init(&mapping->i_pages);
	mapping_set_gfp_mask(mapping, GFP_HIGHUSER);
	inode->i_mapping = mapping;
	folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	BUG_ON(filemap_add_folio(mapping, folio, index, GFP_KERNEL | __GFP_NOFAIL));

	ret = romfs_read_folio(NULL, folio);

	fill = size > folio_pos(folio) ? min_t(loff_t, size - folio_pos(folio), PAGE_SIZE) : 0;
	if (fill && device_fails) {
		BUG_ON(ret != -EIO || folio_test_uptodate(folio));
	} else {
		BUG_ON(ret || !folio_test_uptodate(folio));
		p = kmap_local_folio(folio, 0);
		for (i = 0; i < PAGE_SIZE; i++)
			BUG_ON(p[i] != (i < fill ? image_byte(ri->i_dataoffset + folio_pos(folio) + i) : 0));
		kunmap_local(p);
	}
	BUG_ON(folio_test_locked(folio));	/* the read ended */

	folio_lock(folio);
	filemap_remove_folio(folio);
	folio_unlock(folio);
	folio_put(folio);
	kfree(ri);
	kfree(sb);
}
