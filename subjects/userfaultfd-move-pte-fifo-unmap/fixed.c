/*
 * userfaultfd-move-pte-fifo-unmap, fixed variant.
 *
 * Shows: the two page-table mappings are released in reverse order of
 * creation: source (mapped last) first, then destination.
 *
 * Re-expresses: 9614d8b, the fix of move_pages_pte() in userfaultfd
 * (Sasha Levin, 2025); same fix pattern as crypto skcipher
 * (eca6828) and nilfs2 (8cf57c6).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define PTRS_PER_TABLE (PAGE_SIZE / sizeof(u32))

static int move_one_pte(struct page *dst_table, struct page *src_table,
			size_t idx)
{
	u32 *dst_pte = kmap_local_page(dst_table);
	u32 *src_pte = kmap_local_page(src_table);
	int ret = 0;

	if (dst_pte[idx] || !src_pte[idx]) {
		ret = -EINVAL;
	} else {
		dst_pte[idx] = src_pte[idx];
		src_pte[idx] = 0;
	}
	kunmap_local(src_pte);
	kunmap_local(dst_pte);
	return ret;
}

KMAPSIM_SUBJECT(userfaultfd_move_pte_fifo_unmap)
{
	struct page *dst = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	struct page *src = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t idx = kmapsim_pick(0, PTRS_PER_TABLE - 1);
	u32 pte = (u32)kmapsim_pick(1, 0xfffff) << PAGE_SHIFT | 1;

	if (dst && src) {
		memcpy_to_page(src, idx * sizeof(pte), (char *)&pte,
			       sizeof(pte));
		move_one_pte(dst, src, idx);
	}
	if (src)
		__free_page(src);
	if (dst)
		__free_page(dst);
}
