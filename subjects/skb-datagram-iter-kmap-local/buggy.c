/*
 * skb-datagram-iter-kmap-local, buggy variant.
 *
 * Shows: a datagram copy loop (in the shape of __skb_datagram_iter())
 * copies each fragment to the user's iov_iter through one mapping of the
 * fragment's page. The kmap() it used returns the direct map for a lowmem
 * page, which covers a whole compound page; the conversion to
 * kmap_local_page() gives a one-page mapping under FORCE_MAP, and a
 * fragment longer than the rest of that page is copied past it.
 *
 * Re-expresses: 934c29999b57 (the kmap() -> kmap_local_page() conversion
 * of __skb_datagram_iter(), 2023), reverted by 2d5f6801db8e after the copy
 * was caught on i386.
 *
 * Expected: kmap-overrun on strict and x86-32-forcemap; clean on x86-32,
 * arm-vivt, x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>

struct pkt_frag {
	struct page *page;
	unsigned int off;
	unsigned int size;
};

/* Copy @len bytes of the fragments, starting at byte @offset, to @to. */
static int frags_copy_to_iter(const struct pkt_frag *frags, int nr,
			      size_t offset, size_t len, struct iov_iter *to)
{
	size_t start = 0;
	int i;

	for (i = 0; i < nr && len; i++) {
		const struct pkt_frag *frag = &frags[i];
		size_t end = start + frag->size;

		if (offset < end) {
			size_t copy = min(end - offset, len);
			u8 *vaddr = kmap_local_page(frag->page);
			size_t n = copy_to_iter(vaddr + frag->off + offset - start,
						copy, to);

			kunmap_local(vaddr);
			if (n != copy)
				return -EFAULT;
			offset += copy;
			len -= copy;
		}
		start = end;
	}
	return 0;
}

KMAPSIM_SUBJECT(skb_datagram_iter_kmap_local)
{
	struct page *big = alloc_pages(GFP_ATOMIC, 1);	/* page_frag: compound */
	struct pkt_frag frag;
	void __user *ubuf;
	struct iov_iter iter;

	if (!big)
		return;
	frag.page = big;
	frag.off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
	frag.size = kmapsim_pick(1, 2 * PAGE_SIZE - frag.off);
	ubuf = kmapsim_user_buffer(frag.size);
	iov_iter_ubuf(&iter, ITER_DEST, ubuf, frag.size);
	frags_copy_to_iter(&frag, 1, 0, frag.size, &iter);
	__free_pages(big, 1);
}
