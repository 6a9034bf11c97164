/*
 * A race that only a preemption between two plain accesses shows: two
 * kthreads take the one kmap()ed page out of a plain pointer (load it,
 * then store NULL) and kunmap() what they took. Only plain loads and
 * stores sit between the load and the store, so without the plain-access
 * hooks no schedule separates them and the hand-off is always clean. Built
 * with -fsanitize-coverage=trace-loads,trace-stores (`check
 * --plain-accesses`), the store is a scheduling point too: both threads
 * can load the page before either stores NULL, and the second kunmap() is
 * one more than kmap() (kunmap-bad-address).
 */
#include <kmapsim/subject.h>

static struct page *mapped;	/* the page someone still has to kunmap() */
static DECLARE_COMPLETION(done);

static int take_and_unmap(void *data)
{
	struct page *page = mapped;

	mapped = NULL;
	if (page)
		kunmap(page);
	complete(&done);
	return 0;
}

KMAPSIM_SUBJECT(plain_claim_race)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);

	kmap(page);
	mapped = page;
	kthread_run(take_and_unmap, NULL, "taker-a");
	kthread_run(take_and_unmap, NULL, "taker-b");
	wait_for_completion(&done);
	wait_for_completion(&done);
	__free_page(page);
}
