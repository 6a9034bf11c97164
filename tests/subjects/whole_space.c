/*
 * The whole decision space (fuzz/driver_explore.cc, ExhaustiveSource::
 * whole_space), label driver, tests/whole_space.sh and
 * tests/cli/test_check_whole_space.py.
 *
 * copy_head() and its buggy twin copy_head_overrun() make few choices: a
 * folio order in [0, 2] (every value enumerated), lowmem or highmem, and a
 * migration at each scheduling point. The enumeration covers every run
 * they can take, so exploring stops there whatever the budget, clean for
 * copy_head() and with the report for the twin, whose copy reads one byte
 * past the mapped page when the order is 2.
 *
 * copy_from_user_head() makes one fallible call: the deepened enumeration
 * fails it too and covers its space, error path included.
 *
 * copy_at() picks an offset from a range wider than its boundary values:
 * its space is never claimed whole.
 */
#include <kmapsim/subject.h>

static char head[PAGE_SIZE + 1];

static void copy_head_from(struct folio *folio, size_t len)
{
	char *kaddr = kmap_local_folio(folio, 0);

	memcpy(head, kaddr, len);
	kunmap_local(kaddr);
}

KMAPSIM_SUBJECT(copy_head)
{
	unsigned int order = kmapsim_pick(0, 2);
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);

	copy_head_from(folio, PAGE_SIZE);
	folio_put(folio);
}

KMAPSIM_SUBJECT(copy_head_overrun)
{
	unsigned int order = kmapsim_pick(0, 2);
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, order);

	/* one byte into the folio's second page: one page is mapped */
	copy_head_from(folio, order == 2 ? PAGE_SIZE + 1 : PAGE_SIZE);
	folio_put(folio);
}

KMAPSIM_SUBJECT(copy_at)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, 64);
	char *kaddr = kmap_local_page(page);

	memcpy(head, kaddr + off, 64);
	kunmap_local(kaddr);
	__free_page(page);
}

KMAPSIM_SUBJECT(copy_from_user_head)
{
	char __user *ubuf = kmapsim_user_buffer(64);

	if (copy_from_user(head, ubuf, 64))
		head[0] = 0;
}
