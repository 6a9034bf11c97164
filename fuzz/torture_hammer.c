/*
 * torture_hammer: legal kmap traffic for torture mode (docs/torture.md).
 *
 * One call of the subject is one lane: it maps, writes, checks and unmaps
 * its own pages with kmap_local_page and kmap_atomic (nested, across
 * scheduling points where it may be preempted or migrated, under the
 * interrupt handler's own nested mappings), kmap()s its own pages and pages
 * every lane shares (the PKMAP pool and its wait queue under contention: on
 * strict-tiny eight slots serve every lane and its partners), updates a
 * shared counter page under a spinlock with interrupts off and another under
 * a mutex, uses per-CPU data with preemption disabled, copies with the
 * highmem helpers, and may start partner kthreads doing the same. `--torture --lanes L` runs L lanes
 * at once on the simulated CPUs (host threads): the state of a lane is its
 * own (stack and kmalloc), and what lanes share is set up once under a
 * mutex and touched only under its lock or in a lane's own stripe.
 *
 * Everything here is legal, so any kmapsim report is a finding, and so is a
 * ThreadSanitizer report (on the model: the subject's shared data is all
 * locked). Its rules keep the PKMAP pool deadlock-free: a task holds at most
 * one kmap() at a time, never kmap()s while holding one, and never sleeps on
 * the mutex or a completion while holding one.
 *
 * It is also an ordinary subject: `--explore` runs it deterministically,
 * where escapes and schedules are checked exhaustively (CTest driver label).
 * Profile: strict-tiny.
 */
#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>

KMAPSIM_DEFAULT_PROFILE("strict-tiny");

#define NR_PAGES	4	/* a lane's own pages */
#define NR_SHARED	3	/* kmap()ed by every lane */
#define MAX_STACK	6	/* a lane's nested local mappings */
#define STRIPE		64	/* bytes of a shared page that belong to one lane id */
#define MAX_IDS		((int)(PAGE_SIZE / STRIPE))	/* stripe 0: the mutex counter */
#define HAMMER_IRQ	9
#define MAX_PARTNERS	3
#define NR_HOG		8	/* highmem pages the pool hog kmap()s at once */

struct lane {
	int id;			/* stripe of the shared pages */
	struct page *pages[NR_PAGES];
	u8 stamp[NR_PAGES];	/* the byte at offset 0 of each own page */
	char *stack[MAX_STACK];
	int stack_page[MAX_STACK];
	bool atomic[MAX_STACK];
	int depth;
	int atomics;
	struct page *kpage;	/* the page held with kmap(), or NULL */
	char *kaddr;
	bool kshared;		/* kpage is a shared page: this lane's stripe */
	u8 kstamp;
	struct completion partner_done[MAX_PARTNERS];
};

struct hammer_pcpu {
	unsigned long events;
	unsigned long owner;
};

/* Shared by every lane: set up once, under setup_lock. */
static DEFINE_MUTEX(setup_lock);
static bool set_up;
static struct page *shared[NR_SHARED];
static struct page *counter_page;	/* lowmem: direct map (forced maps on strict) */
static struct page *irq_pages[KMAPSIM_NR_CPUS_MAX];
static u8 irq_stamp[KMAPSIM_NR_CPUS_MAX];	/* per CPU: only that CPU's handler */
static int irq_dev;

static DEFINE_SPINLOCK(shared_lock);	/* counter_page word 0, spin_count, ids */
static unsigned long spin_count;
static unsigned long long ids_used;

static DEFINE_MUTEX(shared_mutex);	/* the counter in shared[0] word 1 */
static unsigned long mutex_count;

static DEFINE_PER_CPU(struct hammer_pcpu, hammer_pcpu);

static DEFINE_MUTEX(hog_lock);		/* one pool hog at a time */
static struct page *hog_pages[NR_HOG];	/* highmem only; set up once */
static int nr_hog;

static irqreturn_t hammer_irq(int irq, void *dev)
{
	int cpu = smp_processor_id();
	u8 *a = kmap_local_page(irq_pages[cpu]);
	u8 *b = kmapsim_pick(0, 1) ? kmap_local_page(irq_pages[cpu]) : NULL;

	BUG_ON(a[0] != irq_stamp[cpu]);
	a[0] = ++irq_stamp[cpu];
	if (b) {
		BUG_ON(b[0] != irq_stamp[cpu]);	/* two maps of one page alias */
		kunmap_local(b);
	}
	kunmap_local(a);
	return IRQ_HANDLED;
}

