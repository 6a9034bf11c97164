/*
 * api_sequence: random call sequences on the bare model. Every byte of the
 * input picks the next kernel-API call (kmap_local_page, kmap_atomic, kmap,
 * their unmaps, the highmem helpers, preemption and interrupt control,
 * cond_resched), its page and its offsets, while the machine's own
 * decisions (zones, schedule, interrupts) come from the same bytes. Most
 * calls are legal and must never be reported; now and then the sequence
 * breaks one rule on purpose and announces the class it must produce
 * (kmapsim_expect). After every call the model's invariants are checked. A
 * finding is therefore a false report, a missed or misclassified
 * detection, a broken invariant, or a crash of kmapsim itself.
 * Profile: strict (every detector on).
 */
#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>

#define NR_PAGES 6
#define MAX_STACK 12
#define MAX_KMAPS 4

struct seq_state {
	struct page *pages[NR_PAGES];
	struct folio *folio;
	char *stack[MAX_STACK];
	int stack_page[MAX_STACK];
	bool atomic[MAX_STACK];
	int depth;
	int atomics;
	int kmapped[MAX_KMAPS];
	int nr_kmapped;
	u8 shadow[NR_PAGES];	/* last byte written at offset 0 of each page */
	bool leaking;		/* ended on the announced leak */
};

static struct page *pick_page(struct seq_state *st, int *idx)
{
	*idx = kmapsim_pick(0, NR_PAGES - 1);
	return st->pages[*idx];
}

static void push_map(struct seq_state *st, bool atomic)
{
	int idx;
	struct page *page = pick_page(st, &idx);
	char *addr;

	if (st->depth == MAX_STACK)
		return;
	addr = atomic ? kmap_atomic(page) : kmap_local_page(page);
	/* Every mapping shows the page's current contents. */
	BUG_ON((u8)addr[0] != st->shadow[idx]);
	st->stack[st->depth] = addr;
	st->stack_page[st->depth] = idx;
	st->atomic[st->depth] = atomic;
	st->depth++;
	st->atomics += atomic;
}

static void pop_map(struct seq_state *st)
{
	int top = st->depth - 1;

	if (top < 0)
		return;
	if (st->atomic[top]) {
		kunmap_atomic(st->stack[top] + kmapsim_pick(0, PAGE_SIZE - 1));
		st->atomics--;
	} else {
		kunmap_local(st->stack[top]);
	}
	st->depth--;
}

static void write_top(struct seq_state *st)
{
	int top = st->depth - 1;
	u8 val = kmapsim_pick(0, 255);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);

	if (top < 0)
		return;
	st->stack[top][off] = val;
	if (off == 0)
		st->shadow[st->stack_page[top]] = val;
	/* Any other mapping of the same page aliases it. */
	for (int i = 0; i < top; i++)
		if (st->stack_page[i] == st->stack_page[top])
			BUG_ON((u8)st->stack[i][off] != val);
}

static void kmap_one(struct seq_state *st)
{
	int idx;
	struct page *page = pick_page(st, &idx);
	char *addr;

	if (st->atomics || st->nr_kmapped == MAX_KMAPS)
		return;
	addr = kmap(page);
	BUG_ON((u8)addr[0] != st->shadow[idx]);
	st->kmapped[st->nr_kmapped++] = idx;
}

static void kunmap_one(struct seq_state *st)
{
	int i;

	if (st->atomics || !st->nr_kmapped)
		return;
	i = kmapsim_pick(0, st->nr_kmapped - 1);
	kunmap(st->pages[st->kmapped[i]]);
	st->kmapped[i] = st->kmapped[--st->nr_kmapped];
}

