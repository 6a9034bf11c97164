/*
 * crypto-scomp-last-page, fixed variant.
 *
 * Shows: the same wrapper, finding the last page of [off, off + len) from
 * the index of its last byte, len - 1: no term goes below 0, so the page
 * PageHighMem() looks at is always inside the span, on every word size.
 *
 * Re-expresses: crypto/scompress.c scomp_acomp_comp_decomp() after
 * 002ba346e3d7 ("crypto: scomp - Fix off-by-one bug when calculating last
 * page", 2025).
 *
 * Expected: clean on every profile.
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

	n = (len - 1) / PAGE_SIZE;
	n += kmapsim_ulong(offset_in_page(len - 1) + off) / PAGE_SIZE;
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
