/*
 * The Internet checksum the importer takes from the tree's lib/checksum.c
 * (kmapsim's asm/checksum.h declares it, as every architecture's does),
 * summing a highmem page through its kmap_local_page() window, as
 * skb_checksum() sums a fragment:
 *   csum_window          csum_partial() of a picked range of the page (odd
 *                        start, odd length, up to its last byte), with a
 *                        picked starting sum, against this file's own
 *                        16-bit one's complement sum; ip_compute_csum() and
 *                        ip_fast_csum() of a header whose checksum is set
 *   csum_window_overrun  the range runs one byte past the page: a
 *                        kmap-overrun, caught where lib/checksum.c reads
 *   csum_after_unmap     the window is summed after kunmap_local(): a
 *                        kmap-use-after-unmap
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/checksum.c", csum_partial, ip_compute_csum, ip_fast_csum);

/* the 16-bit one's complement sum of p[0..len), words in the machine's (little-endian) order */
static u16 reference_sum(const u8 *p, size_t len, u32 start)
{
	u64 acc = start;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += p[i] | (u32)p[i + 1] << 8;
	if (len & 1)
		acc += p[len - 1];
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

static struct page *patterned_page(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	u8 *p = kmap_local_page(page);
	u32 seed = kmapsim_pick(0, 0xffffffffu);
	size_t i;

	for (i = 0; i < PAGE_SIZE; i++)
		p[i] = (seed >> (i % 4 * 8)) + i * 13;
	kunmap_local(p);
	return page;
}

KMAPSIM_SUBJECT(csum_window)
{
	struct page *page = patterned_page();
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	size_t len = kmapsim_pick(0, PAGE_SIZE - off);
	u32 start = kmapsim_pick(0, 0xffffffffu);
	u8 *p = kmap_local_page(page);
	u8 *hdr = p + (off & ~3UL);

	BUG_ON((u16)~csum_fold(csum_partial(p + off, len, (__force __wsum)start)) != reference_sum(p + off, len, start));
	BUG_ON((u16)~ip_compute_csum(p + off, len) != reference_sum(p + off, len, 0));
	if (hdr + 20 <= p + PAGE_SIZE) {
		/* an IPv4 header's checksum field set so the header sums to 0xffff */
		hdr[10] = hdr[11] = 0;
		*(u16 *)(hdr + 10) = ~reference_sum(hdr, 20, 0);
		BUG_ON(ip_fast_csum(hdr, 5) != 0);
	}
	kunmap_local(p);
	__free_page(page);
}

KMAPSIM_SUBJECT(csum_window_overrun)
{
	struct page *page = patterned_page();
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	u8 *p = kmap_local_page(page);

	(void)csum_partial(p + off, PAGE_SIZE - off + 1, 0);
	kunmap_local(p);
	__free_page(page);
}

KMAPSIM_SUBJECT(csum_after_unmap)
{
	struct page *page = patterned_page();
	u8 *p = kmap_local_page(page);
	__wsum sum;

	kunmap_local(p);
	sum = csum_partial(p, 64, 0);
	(void)sum;
	__free_page(page);
}