static void setup_shared(void)
{
	int i;

	mutex_lock(&setup_lock);
	if (!set_up) {
		for (i = 0; i < NR_SHARED; i++)
			shared[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
		counter_page = alloc_page(GFP_KERNEL | __GFP_NOFAIL | __GFP_ZERO);
		for (i = 0; i < num_online_cpus(); i++)
			irq_pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
		/* The zone is the run's choice: keep the highmem pages. */
		for (i = 0; i < 4 * NR_HOG && nr_hog < NR_HOG; i++) {
			struct page *p = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);

			if (PageHighMem(p))
				hog_pages[nr_hog++] = p;
			else
				__free_page(p);
		}
		request_irq(HAMMER_IRQ, hammer_irq, 0, "hammer", &irq_dev);
		set_up = true;
	}
	mutex_unlock(&setup_lock);
}

static int take_id(void)
{
	int id = -1, i;

	spin_lock(&shared_lock);
	for (i = 1; i < MAX_IDS && id < 0; i++)
		if (!(ids_used & (1ULL << i))) {
			ids_used |= 1ULL << i;
			id = i;
		}
	spin_unlock(&shared_lock);
	BUG_ON(id < 0);
	return id;
}

static void put_id(int id)
{
	spin_lock(&shared_lock);
	ids_used &= ~(1ULL << id);
	spin_unlock(&shared_lock);
}

static void push_map(struct lane *l, bool atomic)
{
	int idx = kmapsim_pick(0, NR_PAGES - 1);
	char *addr;

	if (l->depth == MAX_STACK)
		return;
	addr = atomic ? kmap_atomic(l->pages[idx]) : kmap_local_page(l->pages[idx]);
	BUG_ON((u8)addr[0] != l->stamp[idx]);
	l->stack[l->depth] = addr;
	l->stack_page[l->depth] = idx;
	l->atomic[l->depth] = atomic;
	l->depth++;
	l->atomics += atomic;
}

static void pop_map(struct lane *l)
{
	int top = l->depth - 1;

	if (top < 0)
		return;
	BUG_ON((u8)l->stack[top][0] != l->stamp[l->stack_page[top]]);
	if (l->atomic[top]) {
		kunmap_atomic(l->stack[top]);
		l->atomics--;
	} else {
		kunmap_local(l->stack[top]);
	}
	l->depth--;
}

static void write_top(struct lane *l)
{
	int top = l->depth - 1, i;
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	u8 val = kmapsim_pick(0, 255);

	if (top < 0)
		return;
	l->stack[top][off] = val;
	if (off == 0)
		l->stamp[l->stack_page[top]] = val;
	for (i = 0; i < top; i++)
		if (l->stack_page[i] == l->stack_page[top])
			BUG_ON((u8)l->stack[i][off] != val);
}

/*
 * kmap() one of the lane's own pages or a shared page and keep it across the
 * next steps. A shared page is written only in this lane's stripe; an own
 * page is only read (its stamp). Never while holding another kmap().
 */
static void kmap_one(struct lane *l)
{
	int k, tries;

	if (l->atomics || l->kpage)
		return;
	/* Highmem pages where there are some: they take PKMAP slots. */
	for (tries = 0; tries < 4; tries++) {
		l->kshared = kmapsim_pick(0, 1);
		k = kmapsim_pick(0, l->kshared ? NR_SHARED - 1 : NR_PAGES - 1);
		l->kpage = l->kshared ? shared[k] : l->pages[k];
		if (PageHighMem(l->kpage))
			break;
	}
	l->kaddr = kmap(l->kpage);
	if (l->kshared) {
		l->kstamp = kmapsim_pick(1, 255);
		memset(l->kaddr + l->id * STRIPE, l->kstamp, STRIPE);
	} else {
		l->kstamp = l->stamp[k];
		BUG_ON((u8)l->kaddr[0] != l->kstamp);
	}
}

static void kunmap_one(struct lane *l)
{
	int i;

	if (l->atomics || !l->kpage)
		return;
	if (l->kshared) {
		for (i = 0; i < STRIPE; i++)
			BUG_ON((u8)l->kaddr[l->id * STRIPE + i] != l->kstamp);
	}
	kunmap(l->kpage);
	l->kpage = NULL;
	l->kaddr = NULL;
}

static void helper(struct lane *l)
{
	int a = kmapsim_pick(0, NR_PAGES - 1), b = kmapsim_pick(0, NR_PAGES - 1);
	size_t off = kmapsim_pick(1, PAGE_SIZE - 1);
	size_t len = kmapsim_pick(0, PAGE_SIZE - off);
	char buf[32];

	switch (kmapsim_pick(0, 3)) {
	case 0:
		memset_page(l->pages[a], off, 0x5a, len);
		break;
	case 1:
		memcpy_from_page(buf, l->pages[a], off, min_t(size_t, len, sizeof(buf)));
		break;
	case 2:
		memzero_page(l->pages[a], off, len);
		break;
	default:
		if (a != b) {
			copy_highpage(l->pages[a], l->pages[b]);
			l->stamp[a] = l->stamp[b];
		}
		break;
	}
}

