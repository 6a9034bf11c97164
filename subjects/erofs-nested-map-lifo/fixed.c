/*
 * erofs-nested-map-lifo, fixed variant.
 *
 * Shows: the copy is restructured into chunks that lie within one output
 * page and one input page; each chunk maps its output page, then its
 * input page, and unmaps them in reverse order, so no mapping outlives one
 * made after it.
 *
 * Re-expresses: the erofs kmap_local conversion thread (Oct 2022): "If we
 * map A and then B, we must unmap B and then A"; the nested mapping could
 * not be made LIFO without restructuring the copy.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

#define NR_PAGES 1

static void transform_plain(struct page **out, struct page **in,
			    unsigned int shift, unsigned int len)
{
	unsigned int done = 0;

	while (done < len) {
		unsigned int ipos = shift + done;
		unsigned int n = min_t(unsigned int, len - done,
				       PAGE_SIZE - done % PAGE_SIZE);
		u8 *dst, *src;

		n = min_t(unsigned int, n, PAGE_SIZE - ipos % PAGE_SIZE);
		dst = kmap_local_page(out[done / PAGE_SIZE]);
		src = kmap_local_page(in[ipos / PAGE_SIZE]);
		memcpy(dst + done % PAGE_SIZE, src + ipos % PAGE_SIZE, n);
		kunmap_local(src);
		kunmap_local(dst);
		done += n;
	}
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
