/*
 * --explore --seconds S shared by a file's subjects (fuzz/driver_explore.cc),
 * label driver, tests/whole_space.sh.
 *
 * map_one() makes few choices (lowmem or highmem, a migration at each
 * scheduling point): its whole space is explored in a few runs, so it ends
 * at once. map_at() picks an offset wider than its boundary values and is
 * never whole: it runs on until the budget, and takes the time map_one()
 * left, not only its own half.
 */
#include <kmapsim/subject.h>

static char out[64];

KMAPSIM_SUBJECT(map_one)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	memcpy(out, kaddr, sizeof(out));
	kunmap_local(kaddr);
	__free_page(page);
}

KMAPSIM_SUBJECT(map_at)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, 64);
	char *kaddr = kmap_local_page(page);

	memcpy(out, kaddr + off, sizeof(out));
	kunmap_local(kaddr);
	__free_page(page);
}
