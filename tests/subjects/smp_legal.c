/*
 * Legal SMP code around kmap calls that must stay clean under every
 * exploration (exhaustive K <= 2, PCT, random, the fault sweep): waiting for
 * a kthread with smp_load_acquire() and cond_resched(), a READ_ONCE() flag
 * hand-off with cpu_relax(), a kmap() that is released on the
 * copy_from_user() -EFAULT path too, a work item that queues itself
 * again until told to stop, two work items sharing a kmap() address while
 * one waits for the other, a work item queued again while it runs, and
 * local and atomic mappings made under spin_lock_bh() and rcu_read_lock_bh()
 * by two tasks sharing the lock, kthreads ended by kthread_stop() in each
 * way a thread waits for it, kthread_create() threads started with
 * wake_up_process(), one waiting open-coded with set_current_state(),
 * threads that may return before they are stopped, held with
 * get_task_struct(), two work items waiting for a third queued after
 * them, and open-coded waits on a wait queue (prepare_to_wait(), test,
 * schedule()) and with schedule_timeout(). Tasklets: softirq_legal.c;
 * semaphores and SRCU: sleeping_legal.c.
 */
#include <kmapsim/subject.h>
#include <linux/wait.h>

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

/*
 * Two items of the system workqueue share a page's kmap() address through
 * a structure: the first maps the page, publishes the address and waits
 * until the second has read through it. A kmap() address is valid in every
 * context, and the first item's sleep does not hold up the second (a
 * kernel pool runs it on another worker), so this is legal; with
 * kmap_local_page() it is smp_bugs.c's work_shared_local_addr.
 */
struct shared_buf {
	struct work_struct fill, read;
	struct page *page;
	char *vaddr;
	struct completion mapped, used;
	char seen;
};

static void fill_kmap(struct work_struct *work)
{
	struct shared_buf *b = container_of(work, struct shared_buf, fill);

	b->vaddr = kmap(b->page);
	b->vaddr[0] = 5;
	complete(&b->mapped);
	wait_for_completion(&b->used);
	kunmap(b->page);
}

static void read_kmap(struct work_struct *work)
{
	struct shared_buf *b = container_of(work, struct shared_buf, read);

	wait_for_completion(&b->mapped);
	b->seen = b->vaddr[0];
	complete(&b->used);
}

KMAPSIM_SUBJECT(work_shared_kmap)
{
	struct shared_buf b;

	b.page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	init_completion(&b.mapped);
	init_completion(&b.used);
	INIT_WORK(&b.fill, fill_kmap);
	INIT_WORK(&b.read, read_kmap);
	schedule_work(&b.fill);
	schedule_work(&b.read);
	flush_work(&b.fill);
	flush_work(&b.read);
	BUG_ON(b.seen != 5);
	__free_page(b.page);
}

/*
 * An item is never run twice at once: queued again from its own function,
 * its next run waits for this one to end, even with another kworker free
 * (a second item keeps one busy at first). Code relies on that to keep
 * per-item state without a lock.
 */
static struct work_struct again_w, other_w;
static int again_in_flight, again_runs;

static void again_fn(struct work_struct *work)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	BUG_ON(++again_in_flight != 1);
	if (++again_runs < 3)
		schedule_work(work);
	kaddr = kmap_local_page(page);
	cond_resched();
	kaddr[0] = (char)again_runs;
	kunmap_local(kaddr);
	__free_page(page);
	again_in_flight--;
}

static void other_fn(struct work_struct *work)
{
	cond_resched();
}

KMAPSIM_SUBJECT(work_not_reentrant)
{
	again_in_flight = again_runs = 0;
	INIT_WORK(&again_w, again_fn);
	INIT_WORK(&other_w, other_fn);
	schedule_work(&again_w);
	schedule_work(&other_w);
	flush_work(&again_w);
	flush_work(&other_w);
	BUG_ON(again_runs != 3);
}

/*
 * Bottom halves off around a lock two tasks share, as networking code
 * takes its socket and queue locks: a local or atomic mapping inside is
 * legal (neither sleeps), in_softirq() holds there and only there, and a
 * spin_trylock_bh() that fails leaves bottom halves on again.
 */
