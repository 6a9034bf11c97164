/*
 * erofs-local-addr-to-work, buggy variant.
 *
 * Shows: a reader maps a compressed page with kmap_local_page() and hands
 * the address to a decompression work item. The work runs in a kworker,
 * a different context, where the submitter's local mapping does not exist
 * (its slots are torn down when it sleeps in flush_work()).
 *
 * Re-expresses: the erofs kmap_local conversion thread (Oct 2022): "users
 * cannot hand the virtual kernel addresses returned by kmap_local_page() to
 * other contexts" (Fabio M. De Francesco).
 *
 * Expected: strict kmap-escape; x86-32 kmap-escape (highmem page);
 * x86-32-forcemap kmap-escape; arm-vivt kmap-escape (highmem page);
 * x86-64 clean.
 */
#include <kmapsim/subject.h>

struct decomp_req {
	struct work_struct work;
	const u8 *src;          /* the submitter's kmap_local address */
	size_t len;
	u32 sum;
};

static void decomp_work_fn(struct work_struct *work)
{
	struct decomp_req *req = container_of(work, struct decomp_req, work);
	size_t i;

	for (i = 0; i < req->len; i++)
		req->sum = req->sum * 31 + req->src[i]; /* kmapsim: here */
}

KMAPSIM_SUBJECT(erofs_local_addr_to_work)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	struct decomp_req req = { };
	u8 *kaddr;

	if (!page)
		return;
	INIT_WORK(&req.work, decomp_work_fn);
	kaddr = kmap_local_page(page); /* kmapsim: map */
	req.src = kaddr + off;
	req.len = kmapsim_pick(1, PAGE_SIZE - off);
	schedule_work(&req.work); /* kmapsim: handover */
	flush_work(&req.work);
	kunmap_local(kaddr);
	__free_page(page);
}
