/*
 * btrfs-lzo-kmap-leak, buggy variant.
 *
 * Shows: a decompressor walks its input pages with kmap(); each page starts
 * with a segment length. When a length is corrupt it bails out with an
 * error and never kunmap()s the page it is looking at, so a PKMAP slot
 * stays held forever.
 *
 * Re-expresses: 2cf3f8133bda "btrfs: fix lzo_decompress_bio() kmap
 * leakage" (Qu Wenruo, 2021), from the "Kmap-related crashes and memory
 * leaks on 32bit arch (5.15+)" thread.
 *
 * Expected: kmap-leak on strict, x86-32, x86-32-forcemap and arm-vivt
 * (highmem input page); x86-64 clean.
 */
#include <kmapsim/subject.h>

#define NR_IN 2
#define SEG_HDR sizeof(u32)

static int unpack_segments(struct page **in, u8 *out, size_t *done)
{
	int i;

	for (i = 0; i < NR_IN; i++) {
		u8 *kaddr = kmap(in[i]); /* kmapsim: map */
		u32 seg_len;

		memcpy(&seg_len, kaddr, SEG_HDR);
		if (seg_len > PAGE_SIZE - SEG_HDR)
			return -EINVAL;         /* in[i] is still kmapped */
		memcpy(out + *done, kaddr + SEG_HDR, seg_len);
		*done += seg_len;
		kunmap(in[i]);
	}
	return 0;
}

KMAPSIM_SUBJECT(btrfs_lzo_kmap_leak)
{
	struct page *in[NR_IN] = { };
	int corrupt = kmapsim_pick(0, NR_IN);   /* NR_IN: all segments sane */
	u8 *out = kmalloc(NR_IN * PAGE_SIZE, GFP_KERNEL);
	size_t done = 0;
	int i;

	for (i = 0; i < NR_IN; i++) {
		u32 len = i == corrupt ? PAGE_SIZE :
			  kmapsim_pick(0, PAGE_SIZE - SEG_HDR);

		in[i] = alloc_page(GFP_HIGHUSER);
		if (!in[i])
			goto out_free;
		memcpy_to_page(in[i], 0, (char *)&len, SEG_HDR);
	}
	if (out)
		unpack_segments(in, out, &done);
out_free:
	for (i = 0; i < NR_IN; i++)
		if (in[i])
			__free_page(in[i]); /* kmapsim: here */
	kfree(out);
}