static void helper(struct seq_state *st)
{
	int a, b;
	struct page *pa = pick_page(st, &a), *pb = pick_page(st, &b);
	size_t off = kmapsim_pick(1, PAGE_SIZE - 1);
	size_t len = kmapsim_pick(0, PAGE_SIZE - off);
	char buf[64];

	if (st->depth + 2 > MAX_STACK)
		return;
	switch (kmapsim_pick(0, 4)) {
	case 0:
		memset_page(pa, off, 0x5a, len);
		break;
	case 1:
		memcpy_from_page(buf, pa, off, min_t(size_t, len, sizeof(buf)));
		break;
	case 2:
		memzero_page(pa, off, len);
		break;
	case 3:
		if (a != b) {
			copy_highpage(pa, pb);
			st->shadow[a] = st->shadow[b];
		}
		break;
	default:
		zero_user(pa, off, len);
		break;
	}
}

/*
 * One rule broken on purpose, with the class it must produce. Returns true
 * for the announced leak (the caller must then return holding mappings).
 */
static bool illegal(struct seq_state *st)
{
	int idx;
	struct page *page;
	volatile char c;

	switch (kmapsim_pick(0, 4)) {
	case 0:		/* read one byte past the top mapping */
		if (!st->depth)
			return false;
		kmapsim_expect("kmap-overrun");
		c = st->stack[st->depth - 1][PAGE_SIZE];
		break;
	case 1:		/* release the bottom mapping first */
		if (st->depth < 2)
			return false;
		kmapsim_expect("kunmap-order");
		kunmap_local(st->stack[0]);
		break;
	case 2:		/* use the top mapping after releasing it */
		if (!st->depth || st->atomic[st->depth - 1])
			return false;
		kmapsim_expect("kmap-use-after-unmap");
		kunmap_local(st->stack[st->depth - 1]);
		c = st->stack[st->depth - 1][0];
		break;
	case 3:		/* kmap() may sleep: not inside kmap_atomic */
		if (!st->atomics)
			return false;
		kmapsim_expect("sleep-in-atomic");
		page = pick_page(st, &idx);
		kmap(page);
		break;
	default:	/* a task may not end holding a mapping */
		if (!st->depth)
			return false;
		kmapsim_expect("kmap-leak");
		return true;
	}
	kmapsim_missed("an illegal call");
}

static void run_sequence(struct seq_state *st, bool may_break_rules)
{
	int steps = kmapsim_pick(1, 48);
	unsigned long flags;

	while (steps--) {
		switch (kmapsim_pick(0, 11)) {
		case 0:
		case 1:
			push_map(st, false);
			break;
		case 2:
			push_map(st, true);
			break;
		case 3:
		case 4:
			pop_map(st);
			break;
		case 5:
			write_top(st);
			break;
		case 6:
			kmap_one(st);
			break;
		case 7:
			kunmap_one(st);
			break;
		case 8:
			helper(st);
			break;
		case 9:
			if (!st->atomics)
				cond_resched();
			break;
		case 10:
			local_irq_save(flags);
			preempt_disable();
			preempt_enable();
			local_irq_restore(flags);
			break;
		default:
			if (may_break_rules && kmapsim_pick(0, 7) == 0 && illegal(st)) {
				st->leaking = true;
				return;
			}
			break;
		}
		kmapsim_assert_invariants();
	}
	while (st->depth)
		pop_map(st);
	while (st->nr_kmapped)
		kunmap(st->pages[st->kmapped[--st->nr_kmapped]]);
	kmapsim_assert_invariants();
}

static void setup(struct seq_state *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < NR_PAGES; i++) {
		st->pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
		st->shadow[i] = 0;
	}
}

static void teardown(struct seq_state *st)
{
	for (int i = 0; i < NR_PAGES; i++)
		__free_page(st->pages[i]);
}

static struct seq_state worker_state;
static DECLARE_COMPLETION(worker_done);

static int worker(void *data)
{
	setup(&worker_state);
	run_sequence(&worker_state, false);
	teardown(&worker_state);
	complete(&worker_done);
	return 0;
}

KMAPSIM_SUBJECT(api_sequence)
{
	static struct seq_state st;
	bool second = kmapsim_pick(0, 1);

	if (second)
		kthread_run(worker, NULL, "seq-worker");
	setup(&st);
	run_sequence(&st, true);
	if (st.leaking)
		return;
	teardown(&st);
	if (second)
		wait_for_completion(&worker_done);
}
