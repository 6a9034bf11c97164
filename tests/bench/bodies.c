/*
 * Bodies of the per-operation micro-benchmarks (micro.cc runs each as the
 * main task of a simulated machine). Kernel-style code like any subject,
 * but built with KMAPSIM_NO_SUBJECT_SECTIONS: the parameters below are set
 * by the benchmark before each run and must not be reset by the model.
 */
#include <kmapsim/subject.h>

unsigned long bench_iters;   /* loop count of the next run */
int bench_touch;             /* write one byte through each mapping */

static void touch(void *p)
{
	if (bench_touch)
		*(volatile char *)p = 1;
}

/* kmap_local_page + kunmap_local of one page, bench_iters times. */
static void local_pair(gfp_t gfp)
{
	struct page *page = alloc_page(gfp | __GFP_NOFAIL);
	unsigned long i;

	for (i = 0; i < bench_iters; i++) {
		void *p = kmap_local_page(page);

		touch(p);
		kunmap_local(p);
	}
	__free_page(page);
}

void bench_local_high(void) { local_pair(GFP_HIGHUSER); }
void bench_local_low(void) { local_pair(GFP_KERNEL); }

/* kmap + kunmap (the PKMAP pool) of one highmem page. */
void bench_kmap_high(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	unsigned long i;

	for (i = 0; i < bench_iters; i++) {
		void *p = kmap(page);

		touch(p);
		kunmap(page);
	}
	__free_page(page);
}

/* A scheduling point and nothing else: what every API call pays. */
void bench_sched_point(void)
{
	unsigned long i;

	for (i = 0; i < bench_iters; i++)
		cond_resched();
}

/*
 * Two tasks on one CPU, each holding `bench_live` local mappings of
 * highmem pages, switching at every cond_resched() (the benchmark's
 * decision source always picks the other task): every switch makes the
 * outgoing task's mappings inaccessible and the incoming task's accessible,
 * as __kmap_local_sched_out/in do.
 */
int bench_live;
static struct completion peer_done;

static void hold_and_switch(void)
{
	struct page *pages[2];
	void *maps[2];
	unsigned long i;
	int k;

	for (k = 0; k < bench_live; k++) {
		pages[k] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		maps[k] = kmap_local_page(pages[k]);
	}
	for (i = 0; i < bench_iters; i++) {
		cond_resched();
		for (k = 0; k < bench_live; k++)
			touch(maps[k]);
	}
	for (k = bench_live - 1; k >= 0; k--) {
		kunmap_local(maps[k]);
		__free_page(pages[k]);
	}
}

static int peer(void *data)
{
	hold_and_switch();
	complete(&peer_done);
	return 0;
}

void bench_ctxsw(void)
{
	init_completion(&peer_done);
	kthread_run(peer, NULL, "peer");
	hold_and_switch();
	wait_for_completion(&peer_done);
}
