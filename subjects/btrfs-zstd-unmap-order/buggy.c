/*
 * btrfs-zstd-unmap-order, buggy variant.
 *
 * Shows: a compressor-style loop keeps one input and one output page mapped
 * and, when the input page is used up, unmaps it and maps the next while
 * the later output mapping is still live (map A, map B, unmap A). Output
 * pages are lowmem (GFP_NOFS), so only FORCE_MAP puts both on the stack.
 *
 * Re-expresses: the btrfs zstd page-by-page kmap_local conversion (Jun 2022)
 * cited for the rule "If we map A and then B, we must unmap B and then A"
 * (erofs thread, Oct 2022).
 *
 * Expected: strict kunmap-order; x86-32 clean; x86-32-forcemap
 * kunmap-order; arm-vivt clean; x86-64 clean.
 */
#include <kmapsim/subject.h>

#define NR_IN 2
#define NR_OUT 3

static void stream_pages(struct page **in, struct page **out, size_t hdr,
			 size_t total)
{
	size_t in_pos = 0, out_pos = hdr;
	u8 *src = kmap_local_page(in[0]); /* kmapsim: map */
	u8 *dst = kmap_local_page(out[0]);

	while (in_pos < total) {
		size_t n = min_t(size_t, PAGE_SIZE - offset_in_page(in_pos),
				 PAGE_SIZE - offset_in_page(out_pos));

		n = min_t(size_t, n, total - in_pos);
		memcpy(dst + offset_in_page(out_pos),
		       src + offset_in_page(in_pos), n);
		in_pos += n;
		out_pos += n;
		if (in_pos < total && !offset_in_page(in_pos)) {
			kunmap_local(src);      /* dst was mapped after src */ /* kmapsim: here */
			src = kmap_local_page(in[in_pos / PAGE_SIZE]);
		}
		if (in_pos < total && !offset_in_page(out_pos)) {
			kunmap_local(dst);
			dst = kmap_local_page(out[out_pos / PAGE_SIZE]);
		}
	}
	kunmap_local(dst);
	kunmap_local(src);
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
