/*
 * Legal SMP code around kmap calls that must stay clean under every
 * exploration (exhaustive K <= 2, PCT, random, the fault sweep): waiting for
 * a kthread with smp_load_acquire() and cond_resched(), a READ_ONCE() flag
 * hand-off with cpu_relax(), a kmap() that is released on the
 * copy_from_user() -EFAULT path too, and a work item that queues itself
 * again until told to stop.
 */
#include <kmapsim/subject.h>

static bool ready;
static int flag;
static char shared_byte;

static int producer(void *data)
{
	struct page *page = data;
	char *kaddr = kmap_local_page(page);

	kaddr[0] = 42;
	kunmap_local(kaddr);
	smp_store_release(&ready, true);
	return 0;
}

KMAPSIM_SUBJECT(acquire_wait)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	kthread_run(producer, page, "producer");
	while (!smp_load_acquire(&ready))
		cond_resched();
	kaddr = kmap_local_page(page);
	BUG_ON(kaddr[0] != 42);
	kunmap_local(kaddr);
	__free_page(page);
}

static int flagger(void *data)
{
	WRITE_ONCE(shared_byte, 7);
	smp_wmb();
	WRITE_ONCE(flag, 1);
	return 0;
}

KMAPSIM_SUBJECT(flag_handoff)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	kthread_run(flagger, NULL, "flagger");
	while (!READ_ONCE(flag))
		cpu_relax();
	smp_rmb();
	kaddr = kmap_local_page(page);
	kaddr[0] = READ_ONCE(shared_byte);
	kunmap_local(kaddr);
	__free_page(page);
}

static int store_user(struct page *page, const char __user *ubuf, size_t len)
{
	char *kaddr = kmap(page);

	if (copy_from_user(kaddr, ubuf, len)) {
		kunmap(page);
		return -EFAULT;
	}
	kunmap(page);
	return 0;
}

KMAPSIM_SUBJECT(efault_fixed)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char __user *ubuf = kmapsim_user_buffer(2 * PAGE_SIZE);
	size_t len = kmapsim_pick(1, 2 * PAGE_SIZE - 1) % PAGE_SIZE + 1;

	if (store_user(page, ubuf + PAGE_SIZE / 2, len) == -EFAULT)
		WARN_ON_ONCE(0);
	__free_page(page);
}

/*
 * A work item that queues itself again until main tells it to stop, as a
 * polling item does. flush_workqueue() waits only for what was queued
 * before it. Then the kworker never blocks: main, runnable on the kworker's
 * CPU (or queued on the other), runs only because the scheduler is fair to
 * a task that keeps making progress (CFS's slice). Without that, the
 * schedules without a preemption run the chain to the step bound.
 */
static struct workqueue_struct *chain_wq;
static int chain_stop, chain_runs;

static void chain_fn(struct work_struct *work)
{
	chain_runs++;
	if (!READ_ONCE(chain_stop))
		queue_work(chain_wq, work);
}

KMAPSIM_SUBJECT(requeue_chain)
{
	struct work_struct w;

	chain_wq = alloc_workqueue("chain", WQ_UNBOUND, 0);
	if (!chain_wq)
		return;
	chain_stop = chain_runs = 0;
	INIT_WORK(&w, chain_fn);
	queue_work(chain_wq, &w);
	flush_workqueue(chain_wq);
	BUG_ON(chain_runs < 1);
	WRITE_ONCE(chain_stop, 1);
	destroy_workqueue(chain_wq);	/* drains the chain's last item */
	BUG_ON(work_pending(&w));
}