static DEFINE_SPINLOCK(bh_lock);
static unsigned int bh_sum;

static void bh_add(struct page *page)
{
	char *kaddr;

	if (!spin_trylock_bh(&bh_lock))
		spin_lock_bh(&bh_lock);
	BUG_ON(!in_softirq() || !in_interrupt() || !in_task());
	kaddr = kmap_local_page(page);
	bh_sum += kaddr[0];
	kunmap_local(kaddr);
	kaddr = kmap_atomic(page);
	kaddr[1]++;
	kunmap_atomic(kaddr);
	spin_unlock_bh(&bh_lock);
	rcu_read_lock_bh();
	kaddr = kmap_local_page(page);
	bh_sum += kaddr[1];
	kunmap_local(kaddr);
	rcu_read_unlock_bh();
	BUG_ON(in_softirq() || in_interrupt());
}

static struct page *bh_page;
static struct completion bh_done;

static int bh_thread(void *data)
{
	bh_add(bh_page);
	complete(&bh_done);
	return 0;
}

KMAPSIM_SUBJECT(bh_lock_map)
{
	bh_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL | __GFP_ZERO);
	init_completion(&bh_done);
	kthread_run(bh_thread, NULL, "bh");
	bh_add(bh_page);
	wait_for_completion(&bh_done);
	__free_page(bh_page);
}

/*
 * kthread_stop() of a thread that polls kthread_should_stop() between
 * sleeps, of one asleep in wait_event_interruptible() on it, and of one in
 * an interruptible wait for a completion nobody signals (the stop's signal
 * ends it with -ERESTARTSYS): each returns, and kthread_stop() gives its
 * value, or -EINTR when the stop came before the thread first ran.
 */
static DECLARE_WAIT_QUEUE_HEAD(stop_wq);
static struct completion never_done;

static int poller(void *data)
{
	struct page *page = data;
	int rounds = 0;

	while (!kthread_should_stop()) {
		char *kaddr = kmap_local_page(page);

		kaddr[0]++;
		kunmap_local(kaddr);
		rounds++;
		schedule_timeout_interruptible(HZ);
	}
	return rounds >= 0 ? 3 : -1;
}

static int queue_sleeper(void *data)
{
	wait_event_interruptible(stop_wq, kthread_should_stop());
	return 5;
}

static int completion_sleeper(void *data)
{
	return wait_for_completion_interruptible(&never_done) == -ERESTARTSYS ? 7 : -1;
}

KMAPSIM_SUBJECT(kthread_stop_each_wait)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	struct task_struct *a, *b, *c;
	int r;

	init_completion(&never_done);
	a = kthread_run(poller, page, "poller");
	b = kthread_run(queue_sleeper, NULL, "queue");
	c = kthread_run(completion_sleeper, NULL, "completion");
	/* a thread stopped before it first ran never runs its function */
	r = kthread_stop(a);
	BUG_ON(r != 3 && r != -EINTR);
	r = kthread_stop(b);
	BUG_ON(r != 5 && r != -EINTR);
	r = kthread_stop(c);
	BUG_ON(r != 7 && r != -EINTR);
	__free_page(page);
}

/*
 * kthread_create(): the thread runs once woken, here to wait open-coded
 * (set_current_state(), test, schedule()) for a flag main sets before it
 * wakes it again; one created and stopped before it was woken never runs
 * its function (kthread_stop() gives -EINTR); one never woken is no waiter.
 */
static int wake_flag;
static int never_ran = 1;
static struct completion woke_done;

static int open_coded_waiter(void *data)
{
	struct page *page = data;
	char *kaddr;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(wake_flag))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	kaddr = kmap_local_page(page);
	kaddr[0] = 1;
	kunmap_local(kaddr);
	complete(&woke_done);
	return 0;
}

static int must_not_run(void *data)
{
	never_ran = 0;
	return 0;
}

KMAPSIM_SUBJECT(kthread_create_wake)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	struct task_struct *t, *stopped;

	WRITE_ONCE(wake_flag, 0);
	never_ran = 1;
	init_completion(&woke_done);
	t = kthread_create(open_coded_waiter, page, "waiter");
	stopped = kthread_create(must_not_run, NULL, "stopped");
	kthread_create(must_not_run, NULL, "never woken");
	wake_up_process(t);
	WRITE_ONCE(wake_flag, 1);
	wake_up_process(t);
	wait_for_completion(&woke_done);
	BUG_ON(kthread_stop(stopped) != -EINTR || !never_ran);
	__free_page(page);
}

