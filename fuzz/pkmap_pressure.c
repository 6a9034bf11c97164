/*
 * pkmap_pressure: the PKMAP pool under load, on a tiny pool (run with
 * x86-32-tiny: 8 slots). Two to four tasks each kmap() a fuzzer-chosen set
 * of highmem pages (sometimes the same page as another task: shared
 * counts), hold them across scheduling points, release them in any order,
 * and sometimes call kmap_flush_unused(). This drives the cursor round the
 * ring (flush on wrap), leaves count-1 slots behind, and makes tasks wait
 * for slots. When the tasks together may hold every slot while waiting for
 * one more, the only acceptable report is pkmap-deadlock; otherwise none.
 * Contents are checked through every kmap() address.
 */
#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>

KMAPSIM_DEFAULT_PROFILE("x86-32-tiny");

#define NR_PAGES 12
#define MAX_TASKS 4
#define MAX_HOLD 4

static struct page *pages[NR_PAGES];
static int hold[MAX_TASKS];
static struct completion done[MAX_TASKS];

static int presser(void *data)
{
	long me = (long)data;
	int idx[MAX_HOLD];
	char *addr[MAX_HOLD];
	int rounds = kmapsim_pick(1, 3);

	while (rounds--) {
		int i, n = hold[me];

		for (i = 0; i < n; i++) {
			idx[i] = kmapsim_pick(0, NR_PAGES - 1);
			addr[i] = kmap(pages[idx[i]]);
			BUG_ON(addr[i] != page_address(pages[idx[i]]));
			BUG_ON(addr[i][0] != (char)idx[i]);
			cond_resched();
		}
		if (kmapsim_pick(0, 3) == 0)
			kmap_flush_unused();
		while (n) {
			i = kmapsim_pick(0, n - 1);
			kunmap(pages[idx[i]]);
			idx[i] = idx[n - 1];
			addr[i] = addr[n - 1];
			n--;
		}
	}
	complete(&done[me]);
	return 0;
}

KMAPSIM_SUBJECT(pkmap_pressure)
{
	int nr_tasks = kmapsim_pick(2, MAX_TASKS);
	int waiting_worst = 0;
	long t;
	int i;

	for (i = 0; i < NR_PAGES; i++) {
		char *p;

		pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		p = kmap_local_page(pages[i]);
		p[0] = (char)i;
		kunmap_local(p);
	}
	for (t = 0; t < nr_tasks; t++) {
		hold[t] = kmapsim_pick(1, MAX_HOLD);
		waiting_worst += hold[t] - 1;
	}
	/* Every task holding all but its last kmap can exhaust the pool. */
	if (waiting_worst + 1 > 8)
		kmapsim_expect("pkmap-deadlock");
	for (t = 0; t < nr_tasks; t++) {
		init_completion(&done[t]);
		kthread_run(presser, (void *)t, "presser");
	}
	for (t = 0; t < nr_tasks; t++)
		wait_for_completion(&done[t]);
	for (i = 0; i < NR_PAGES; i++)
		__free_page(pages[i]);
}
