/*
 * ext2-dir-page-address, fixed variant.
 *
 * Shows: the check is given the address kmap_local_page() returned, so it
 * never asks page_address() about a page that may be in highmem.
 *
 * Re-expresses: ext2_check_page() and ext2_delete_entry() after the
 * directory code's kmap_local_page() conversion (2021, Fixes 782b76d7abdf):
 * the fix passes the mapped address down instead.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

struct dir_entry_hdr {
	u32 inode;
	u16 rec_len;
	u8 name_len;
	u8 file_type;
};

#define DIR_REC_MIN 12u

static void dir_format_page(struct page *page, unsigned int nr)
{
	unsigned int off = 0, i, rec = PAGE_SIZE / nr;
	struct dir_entry_hdr de;

	for (i = 0; i < nr; i++) {
		de.inode = i + 11;
		de.rec_len = i + 1 < nr ? rec : PAGE_SIZE - off;
		de.name_len = 4;
		de.file_type = 1;
		memcpy_to_page(page, off, (const char *)&de, sizeof(de));
		off += de.rec_len;
	}
}

static bool dir_check_page(const char *kaddr)
{
	unsigned int off = 0;

	while (off < PAGE_SIZE) {
		const struct dir_entry_hdr *de = (const void *)(kaddr + off);

		if (de->rec_len < DIR_REC_MIN || de->rec_len > PAGE_SIZE - off)
			return false;
		off += de->rec_len;
	}
	return true;
}

static void *dir_get_page(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	if (!dir_check_page(kaddr)) {
		kunmap_local(kaddr);
		return NULL;
	}
	return kaddr;
}

KMAPSIM_SUBJECT(ext2_dir_page_address)
{
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE);	/* page cache */
	unsigned int nr = kmapsim_pick(1, PAGE_SIZE / 64);
	struct dir_entry_hdr *de;

	if (!page)
		return;
	dir_format_page(page, nr);
	de = dir_get_page(page);
	if (de) {
		WARN_ON(de->inode != 11);
		kunmap_local(de);
	}
	__free_page(page);
}
