/*
 * e1000-foreign-page-address, buggy variant.
 *
 * Shows: a NIC driver reads packet bytes through page_address() in two
 * places. Its receive buffers are pages it allocated itself with
 * GFP_ATOMIC, never highmem, so page_address() is right there. The
 * transmit path reads a header out of a fragment page that the network
 * stack handed over (a spliced page-cache page, say), which may be
 * highmem: page_address() is NULL for it.
 *
 * Re-expresses: the e1000/e1000e kmap conversion threads (2022): where the
 * driver allocates the page, page_address() is preferred; a page that can
 * come from ZONE_HIGHMEM needs kmap_local_page().
 *
 * Expected: highmem-page-address on strict, x86-32, x86-32-forcemap and
 * arm-vivt (highmem fragment page); clean on x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>

#define HDR_LEN 54

struct rx_buffer {
	struct page *page;	/* allocated by the driver: GFP_ATOMIC */
	unsigned int len;
};

struct tx_frag {
	struct page *page;	/* from the stack: any zone */
	unsigned int off;
	unsigned int len;
};

static u32 rx_copybreak_sum(const struct rx_buffer *rx)
{
	const u8 *va = page_address(rx->page);
	u32 sum = 0;
	unsigned int i;

	for (i = 0; i < rx->len; i++)
		sum += va[i];
	return sum;
}

static void tx_pull_header(u8 *hdr, const struct tx_frag *frag)
{
	const u8 *va = page_address(frag->page);

	memcpy(hdr, va + frag->off, min_t(unsigned int, frag->len, HDR_LEN));
}

KMAPSIM_SUBJECT(e1000_foreign_page_address)
{
	struct rx_buffer rx = { .page = alloc_page(GFP_ATOMIC) };
	struct tx_frag frag = { .page = alloc_page(GFP_HIGHUSER) };
	u8 hdr[HDR_LEN];

	if (rx.page) {
		rx.len = kmapsim_pick(1, 256);
		rx_copybreak_sum(&rx);
	}
	if (frag.page) {
		frag.off = kmapsim_pick(0, PAGE_SIZE - 1);
		frag.len = kmapsim_pick(1, PAGE_SIZE - frag.off);
		tx_pull_header(hdr, &frag);
	}
	if (frag.page)
		__free_page(frag.page);
	if (rx.page)
		__free_page(rx.page);
}
