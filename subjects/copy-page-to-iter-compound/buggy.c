/*
 * copy-page-to-iter-compound, buggy variant.
 *
 * Shows: a copy out of a compound page whose range is checked against the
 * whole compound page (what page_copy_sane() accepts) but which maps only
 * one page with kmap_local_page(). A copy that starts in, or runs into, a
 * tail page leaves the single-page mapping.
 *
 * Re-expresses: Matthew Wilcox's report in "[patch V2 00/18] mm/highmem:
 * Preemptible variant of kmap_atomic & friends" (30 Oct 2020); fixed by
 * 08aa64796016 "teach copy_page_to_iter() to handle compound pages"
 * (Al Viro, 2021).
 *
 * Expected: strict kmap-overrun; x86-32 kmap-overrun (highmem folio);
 * x86-32-forcemap kmap-overrun; arm-vivt kmap-overrun (highmem folio);
 * x86-64 clean.
 */
#include <kmapsim/subject.h>

#define FOLIO_ORDER 1

/* The old shape: the bound is the compound page, the mapping is one page. */
static size_t old_copy_page_to_kvec(struct page *page, size_t offset,
				    size_t bytes, struct kvec *kv)
{
	char *kaddr;

	if (offset + bytes > page_size(page))
		return 0;
	kaddr = kmap_local_page(page); /* kmapsim: map */
	memcpy(kv->iov_base, kaddr + offset, bytes); /* kmapsim: here */
	kunmap_local(kaddr);
	return bytes;
}

KMAPSIM_SUBJECT(copy_page_to_iter_compound)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER, FOLIO_ORDER);
	size_t size = PAGE_SIZE << FOLIO_ORDER;
	size_t offset = kmapsim_pick(0, size - 1);
	size_t bytes = kmapsim_pick(1, size - offset);
	struct kvec kv;

	if (!folio)
		return;
	kv.iov_base = kmalloc(bytes, GFP_KERNEL);
	kv.iov_len = bytes;
	if (kv.iov_base)
		old_copy_page_to_kvec(folio_page(folio, 0), offset, bytes, &kv);
	kfree(kv.iov_base);
	folio_put(folio);
}
