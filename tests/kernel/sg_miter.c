/*
 * lib/scatterlist.c's mapping iterator, imported unchanged: a two-entry
 * scatterlist over highmem-capable pages, walked with sg_miter_*() (atomic
 * or not, as the run decides). sg_copy stays inside each mapping (clean);
 * sg_copy_overrun writes one byte past the segment it was given, which on a
 * segment that ends at its page's end leaves the single-page mapping
 * (kmap-overrun on 32-bit, silent on x86-64).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/scatterlist.c", sg_init_table, sg_miter_start, sg_miter_next, sg_miter_stop);

static void walk(size_t extra)
{
	struct scatterlist sg[2];
	struct sg_mapping_iter miter;
	struct page *p0 = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	struct page *p1 = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);

	sg_init_table(sg, 2);
	sg_set_page(&sg[0], p0, PAGE_SIZE - off, off);
	sg_set_page(&sg[1], p1, kmapsim_pick(1, PAGE_SIZE), 0);
	sg_miter_start(&miter, sg, 2, SG_MITER_TO_SG | (kmapsim_pick(0, 1) ? SG_MITER_ATOMIC : 0));
	while (sg_miter_next(&miter))
		memset(miter.addr, 0, miter.length + extra);
	sg_miter_stop(&miter);
	__free_page(p1);
	__free_page(p0);
}

KMAPSIM_SUBJECT(sg_copy)
{
	walk(0);
}

KMAPSIM_SUBJECT(sg_copy_overrun)
{
	walk(1);
}
