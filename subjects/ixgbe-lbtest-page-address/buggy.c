/*
 * ixgbe-lbtest-page-address, buggy variant.
 *
 * Shows: a loopback self-test checks a received frame through
 * page_address(), assuming the Rx page is lowmem. Here the page comes from
 * an allocation that may return highmem, which has no permanent kernel
 * address: page_address() gives NULL and the check dereferences it.
 *
 * Re-expresses: the ixgbe_check_lbtest_frame() kmap conversion thread
 * (Fabio M. De Francesco, Jun 2022): page_address() is right only when the
 * page "cannot come from ZONE_HIGHMEM" (the driver's own Rx pages are
 * GFP_ATOMIC); otherwise kmap_local_page() is needed.
 *
 * Expected: highmem-page-address on strict, x86-32, x86-32-forcemap and
 * arm-vivt (highmem page); x86-64 clean.
 */
#include <kmapsim/subject.h>

static void build_frame(struct page *page, size_t off, size_t size)
{
	memset_page(page, off, 0xff, size);
	memset_page(page, off + size / 2, 0xaa, size / 2);
	memset_page(page, off + size / 2 + 10, 0xbe, 1);
	memset_page(page, off + size / 2 + 12, 0xaf, 1);
}

static bool check_frame(struct page *page, size_t off, size_t size)
{
	const u8 *data = (const u8 *)page_address(page) + off;

	size /= 2;
	return data[3] == 0xff && data[size + 10] == 0xbe &&
	       data[size + 12] == 0xaf;
}

KMAPSIM_SUBJECT(ixgbe_lbtest_page_address)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	size_t size = kmapsim_pick(64, PAGE_SIZE / 2);
	size_t off = kmapsim_pick(0, PAGE_SIZE - size);

	if (!page)
		return;
	build_frame(page, off, size);
	WARN_ON(!check_frame(page, off, size));
	__free_page(page);
}
