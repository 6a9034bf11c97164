/*
 * fs/ext2/dir.c's directory-page check, imported unchanged with the
 * subsystem's own header (fs/ext2/ext2.h) and struct inode, struct
 * super_block and struct address_space from the tree's linux/fs.h: a
 * directory of one page-cache folio, mapped with kmap_local_folio() as
 * ext2_get_folio() maps it, holding entries whose record lengths the run
 * picks. ext2_check_folio() walks the entries through the mapping and
 * stops at the first bad one (quiet, so no ext2_error()); either way it
 * stays inside the page (clean). dir_large_folio breaks ext2's contract
 * that a directory folio is one page: the check walks folio_size() bytes
 * through a mapping of the first page (kmap-overrun where that map is a
 * single-page window).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/ext2/dir.c", ext2_check_folio);

static void check_dir(unsigned int order)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL | __GFP_NOFAIL);
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL | __GFP_NOFAIL);
	struct ext2_super_block *es = kzalloc(sizeof(*es), GFP_KERNEL | __GFP_NOFAIL);
	struct inode *dir = kzalloc(sizeof(*dir), GFP_KERNEL | __GFP_NOFAIL);
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);
	unsigned int offs = 0, chunk = 1024;
	char *kaddr;

	es->s_inodes_count = cpu_to_le32(64);
	sbi->s_es = es;
	sb->s_fs_info = sbi;
	sb->s_blocksize = chunk;
	dir->i_sb = sb;
	dir->i_size = folio_size(folio);
	dir->i_data.host = dir;
	dir->i_mapping = &dir->i_data;
	folio->mapping = dir->i_mapping;
	folio->index = 0;

	kaddr = kmap_local_folio(folio, 0);
	/* well-formed entries filling each chunk, of picked lengths */
	while (offs < PAGE_SIZE) {
		ext2_dirent *de = (ext2_dirent *)(kaddr + offs);
		unsigned int left = chunk - (offs & (chunk - 1));
		unsigned int len = left < 24 || kmapsim_pick(0, 1) ? left : 12 + 4 * kmapsim_pick(0, (left - 24) / 4);

		de->inode = cpu_to_le32(kmapsim_pick(0, 64));
		de->rec_len = ext2_rec_len_to_disk(len);
		de->name_len = 1;
		de->file_type = 0;
		de->name[0] = 'a';
		offs += len;
	}
	/* and maybe one bad field, for each of the check's error paths */
	switch (kmapsim_pick(0, 2)) {
	case 1:	/* short, unaligned, across a chunk, past the end */
		((ext2_dirent *)kaddr)->rec_len = ext2_rec_len_to_disk(kmapsim_pick(0, 2 * chunk));
		break;
	case 2:	/* an inode number past the last */
		((ext2_dirent *)kaddr)->inode = cpu_to_le32(65);
		break;
	}
	ext2_check_folio(folio, 1, kaddr);
	kunmap_local(kaddr);
	folio_put(folio);
	kfree(dir);
	kfree(es);
	kfree(sbi);
	kfree(sb);
}

KMAPSIM_SUBJECT(dir_page) { check_dir(0); }
KMAPSIM_SUBJECT(dir_large_folio) { check_dir(1); }
