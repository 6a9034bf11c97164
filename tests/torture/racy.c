/*
 * torture_racy: a deliberate data race, torture mode's proof that it runs
 * subject code truly in parallel under ThreadSanitizer. Two tasks write the
 * same bytes of one lowmem page through one shared address (page_address():
 * the direct map) without a lock. In torture mode they are two host threads
 * and TSan reports the race; the torture tests expect exactly that report.
 * kmapsim itself has nothing to say: no kmap rule is broken, and the
 * deterministic explorer (one host thread, fibers) finds it clean.
 *
 * TSan sees it because both tasks use the same virtual address. The same
 * race through two different mappings of the page (two kmap_local_page()
 * windows) is out of its reach: TSan tracks virtual addresses.
 */
#include <kmapsim/subject.h>

static DECLARE_COMPLETION(racer_done);

/* Spin until the other task's write shows (bounded: with one CPU it never
 * runs meanwhile). Reading it is part of the race. */
static void await(volatile u8 *flag)
{
	long spins;

	for (spins = 0; *flag != 1 && spins < 200000000L; spins++)
		;
}

static int racer(void *data)
{
	volatile u8 *p = data;
	int i;

	p[1] = 1;
	await(&p[0]);
	for (i = 2; i < 64; i++)
		p[i] = (u8)i;		/* no lock: races with the main task */
	complete(&racer_done);
	return 0;
}

KMAPSIM_SUBJECT(torture_racy)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOFAIL | __GFP_ZERO);
	volatile u8 *p = page_address(page);
	int i;

	kthread_run(racer, (void *)p, "racer");
	/*
	 * The two tasks meet through the page itself, with no kmapsim call in
	 * between, so no model lock orders their writes: ThreadSanitizer sees
	 * them as concurrent however the threads are timed.
	 */
	p[0] = 1;
	await(&p[1]);
	for (i = 2; i < 64; i++)
		p[i] = (u8)(3 * i);	/* no lock: races with the racer */
	wait_for_completion(&racer_done);
	__free_page(page);
}

/*
 * publish_without_wmb: objects published with WRITE_ONCE() and no
 * smp_wmb() before it, read through the pointer as in
 * tests/subjects/memory_barriers.c's pointer_after_wmb. On a weakly
 * ordered CPU the reader can see the pointer before the object's
 * contents. TSan reports the race on the contents: the fixed twin's
 * smp_wmb() is what makes the store a release (sched_api.cc). Many
 * rounds, so that in some the reader's last kmapsim call comes before the
 * publisher's (the model lock orders the rest, torture.md).
 */
#define ROUNDS 256

struct parcel {
	int val;
};

static struct parcel parcels[ROUNDS];
static struct parcel *published;
static int consumed;

static int publisher(void *data)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		parcels[i].val = i + 1;		/* no smp_wmb() after this */
		WRITE_ONCE(published, &parcels[i]);
		while (READ_ONCE(consumed) != i + 1)
			cpu_relax();
	}
	return 0;
}

KMAPSIM_SUBJECT(publish_without_wmb)
{
	int i, sum = 0;

	published = NULL;
	consumed = 0;
	kthread_run(publisher, NULL, "publisher");
	for (i = 0; i < ROUNDS; i++) {
		struct parcel *p;

		while ((p = READ_ONCE(published)) != &parcels[i])
			cpu_relax();
		sum += p->val;
		WRITE_ONCE(consumed, i + 1);
	}
	if (sum != ROUNDS * (ROUNDS + 1) / 2)
		pr_info("publish_without_wmb: saw a stale value\n");
}
