// SPDX-License-Identifier: MIT
/*
 * Workqueues of one's own (alloc_workqueue() and the rest of linux/
 * workqueue.h beside schedule_work()), modelled rather than trapping. Each
 * *_ok subject is legal kernel code and must be clean; each other subject
 * breaks one rule and must be reported:
 *   workqueue_ok         a queue of one's own, the system one, delayed
 *                        items, requeueing, cancellation, a failed alloc
 *   workqueue_flush_self an item flushes its own workqueue: it waits for
 *                        itself (every task is blocked)
 *   workqueue_item_leak  an item of one's own queue returns holding its
 *                        kmap_local_page() mapping: kmap-leak
 */
#include <kmapsim/subject.h>
#include <linux/highmem.h>
#include <linux/workqueue.h>

struct page_work {
	struct work_struct work;
	struct page *page;
	int done;
	bool keep_mapped;	/* return holding the mapping */
	struct workqueue_struct *flush_own;	/* flush this queue from the item */
};

static void page_work_fn(struct work_struct *work)
{
	struct page_work *pw = container_of(work, struct page_work, work);
	int *p = kmap_local_page(pw->page);

	p[0]++;
	pw->done++;
	if (pw->flush_own)
		flush_workqueue(pw->flush_own);
	if (!pw->keep_mapped)
		kunmap_local(p);
}

static void init_page_work(struct page_work *pw)
{
	INIT_WORK(&pw->work, page_work_fn);
	pw->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
	pw->done = 0;
	pw->keep_mapped = false;
	pw->flush_own = NULL;
}

static int page_count_of(struct page_work *pw)
{
	int *p = kmap_local_page(pw->page);
	int n = p[0];

	kunmap_local(p);
	__free_page(pw->page);
	return n;
}

static int delayed_runs;

static void delayed_fn(struct work_struct *work)
{
	delayed_runs++;
}

/* Two items on a queue of one's own, one on the system workqueue and a
 * delayed one cancelled or changed: each has run exactly once when its
 * flush returns, a queued item is not queued again, and a queue that could
 * not be allocated is handled. */
KMAPSIM_SUBJECT(workqueue_ok)
{
	struct workqueue_struct *own = alloc_ordered_workqueue("kmapsim-%d", WQ_MEM_RECLAIM, 7);
	struct page_work a, b, sys;
	struct delayed_work dw;
	bool pending, again;
	int i, before;

	if (!own)
		return;		/* -ENOMEM */
	delayed_runs = 0;
	init_page_work(&a);
	init_page_work(&b);
	init_page_work(&sys);
	INIT_DELAYED_WORK(&dw, delayed_fn);
	BUG_ON(!queue_work(own, &a.work));
	again = queue_work(own, &a.work);	/* false while still pending */
	BUG_ON(!queue_work_on(1, own, &b.work));
	BUG_ON(!queue_work(system_wq, &sys.work));
	BUG_ON(mod_delayed_work(own, &dw, 10));	/* idle: queued now */
	pending = delayed_work_pending(&dw);	/* or started already */
	BUG_ON(mod_delayed_work(own, &dw, 20) != pending);
	cancel_delayed_work_sync(&dw);
	BUG_ON(delayed_work_pending(&dw) || delayed_runs > 2);
	flush_workqueue(own);
	BUG_ON(a.done != 1 + again || b.done != 1 || work_pending(&a.work) || work_pending(&b.work));
	flush_work(&sys.work);
	BUG_ON(sys.done != 1);
	before = a.done;
	for (i = 0; i < 2; i++)
		queue_work(own, &a.work);
	destroy_workqueue(own);			/* drains */
	BUG_ON(a.done < before + 1 || a.done > before + 2);
	BUG_ON(page_count_of(&a) != a.done || page_count_of(&b) != 1 || page_count_of(&sys) != 1);
}

/* One item on a queue of one's own, then the queue destroyed */
static void one_item(struct workqueue_struct *own, bool flush_own, bool keep_mapped)
{
	struct page_work a;

	if (!own)
		return;
	init_page_work(&a);
	a.flush_own = flush_own ? own : NULL;
	a.keep_mapped = keep_mapped;
	queue_work(own, &a.work);
	destroy_workqueue(own);
	page_count_of(&a);
}

/* An item of a queue flushes that queue: it waits for itself */
KMAPSIM_SUBJECT(workqueue_flush_self) { one_item(alloc_workqueue("kmapsim", 0, 0), true, false); }

/* An item of one's own queue returns holding its local mapping */
KMAPSIM_SUBJECT(workqueue_item_leak) { one_item(create_singlethread_workqueue("kmapsim"), false, true); }
