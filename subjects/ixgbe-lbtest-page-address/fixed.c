/*
 * ixgbe-lbtest-page-address, fixed variant.
 *
 * Shows: the frame check maps the page with kmap_local_page() for the
 * duration of the check, which works for lowmem and highmem pages alike.
 *
 * Re-expresses: the ixgbe_check_lbtest_frame() kmap conversion thread
 * (Fabio M. De Francesco, Jun 2022).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
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
	u8 *kaddr = kmap_local_page(page);
	const u8 *data = kaddr + off;
	bool ok;

	size /= 2;
	ok = data[3] == 0xff && data[size + 10] == 0xbe &&
	     data[size + 12] == 0xaf;
	kunmap_local(kaddr);
	return ok;
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
