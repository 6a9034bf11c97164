/*
 * erofs-local-addr-to-work, fixed variant.
 *
 * Shows: the reader hands the work item the page and the offset, and the
 * work item maps the page itself, in its own context, for as long as it
 * reads it.
 *
 * Re-expresses: the erofs kmap_local conversion thread (Oct 2022): "users
 * cannot hand the virtual kernel addresses returned by kmap_local_page() to
 * other contexts" (Fabio M. De Francesco).
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

struct decomp_req {
	struct work_struct work;
	struct page *page;
	size_t off;
	size_t len;
	u32 sum;
};

static void decomp_work_fn(struct work_struct *work)
{
	struct decomp_req *req = container_of(work, struct decomp_req, work);
	u8 *kaddr = kmap_local_page(req->page);
	const u8 *src = kaddr + req->off;
	size_t i;

	for (i = 0; i < req->len; i++)
		req->sum = req->sum * 31 + src[i];
	kunmap_local(kaddr);
}

KMAPSIM_SUBJECT(erofs_local_addr_to_work)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	struct decomp_req req = { };

	if (!page)
		return;
	INIT_WORK(&req.work, decomp_work_fn);
	req.page = page;
	req.off = off;
	req.len = kmapsim_pick(1, PAGE_SIZE - off);
	schedule_work(&req.work);
	flush_work(&req.work);
	__free_page(page);
}
