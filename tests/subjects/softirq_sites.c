/*
 * Tasklets run on top of the task an interrupt ends on (tests/report_sites.py,
 * label driver): irq_exit() runs what the handler queued right there, in
 * softirq context, before the task goes on.
 *
 * - A lock the task and a tasklet share. The buggy task takes it with
 *   spin_lock(): an interrupt inside its section queues the tasklet, which
 *   then spins on top of the holder, on the holder's CPU (pkmap-deadlock at
 *   the tasklet's spin_lock(), the line marked `kmapsim: here`). The fixed
 *   task takes it with spin_lock_bh(): the tasklet runs at
 *   spin_unlock_bh() and finds it free.
 * - Local mappings: the tasklet's go on the interrupted task's kmap_ctrl
 *   stack. The buggy task holds fourteen while the tasklet maps eight more,
 *   past the 16 slots (KM_MAX_IDX with DEBUG_KMAP_LOCAL) when the interrupt
 *   comes with nine or more held (kmap-slot-overflow at the tasklet's
 *   kmap_local_page()). The fixed task maps, uses and unmaps one page at a
 *   time.
 *
 * Run by ksoftirqd, neither tasklet would show anything: it has a context
 * and a stack of its own.
 */
#include <kmapsim/subject.h>

static DEFINE_SPINLOCK(shared_lock);
static struct tasklet_struct lock_tl;
static int lock_tl_queued, lock_tl_runs, lock_count;

static void lock_tl_fn(struct tasklet_struct *t)
{
	spin_lock(&shared_lock);	/* kmapsim: here */
	lock_count++;
	spin_unlock(&shared_lock);
	lock_tl_runs++;
}

static irqreturn_t irq_queues_lock_tl(int irq, void *dev)
{
	lock_tl_queued = 1;
	tasklet_schedule(&lock_tl);
	return IRQ_HANDLED;
}

static void lock_section(bool bh)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	lock_tl_queued = lock_tl_runs = lock_count = 0;
	tasklet_setup(&lock_tl, lock_tl_fn);
	if (request_irq(6, irq_queues_lock_tl, 0, "lock-dev", &lock_tl))
		return;
	if (bh)
		spin_lock_bh(&shared_lock);
	else
		spin_lock(&shared_lock);
	kaddr = kmap_local_page(page);
	kaddr[0] = 1;
	lock_count++;
	kunmap_local(kaddr);
	if (bh)
		spin_unlock_bh(&shared_lock);
	else
		spin_unlock(&shared_lock);
	free_irq(6, &lock_tl);
	tasklet_kill(&lock_tl);
	BUG_ON(lock_count != 1 + lock_tl_runs);
	BUG_ON(lock_tl_queued && !lock_tl_runs);
	__free_page(page);
}

KMAPSIM_SUBJECT(tasklet_lock_without_bh)
{
	lock_section(false);
}

KMAPSIM_SUBJECT(tasklet_lock_with_bh)
{
	lock_section(true);
}

#define TASK_MAPS 14
#define TL_MAPS 8
static struct page *deep_pages[TASK_MAPS + TL_MAPS];
static struct tasklet_struct deep_tl;

static void deep_tl_fn(struct tasklet_struct *t)
{
	char *kaddr[TL_MAPS];
	int i;

	for (i = 0; i < TL_MAPS; i++)
		kaddr[i] = kmap_local_page(deep_pages[TASK_MAPS + i]);	/* kmapsim: here */
	for (i = TL_MAPS - 1; i >= 0; i--)
		kunmap_local(kaddr[i]);
}

static irqreturn_t irq_queues_deep_tl(int irq, void *dev)
{
	tasklet_schedule(&deep_tl);
	return IRQ_HANDLED;
}

static void map_pages(bool all_at_once)
{
	char *kaddr[TASK_MAPS];
	int i;

	for (i = 0; i < TASK_MAPS + TL_MAPS; i++)
		deep_pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	tasklet_setup(&deep_tl, deep_tl_fn);
	if (request_irq(7, irq_queues_deep_tl, 0, "deep-dev", &deep_tl))
		return;
	for (i = 0; i < TASK_MAPS; i++) {
		kaddr[i] = kmap_local_page(deep_pages[i]);
		kaddr[i][0] = i;
		if (!all_at_once)
			kunmap_local(kaddr[i]);
	}
	for (i = TASK_MAPS - 1; all_at_once && i >= 0; i--)
		kunmap_local(kaddr[i]);
	free_irq(7, &deep_tl);
	tasklet_kill(&deep_tl);
	for (i = 0; i < TASK_MAPS + TL_MAPS; i++)
		__free_page(deep_pages[i]);
}

KMAPSIM_SUBJECT(tasklet_maps_past_task_slots)
{
	map_pages(true);
}

KMAPSIM_SUBJECT(tasklet_maps_within_task_slots)
{
	map_pages(false);
}
