/*
 * crypto-scomp-last-page, buggy variant.
 *
 * Shows: a synchronous-compression wrapper decides whether it may map the
 * caller's source and destination pages directly: it may unless the span
 * [off, off + len) crosses a page and its last page is highmem (then it
 * bounces through a scratch buffer). It finds the last page as
 *
 *	n = len / PAGE_SIZE + (offset_in_page(len) + off - 1) / PAGE_SIZE
 *
 * which is right except for off == 0 with len a whole number of pages:
 * the unsigned long in the second term goes below 0. On a 32-bit kernel it
 * becomes 0xffffffff / PAGE_SIZE = 0xfffff, so n is 2^20 pages too far and
 * PageHighMem() reads a struct page far past the end of mem_map (the
 * reported oops: zswap compressing one whole page). On 64-bit the same
 * term is 2^52 - 1, which the unsigned int n truncates to -1: n comes out
 * right by accident.
 *
 * The subject runs as 64-bit host code: kmapsim_ulong() makes the one
 * unsigned long expression wrap at the profile's BITS_PER_LONG.
 *
 * Re-expresses: crypto/scompress.c scomp_acomp_comp_decomp() between
 * 2d3553ecb4e3 ("crypto: scomp - Remove support for some non-trivial SG
 * lists") and 002ba346e3d7 ("crypto: scomp - Fix off-by-one bug when
 * calculating last page", 2025); Qu Wenruo's "x86 32bit kernel (HIGHMEM +
 * PAE) BUGs" report, Apr 2025.
 *
 * Expected: memory-error on strict, x86-32, x86-32-forcemap and arm-vivt;
 * clean on x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>
#include <linux/overflow.h>

/* One request: a source span to compress into a destination span. */
struct comp_req {
	struct page *spage;
	unsigned int soff, slen;
	struct page *dpage;
	unsigned int doff, dlen;
};

static char scratch_src[PAGE_SIZE];
static char scratch_dst[PAGE_SIZE];

/* Index of the page holding the last byte of [off, off + len). */
static unsigned int span_last_page(unsigned int off, unsigned int len)
{
	unsigned int n;

	n = len / PAGE_SIZE;
	n += kmapsim_ulong(offset_in_page(len) + off - 1) / PAGE_SIZE;
	return n;
}

/* A toy compressor: (count, byte) runs; -ENOSPC when dst is too small. */
static int toy_compress(const u8 *src, unsigned int slen, u8 *dst,
			unsigned int *dlen)
{
	unsigned int i = 0, out = 0;

	while (i < slen) {
		unsigned int run = 1;

		while (i + run < slen && run < 255 && src[i + run] == src[i])
			run++;
		if (out + 2 > *dlen)
			return -ENOSPC;
		dst[out++] = run;
		dst[out++] = src[i];
		i += run;
	}
	*dlen = out;
	return 0;
}

static int scomp_compress(struct comp_req *req)
{
	struct page *spage, *dpage;
	unsigned int soff, doff, n, dlen = req->dlen;
	u8 *src, *dst;
	bool src_mapped = false, dst_mapped = false;
	int ret;

	soff = req->soff;
	spage = nth_page(req->spage, soff / PAGE_SIZE);
	soff = offset_in_page(soff);
	n = span_last_page(soff, req->slen);
	if (PageHighMem(nth_page(spage, n)) &&
	    size_add(soff, req->slen) > PAGE_SIZE) {
		memcpy_from_page(scratch_src, spage, soff, req->slen);
		src = (u8 *)scratch_src;
	} else {
		src = (u8 *)kmap_local_page(spage) + soff;
		src_mapped = true;
	}

	doff = req->doff;
	dpage = nth_page(req->dpage, doff / PAGE_SIZE);
	doff = offset_in_page(doff);
	n = span_last_page(doff, dlen);
	if (PageHighMem(dpage + n) && size_add(doff, dlen) > PAGE_SIZE) {
		dst = (u8 *)scratch_dst;
	} else {
		dst = (u8 *)kmap_local_page(dpage) + doff;
		dst_mapped = true;
	}

	ret = toy_compress(src, req->slen, dst, &dlen);

	if (dst_mapped)
		kunmap_local(dst);
	else if (!ret)
		memcpy_to_page(dpage, doff, scratch_dst, dlen);
	if (src_mapped)
		kunmap_local(src);
	if (!ret)
		req->dlen = dlen;
	return ret;
}

KMAPSIM_SUBJECT(crypto_scomp_last_page)
{
	struct page *in = alloc_page(GFP_HIGHUSER);
	struct page *out = alloc_page(GFP_HIGHUSER);
	struct comp_req req;

	if (!in || !out)
		goto out;
	/* zswap compresses one whole page; other callers pass parts of one. */
	req.spage = in;
	req.soff = kmapsim_pick(0, PAGE_SIZE - 1);
	req.slen = kmapsim_pick(1, PAGE_SIZE - req.soff);
	req.dpage = out;
	req.doff = kmapsim_pick(0, PAGE_SIZE - 1);
	req.dlen = kmapsim_pick(1, PAGE_SIZE - req.doff);
	memzero_page(in, 0, PAGE_SIZE);
	scomp_compress(&req);
out:
	if (out)
		__free_page(out);
	if (in)
		__free_page(in);
}
