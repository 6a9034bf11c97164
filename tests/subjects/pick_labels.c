/*
 * Events name what each kmapsim_pick() value goes to, also with several
 * calls on one line (tests/cli/test_check_sites.py). The subject leaks a
 * local mapping at the end, so the run reports and its events are shown.
 *   labels  two assignments on one line (each its own name), a pick in the
 *           condition of a ?: and one in its branch (the first named, the
 *           second not: its value goes into an expression), and two picks
 *           in the arguments of one macro (both its arguments)
 */
#include <kmapsim/subject.h>

KMAPSIM_SUBJECT(labels)
{
	unsigned int n = kmapsim_pick(1, 3), done = kmapsim_pick(0, 3);
	unsigned int first = kmapsim_pick(1, 1) ? 7 - kmapsim_pick(0, 1) : 0;
	unsigned int low = min(kmapsim_pick(0, 1), kmapsim_pick(2, 3));
	struct page *p = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);

	if (n + done + first + low < 100)
		kmap_local_page(p);
}
