/*
 * erofs-nested-map-lifo, buggy variant.
 *
 * Shows: an uncompressed ("plain") transform copies shifted data from
 * input pages into output pages. A plain kmap() -> kmap_local_page()
 * conversion keeps the structure: each output page is mapped (A) while it
 * is filled, and the input page is mapped (B) when the copy first needs
 * it and stays mapped across output pages. When an output page is full it
 * is unmapped while the input mapping made after it is still live: map A,
 * map B, unmap A.
 *
 * Re-expresses: the erofs kmap_local conversion thread (Oct 2022): "If we
 * map A and then B, we must unmap B and then A"; the nested mapping could
 * not be made LIFO without restructuring the copy.
 *
 * Expected: kunmap-order on strict and x86-32-forcemap (every page mapped),
 * on x86-32 and arm-vivt when both pages are highmem; clean on x86-64 and
 * x86-64-forcemap.
 */
#include <kmapsim/subject.h>

#define NR_PAGES 1

static void transform_plain(struct page **out, struct page **in,
			    unsigned int shift, unsigned int len)
{
	unsigned int done = 0;
	int in_idx = -1;
	u8 *src = NULL;

	while (done < len) {
		unsigned int oi = done / PAGE_SIZE;
		u8 *dst = kmap_local_page(out[oi]);

		while (done < len && done / PAGE_SIZE == oi) {
			unsigned int ipos = shift + done;
			unsigned int n = min_t(unsigned int, len - done,
					       PAGE_SIZE - done % PAGE_SIZE);

			n = min_t(unsigned int, n, PAGE_SIZE - ipos % PAGE_SIZE);

			if ((int)(ipos / PAGE_SIZE) != in_idx) {
				if (src)
					kunmap_local(src);
				in_idx = ipos / PAGE_SIZE;
				src = kmap_local_page(in[in_idx]);
			}
			memcpy(dst + done % PAGE_SIZE, src + ipos % PAGE_SIZE, n);
			done += n;
		}
		kunmap_local(dst);	/* src, mapped later, may still be live */
	}
	if (src)
		kunmap_local(src);
}

KMAPSIM_SUBJECT(erofs_nested_map_lifo)
{
	struct page *out[NR_PAGES], *in[NR_PAGES + 1];
	unsigned int shift = kmapsim_pick(0, PAGE_SIZE - 1);
	unsigned int len = kmapsim_pick(1, NR_PAGES * PAGE_SIZE);
	int i;
	bool ok = true;

	for (i = 0; i < NR_PAGES; i++)
		out[i] = alloc_page(GFP_HIGHUSER_MOVABLE);	/* page cache */
	for (i = 0; i < NR_PAGES + 1; i++)
		in[i] = alloc_page(GFP_HIGHUSER_MOVABLE);	/* raw block data */
	for (i = 0; i < NR_PAGES; i++)
		ok &= out[i] != NULL;
	for (i = 0; i < NR_PAGES + 1; i++)
		ok &= in[i] != NULL;
	if (ok)
		transform_plain(out, in, shift, len);
	for (i = 0; i < NR_PAGES + 1; i++)
		if (in[i])
			__free_page(in[i]);
	for (i = 0; i < NR_PAGES; i++)
		if (out[i])
			__free_page(out[i]);
}
