/*
 * chelsio-inline-crypto-page, buggy variant.
 *
 * Shows: an inline-crypto driver builds a work request by copying the
 * record's payload out of the pages of its scatter list with
 * page_address(). The driver did not allocate those pages: they belong to
 * the socket layer or the page cache and may be highmem, where
 * page_address() is NULL.
 *
 * Re-expresses: the chelsio inline crypto (chtls) kmap conversion thread
 * (2022): pages that are allocated outside the driver cannot be assumed
 * to be lowmem, so page_address() is not an option; kmap_local_page()
 * (or memcpy_from_page()) is.
 *
 * Expected: highmem-page-address on strict, x86-32, x86-32-forcemap and
 * arm-vivt (highmem record page); clean on x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>

#define NR_SG 2

struct rec_sg {
	struct page *page;
	unsigned int offset;
	unsigned int length;
};

/* Gather the payload of @sg into the immediate-data area of a request. */
static size_t wr_copy_payload(u8 *wr, const struct rec_sg *sg, int nents)
{
	size_t done = 0;
	int i;

	for (i = 0; i < nents; i++) {
		const u8 *src = page_address(sg[i].page);

		memcpy(wr + done, src + sg[i].offset, sg[i].length); /* kmapsim: here */
		done += sg[i].length;
	}
	return done;
}

KMAPSIM_SUBJECT(chelsio_inline_crypto_page)
{
	struct rec_sg sg[NR_SG];
	size_t total = 0;
	u8 *wr;
	int i, nents = kmapsim_pick(1, NR_SG);

	for (i = 0; i < nents; i++) {
		sg[i].page = alloc_page(GFP_HIGHUSER);	/* not the driver's */
		sg[i].offset = kmapsim_pick(0, PAGE_SIZE - 1);
		sg[i].length = kmapsim_pick(1, PAGE_SIZE - sg[i].offset);
		total += sg[i].length;
		if (!sg[i].page)
			nents = i;
	}
	wr = kmalloc(total, GFP_KERNEL);
	if (wr && nents)
		wr_copy_payload(wr, sg, nents);
	kfree(wr);
	for (i = 0; i < nents; i++)
		__free_page(sg[i].page);
}
