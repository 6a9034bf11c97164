/*
 * Planted schedule bugs for the strategy benchmarks: the zoo's bugs mostly
 * need no preemption at all, so these measure what the zoo cannot, how each
 * strategy copes with a bug that needs a preemption at one precise point
 * after a long run (planted_window: one preemption, PCT depth 2) and one
 * that needs two precise preemptions (planted_two: PCT depth 3). Both end
 * in a kmap-escape: a kthread reads through the main task's local mapping.
 * The steps are might_sleep() calls: scheduling points that are not yields
 * (a loop of bare cond_resched() is a spin, which fair exploration would
 * resolve by running the reader at once). Uniform random scheduling rarely
 * gets there: it keeps the two tasks in step, and each bug needs one task to
 * run far ahead of the other.
 */
#include <kmapsim/subject.h>

/* Steps of the main task before the window. Uniform random's chance about
 * halves with every extra step (24: ~1e5 runs); PCT's shrinks only linearly. */
#ifndef LONG_RUN
#define LONG_RUN 24
#endif

static u8 *volatile shared;
static volatile int stage;
static volatile u32 sink;
static struct completion done;

/* The reader: a few steps, then it looks at what the main task shared. */
static int window_reader(void *data)
{
	u8 *q;
	int i;

	for (i = 0; i < 4; i++)
		might_sleep();
	q = shared;
	if (q)
		sink += q[0];   /* the main task's kmap_local address: escape */
	complete(&done);
	return 0;
}

/* planted_window: the address is visible for one scheduling point only. */
KMAPSIM_SUBJECT(planted_window)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	u8 *p;
	int i;

	init_completion(&done);
	kthread_run(window_reader, NULL, "reader");
	p = kmap_local_page(page);
	for (i = 0; i < LONG_RUN; i++)
		might_sleep();
	shared = p;
	might_sleep();         /* the one point where the reader must run */
	shared = NULL;
	kunmap_local(p);
	wait_for_completion(&done);
	__free_page(page);
}

/* The reader of planted_two: it answers the main task's stage 1 with stage
 * 2, and later reads what the main task shared. */
static int stage_reader(void *data)
{
	u8 *q;
	int i;

	for (i = 0; i < 4; i++)
		might_sleep();
	if (stage == 1)
		stage = 2;
	for (i = 0; i < 4; i++)
		might_sleep();
	q = shared;
	if (q)
		sink += q[0];
	complete(&done);
	return 0;
}

/*
 * planted_two: the reader must see stage 1 within a one-point window after
 * a long run of the main task (preemption 1), then give the CPU back before
 * its read (preemption 2) so that the main task sees stage 2 and shares the
 * address before it sleeps.
 */
KMAPSIM_SUBJECT(planted_two)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	u8 *p;
	int i;

	init_completion(&done);
	stage = 0;
	kthread_run(stage_reader, NULL, "reader");
	p = kmap_local_page(page);
	for (i = 0; i < LONG_RUN; i++)
		might_sleep();
	stage = 1;
	might_sleep();         /* the reader must run here ... */
	if (stage == 2)         /* ... and stop again before its read */
		shared = p;
	wait_for_completion(&done);
	shared = NULL;
	kunmap_local(p);
	__free_page(page);
}