/*
 * Threads that may return on their own before they are stopped, held with
 * get_task_struct() as the kernel requires: kthread_stop() then gives the
 * value whether the thread returned first or the stop came first, and
 * kthread_stop_put() drops the reference with the stop.
 */
static DECLARE_COMPLETION(held_done);

static int held_returns(void *data)
{
	complete(&held_done);
	return 6;
}

KMAPSIM_SUBJECT(kthread_stop_held_task)
{
	struct task_struct *a, *b;
	int r;

	reinit_completion(&held_done);
	a = kthread_run(held_returns, NULL, "held_a");
	get_task_struct(a);
	b = get_task_struct(kthread_run(held_returns, NULL, "held_b"));
	wait_for_completion(&held_done);
	r = kthread_stop(a);
	BUG_ON(r != 6 && r != -EINTR);
	put_task_struct(a);
	r = kthread_stop_put(b);
	BUG_ON(r != 6 && r != -EINTR);
}

/*
 * Two items of the system workqueue wait for a third queued after them: a
 * kernel pool starts another kworker when every one it has sleeps, so the
 * third runs. (On an ordered queue it is a deadlock: smp_bugs.c.)
 */
static struct completion third_done;
static struct work_struct first_item, second_item, third_item;

static void wait_for_third(struct work_struct *w)
{
	wait_for_completion(&third_done);
}

static void third_fn(struct work_struct *w)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	kaddr[0] = 3;
	kunmap_local(kaddr);
	__free_page(page);
	complete_all(&third_done);
}

KMAPSIM_SUBJECT(work_waits_for_later_item)
{
	init_completion(&third_done);
	INIT_WORK(&first_item, wait_for_third);
	INIT_WORK(&second_item, wait_for_third);
	INIT_WORK(&third_item, third_fn);
	schedule_work(&first_item);
	schedule_work(&second_item);
	schedule_work(&third_item);
	flush_work(&first_item);
	flush_work(&second_item);
	flush_work(&third_item);
}

/*
 * Open-coded waits that set their state before they test: a wake-up
 * between the test and schedule() finds the state set and clears it, so
 * schedule() returns. One waits on a wait queue (prepare_to_wait(),
 * woken by wake_up()), one with schedule_timeout() under
 * set_current_state() (woken by wake_up_process()), and one times out:
 * nobody wakes it, and schedule_timeout() gives 0.
 */
static DECLARE_WAIT_QUEUE_HEAD(oc_wq);
static int oc_ready, oc_flag;
static DECLARE_COMPLETION(oc_done);

static int oc_queue_waiter(void *data)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&oc_wq, &wait, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(oc_ready))
			break;
		schedule();
	}
	finish_wait(&oc_wq, &wait);
	complete(&oc_done);
	return 0;
}

static int oc_timeout_waiter(void *data)
{
	long left = MAX_SCHEDULE_TIMEOUT;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(oc_flag))
			break;
		left = schedule_timeout(left);
	}
	__set_current_state(TASK_RUNNING);
	BUG_ON(!left);
	complete(&oc_done);
	return 0;
}

KMAPSIM_SUBJECT(open_coded_waits)
{
	struct task_struct *t;
	long left;

	WRITE_ONCE(oc_ready, 0);
	WRITE_ONCE(oc_flag, 0);
	reinit_completion(&oc_done);
	kthread_run(oc_queue_waiter, NULL, "queue_waiter");
	t = kthread_run(oc_timeout_waiter, NULL, "timeout_waiter");
	WRITE_ONCE(oc_ready, 1);
	wake_up(&oc_wq);
	WRITE_ONCE(oc_flag, 1);
	wake_up_process(t);
	wait_for_completion(&oc_done);
	wait_for_completion(&oc_done);
	/* nobody wakes this one: it sleeps until its timeout */
	set_current_state(TASK_UNINTERRUPTIBLE);
	left = schedule_timeout(HZ);
	BUG_ON(left != 0);
}
