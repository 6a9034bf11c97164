/*
 * btrfs-zstd-unmap-order, fixed variant.
 *
 * Shows: each chunk maps its input page, then its output page, copies, and
 * unmaps in reverse order, so the local mapping stack is always unwound
 * last-in first-out, whatever the zones of the pages.
 *
 * Re-expresses: the btrfs zstd page-by-page kmap_local conversion (Jun 2022)
 * and the rule "If we map A and then B, we must unmap B and then A" (erofs
 * thread, Oct 2022).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define NR_IN 2
#define NR_OUT 3

static void stream_pages(struct page **in, struct page **out, size_t hdr,
			 size_t total)
{
	size_t in_pos = 0, out_pos = hdr;

	while (in_pos < total) {
		size_t n = min_t(size_t, PAGE_SIZE - offset_in_page(in_pos),
				 PAGE_SIZE - offset_in_page(out_pos));
		u8 *src = kmap_local_page(in[in_pos / PAGE_SIZE]);
		u8 *dst = kmap_local_page(out[out_pos / PAGE_SIZE]);

		n = min_t(size_t, n, total - in_pos);
		memcpy(dst + offset_in_page(out_pos),
		       src + offset_in_page(in_pos), n);
		kunmap_local(dst);
		kunmap_local(src);
		in_pos += n;
		out_pos += n;
	}
}

static bool have_all(struct page **pages, int nr)
{
	while (nr--)
		if (!pages[nr])
			return false;
	return true;
}

static void free_page_array(struct page **pages, int nr)
{
	while (nr--)
		if (pages[nr])
			__free_page(pages[nr]);
}

KMAPSIM_SUBJECT(btrfs_zstd_unmap_order)
{
	struct page *in[NR_IN], *out[NR_OUT];
	size_t total = kmapsim_pick(1, NR_IN * PAGE_SIZE);
	size_t hdr = kmapsim_pick(0, PAGE_SIZE - 1);
	int i;

	for (i = 0; i < NR_IN; i++)
		in[i] = alloc_page(GFP_HIGHUSER);       /* page cache */
	for (i = 0; i < NR_OUT; i++)
		out[i] = alloc_page(GFP_NOFS);          /* compressed pages */
	if (have_all(in, NR_IN) && have_all(out, NR_OUT))
		stream_pages(in, out, hdr, total);
	free_page_array(out, NR_OUT);
	free_page_array(in, NR_IN);
}
