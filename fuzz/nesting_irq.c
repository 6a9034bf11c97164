/*
 * nesting_irq: kmap_local nesting under interrupts and preemption. The main
 * task and a kthread each map a fuzzer-chosen number of pages (kmap_local or
 * kmap_atomic, in a fuzzer-chosen order), stamp every page through its
 * mapping, pass scheduling points where an interrupt handler may fire (the
 * handler nests up to three mappings of its own on top of the interrupted
 * task's stack) or the other task may run, then check every stamp through
 * every mapping and unmap in reverse order. All of it is legal: any report
 * is a finding, and so is a stamp that changed — a mapping that did not
 * keep its page across a context switch or an interrupt.
 * Profile: strict.
 */
#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>

#define NR_PAGES 8
#define MAX_DEPTH 12

struct nest {
	struct page *pages[NR_PAGES];
	u8 tag;
};

static struct page *irq_pages[3];

static irqreturn_t nest_irq(int irq, void *dev)
{
	int n = kmapsim_pick(1, 3);
	char *addr[3];
	int i;

	for (i = 0; i < n; i++) {
		addr[i] = kmap_local_page(irq_pages[i]);
		addr[i][1] = (char)(0xe0 + i);
	}
	for (i = n - 1; i >= 0; i--) {
		BUG_ON(addr[i][1] != (char)(0xe0 + i));
		kunmap_local(addr[i]);
	}
	return IRQ_HANDLED;
}

static void nest_run(struct nest *ns)
{
	int depth = kmapsim_pick(1, MAX_DEPTH);
	char *addr[MAX_DEPTH];
	int page_of[MAX_DEPTH];
	bool atomic[MAX_DEPTH];
	int atomics = 0;
	int i;

	for (i = 0; i < depth; i++) {
		page_of[i] = kmapsim_pick(0, NR_PAGES - 1);
		atomic[i] = kmapsim_pick(0, 3) == 0;
		addr[i] = atomic[i] ? kmap_atomic(ns->pages[page_of[i]]) :
				      kmap_local_page(ns->pages[page_of[i]]);
		atomics += atomic[i];
		addr[i][8 + i] = (char)(ns->tag + i);
		if (!atomics)
			cond_resched();
	}
	for (i = depth - 1; i >= 0; i--) {
		/* Every stamp is visible through every live mapping of its page. */
		for (int j = 0; j <= i; j++)
			if (page_of[j] == page_of[i])
				BUG_ON(addr[j][8 + i] != (char)(ns->tag + i));
		if (atomic[i]) {
			kunmap_atomic(addr[i]);
			atomics--;
		} else {
			kunmap_local(addr[i]);
		}
		kmapsim_assert_invariants();
	}
}

static void nest_init(struct nest *ns, u8 tag)
{
	for (int i = 0; i < NR_PAGES; i++)
		ns->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	ns->tag = tag;
}

static void nest_free(struct nest *ns)
{
	for (int i = 0; i < NR_PAGES; i++)
		__free_page(ns->pages[i]);
}

static struct nest other;
static DECLARE_COMPLETION(other_done);

static int other_fn(void *data)
{
	nest_init(&other, 0x40);
	nest_run(&other);
	nest_free(&other);
	complete(&other_done);
	return 0;
}

KMAPSIM_SUBJECT(nesting_irq)
{
	static struct nest mine;
	int i;

	for (i = 0; i < 3; i++)
		irq_pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	request_irq(7, nest_irq, 0, "nest-irq", NULL);
	kthread_run(other_fn, NULL, "nest-other");
	nest_init(&mine, 0x10);
	nest_run(&mine);
	nest_free(&mine);
	wait_for_completion(&other_done);
	free_irq(7, NULL);
	for (i = 0; i < 3; i++)
		__free_page(irq_pages[i]);
}