/* A counter in a lowmem page, under a spinlock with interrupts off. */
static void spin_section(void)
{
	unsigned long flags;
	unsigned long *word;

	spin_lock_irqsave(&shared_lock, flags);
	word = kmap_local_page(counter_page);
	BUG_ON(word[0] != spin_count);
	word[0] = ++spin_count;
	kunmap_local(word);
	spin_unlock_irqrestore(&shared_lock, flags);
}

/* A counter in a shared highmem page, under a mutex, through kmap(). */
static void mutex_section(struct lane *l)
{
	unsigned long *word;

	if (l->atomics || l->kpage)
		return;
	mutex_lock(&shared_mutex);
	word = kmap(shared[0]);
	BUG_ON(word[1] != mutex_count);
	word[1] = ++mutex_count;
	cond_resched();
	kunmap(shared[0]);
	mutex_unlock(&shared_mutex);
}

/*
 * The pool hog: several kmap()s held at once, which drains the PKMAP pool
 * so that other tasks' kmap() waits for a slot. Deadlock-free because only
 * one task at a time hogs (trylock: it never waits for the lock) and every
 * other task holds at most one kmap() and never waits while holding it.
 */
static void hog_section(struct lane *l)
{
	int n, i;

	if (l->atomics || l->kpage || !nr_hog || !mutex_trylock(&hog_lock))
		return;
	n = kmapsim_pick(1, nr_hog);
	for (i = 0; i < n; i++)
		BUG_ON(!kmap(hog_pages[i]));
	for (i = kmapsim_pick(1, 4); i > 0; i--)
		cond_resched();
	while (n)
		kunmap(hog_pages[--n]);
	mutex_unlock(&hog_lock);
}

static void percpu_section(void)
{
	struct hammer_pcpu *p = get_cpu_ptr(&hammer_pcpu);
	unsigned long me = (unsigned long)current;

	p->owner = me;
	/* A scheduling point: other CPUs run meanwhile, this one does not. */
	BUG_ON(this_cpu_ptr(&hammer_pcpu) != p);
	p->events++;
	BUG_ON(p->owner != me);
	put_cpu_ptr(&hammer_pcpu);
}

static void run_steps(struct lane *l, int steps)
{
	void *buf;

	while (steps--) {
		switch (kmapsim_pick(0, 15)) {
		case 0:
		case 1:
			push_map(l, false);
			break;
		case 2:
			push_map(l, true);
			break;
		case 3:
		case 4:
			pop_map(l);
			break;
		case 5:
			write_top(l);
			break;
		case 6:
			kmap_one(l);
			break;
		case 7:
			/* kmap()s are held long: more holders than slots */
			if (!kmapsim_pick(0, 3))
				kunmap_one(l);
			break;
		case 8:
			if (l->depth + 2 <= MAX_STACK)
				helper(l);
			break;
		case 9:
			if (!l->atomics)
				cond_resched();
			break;
		case 10:
			spin_section();
			break;
		case 11:
			mutex_section(l);
			break;
		case 12:
			percpu_section();
			break;
		case 13:
		case 14:
			hog_section(l);
			break;
		default:
			buf = kmalloc(64, l->atomics ? GFP_ATOMIC : GFP_KERNEL);
			if (buf) {
				memcpy_from_page(buf, l->pages[0], 0, 64);
				BUG_ON(((u8 *)buf)[0] != l->stamp[0]);
				kfree(buf);
			}
			break;
		}
		if (!(steps & 7))
			kmapsim_assert_invariants();
	}
	while (l->depth)
		pop_map(l);
	kunmap_one(l);
}

static void lane_init(struct lane *l)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->id = take_id();
	for (i = 0; i < NR_PAGES; i++)
		l->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
	for (i = 0; i < MAX_PARTNERS; i++)
		init_completion(&l->partner_done[i]);
}

static void lane_exit(struct lane *l)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		__free_page(l->pages[i]);
	put_id(l->id);
}

static int partner(void *data)
{
	struct completion *done = data;
	struct lane *l = kzalloc(sizeof(*l), GFP_KERNEL | __GFP_NOFAIL);

	lane_init(l);
	run_steps(l, kmapsim_pick(4, 32));
	lane_exit(l);
	kfree(l);
	complete(done);
	return 0;
}

KMAPSIM_SUBJECT(torture_hammer)
{
	struct lane *l = kzalloc(sizeof(*l), GFP_KERNEL | __GFP_NOFAIL);
	int partners, i;

	setup_shared();
	lane_init(l);
	partners = kmapsim_pick(0, MAX_PARTNERS);
	for (i = 0; i < partners; i++)
		kthread_run(partner, &l->partner_done[i], "hammer-partner");
	run_steps(l, kmapsim_pick(8, 64));
	for (i = 0; i < partners; i++)
		wait_for_completion(&l->partner_done[i]);
	lane_exit(l);
	kfree(l);
}
