/*
 * bench20: the "~20-step two-task subject" of the benchmarks (fiber and
 * schedule throughput, fuzz exec rate, memory). The main task and a kthread
 * each allocate a highmem page and map, write and unmap it four times;
 * about 20 scheduling points per run, every one a real decision.
 */
#include <kmapsim/subject.h>

static void scribble(int rounds)
{
	struct page *page = alloc_page(GFP_HIGHUSER);
	int i;

	if (!page)
		return;
	for (i = 0; i < rounds; i++) {
		u8 *p = kmap_local_page(page);

		p[i] = (u8)i;
		kunmap_local(p);
	}
	__free_page(page);
}

static int worker(void *data)
{
	scribble(4);
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(bench20)
{
	struct completion done;

	init_completion(&done);
	kthread_run(worker, &done, "worker");
	scribble(4);
	wait_for_completion(&done);
}
