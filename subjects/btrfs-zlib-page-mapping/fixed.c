/*
 * btrfs-zlib-page-mapping, fixed variant.
 *
 * Shows: the output pages are the filesystem's own GFP_NOFS allocations,
 * never highmem, so they are addressed with page_address() and take no
 * local mapping at all; only the input page is mapped, one at a time, and
 * the local stack never holds more than one entry.
 *
 * Re-expresses: btrfs zlib_compress_pages() and its page-by-page mapping
 * of input and output in the kmap_local conversion (2022-2023); btrfs
 * settled on addressing its own (never highmem) output pages directly.
 *
 * Expected: clean on every profile.
 */
#include <kmapsim/subject.h>

#define NR_IN 2
#define NR_OUT 2

/* A stand-in for deflate(): consumes and produces up to the space given. */
static void deflate_step(const u8 **in, size_t *avail_in, u8 **out,
			 size_t *avail_out)
{
	size_t n = min(*avail_in, *avail_out);
	size_t i;

	for (i = 0; i < n; i++)
		(*out)[i] = (*in)[i] ^ 0x5a;
	*in += n;
	*out += n;
	*avail_in -= n;
	*avail_out -= n;
}

static size_t zlib_like_compress(struct page **in_pages, size_t len,
				 struct page **out_pages, size_t hdr)
{
	int in_idx = 0, out_idx = 0;
	const u8 *in_base = NULL, *next_in = NULL;
	size_t avail_in = 0, avail_out = PAGE_SIZE - hdr, in_left = len;
	size_t total_out = 0;
	u8 *cpage_out = page_address(out_pages[0]);
	u8 *next_out = cpage_out + hdr;

	while (in_left || avail_in) {
		size_t before;

		if (!avail_in) {
			if (in_base)
				kunmap_local(in_base);
			in_base = kmap_local_page(in_pages[in_idx++]);
			next_in = in_base;
			avail_in = min_t(size_t, in_left, PAGE_SIZE);
			in_left -= avail_in;
		}
		if (!avail_out) {
			if (++out_idx == NR_OUT)
				break;	/* does not compress: give up */
			cpage_out = page_address(out_pages[out_idx]);
			next_out = cpage_out;
			avail_out = PAGE_SIZE;
		}
		before = avail_out;
		deflate_step(&next_in, &avail_in, &next_out, &avail_out);
		total_out += before - avail_out;
	}
	if (in_base)
		kunmap_local(in_base);
	return total_out;
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

KMAPSIM_SUBJECT(btrfs_zlib_page_mapping)
{
	struct page *in[NR_IN], *out[NR_OUT];
	size_t len = kmapsim_pick(1, NR_IN * PAGE_SIZE);
	size_t hdr = kmapsim_pick(0, PAGE_SIZE - 1);
	int i;

	for (i = 0; i < NR_IN; i++)
		in[i] = alloc_page(GFP_HIGHUSER_MOVABLE);	/* page cache */
	for (i = 0; i < NR_OUT; i++)
		out[i] = alloc_page(GFP_NOFS);	/* btrfs's own compressed pages */
	if (have_all(in, NR_IN) && have_all(out, NR_OUT))
		zlib_like_compress(in, len, out, hdr);
	free_page_array(out, NR_OUT);
	free_page_array(in, NR_IN);
}
