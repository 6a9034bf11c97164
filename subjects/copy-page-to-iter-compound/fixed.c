/*
 * copy-page-to-iter-compound, fixed variant.
 *
 * Shows: the same copy done by copy_page_to_iter() on a kvec iterator,
 * which walks the compound page one subpage at a time: map a subpage,
 * copy at most to its end, unmap, move on.
 *
 * Re-expresses: 08aa64796016 "teach copy_page_to_iter() to handle compound
 * pages" (Al Viro, 2021), which answered Matthew Wilcox's report in
 * "[patch V2 00/18] mm/highmem: Preemptible variant of kmap_atomic &
 * friends" (30 Oct 2020).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 1

KMAPSIM_SUBJECT(copy_page_to_iter_compound)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER, FOLIO_ORDER);
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	size_t offset = kmapsim_pick(0, size - 1);
	size_t bytes = kmapsim_pick(1, size - offset);
	struct iov_iter iter;
	struct kvec kv;

	if (!folio)
		return;
	kv.iov_base = kmalloc(bytes, GFP_KERNEL);
	kv.iov_len = bytes;
	if (kv.iov_base) {
		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, bytes);
		copy_page_to_iter(folio_page(folio, 0), offset, bytes, &iter);
	}
	kfree(kv.iov_base);
	folio_put(folio);
}
