/*
 * The buggy counterparts of smp_legal.c, each found with its class: a
 * plain infinite loop (no scheduling point at all: the watchdog), a spin on
 * a flag nobody sets, a kmap() leaked on the copy_from_user() -EFAULT
 * path (only the fault sweep or an injected fault takes that path), and a
 * work item that queues itself again forever while destroy_workqueue()
 * waits for its queue to empty (the fair scheduler runs main, which waits),
 * two work items running at once sharing a local mapping's address, a
 * kmap() (which may sleep) under spin_lock_bh(), a return with bottom
 * halves still disabled, a kthread_stop() of a thread in an
 * uninterruptible wait nobody ends (the stop never returns), a
 * kthread_stop() of a thread that may have returned on its own, with no
 * get_task_struct() reference (a use after free), a put_task_struct()
 * with no reference to drop, an open-coded wait that tests its condition
 * before it sets its task state (the wake-up in between is lost), an item of
 * an ordered workqueue waiting for one queued behind it, a kmap() in a
 * tasklet, a tasklet returning with its local mapping or with its
 * spin_lock_bh() taken, and a tasklet_kill() of a queued tasklet that is
 * disabled.
 */
#include <kmapsim/subject.h>

static volatile int forever = 1;
static int never;

KMAPSIM_SUBJECT(plain_loop)
{
	cond_resched();
	while (forever)
		;
}

KMAPSIM_SUBJECT(spin_nobody_sets)
{
	while (!READ_ONCE(never))
		cpu_relax();
}

static int store_user(struct page *page, const char __user *ubuf, size_t len)
{
	char *kaddr = kmap(page);

	if (copy_from_user(kaddr, ubuf, len))
		return -EFAULT;		/* leaks the kmap() */
	kunmap(page);
	return 0;
}

KMAPSIM_SUBJECT(efault_leak)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char __user *ubuf = kmapsim_user_buffer(2 * PAGE_SIZE);
	size_t len = kmapsim_pick(1, 2 * PAGE_SIZE - 1) % PAGE_SIZE + 1;

	if (store_user(page, ubuf + PAGE_SIZE / 2, len) == 0)
		__free_page(page);
}

static struct workqueue_struct *chain_wq;

static void chain_fn(struct work_struct *work)
{
	queue_work(chain_wq, work);
}

KMAPSIM_SUBJECT(requeue_forever)
{
	struct work_struct w;

	chain_wq = alloc_workqueue("chain", WQ_UNBOUND, 0);
	if (!chain_wq)
		return;
	INIT_WORK(&w, chain_fn);
	queue_work(chain_wq, &w);
	destroy_workqueue(chain_wq);
}

/*
 * smp_legal.c's work_shared_kmap converted to kmap_local_page(): the first
 * item's local address, published in the structure, is read by the second
 * item, another context (kmap-escape once the two run at once).
 */
struct shared_buf {
	struct work_struct fill, read;
	struct page *page;
	char *vaddr;
	struct completion mapped, used;
	char seen;
};

static void fill_local(struct work_struct *work)
{
	struct shared_buf *b = container_of(work, struct shared_buf, fill);

	b->vaddr = kmap_local_page(b->page);
	b->vaddr[0] = 5;
	complete(&b->mapped);
	wait_for_completion(&b->used);
	kunmap_local(b->vaddr);
}

static void read_local(struct work_struct *work)
{
	struct shared_buf *b = container_of(work, struct shared_buf, read);

	wait_for_completion(&b->mapped);
	b->seen = b->vaddr[0];		/* the fill item's local address */
	complete(&b->used);
}

KMAPSIM_SUBJECT(work_shared_local_addr)
{
	struct shared_buf b;

	b.page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	init_completion(&b.mapped);
	init_completion(&b.used);
	INIT_WORK(&b.fill, fill_local);
	INIT_WORK(&b.read, read_local);
	schedule_work(&b.fill);
	schedule_work(&b.read);
	flush_work(&b.fill);
	flush_work(&b.read);
	__free_page(b.page);
}

static DEFINE_SPINLOCK(bh_lock);

KMAPSIM_SUBJECT(kmap_under_bh_lock)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	spin_lock_bh(&bh_lock);
	kaddr = kmap(page);		/* may sleep for a PKMAP slot */
	kaddr[0] = 1;
	kunmap(page);
	spin_unlock_bh(&bh_lock);
	__free_page(page);
}

KMAPSIM_SUBJECT(bh_left_disabled)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	local_bh_disable();
	kaddr = kmap_local_page(page);
	kaddr[0] = 1;
	kunmap_local(kaddr);
	if (kmapsim_pick(0, 1))
		local_bh_enable();	/* the other path forgets it */
	__free_page(page);
}

static struct completion never_done;

static int unstoppable(void *data)
{
	wait_for_completion(&never_done);	/* kthread_stop() cannot end this */
	return 0;
}

KMAPSIM_SUBJECT(kthread_stop_uninterruptible)
{
	struct task_struct *t;

	init_completion(&never_done);
	t = kthread_run(unstoppable, NULL, "unstoppable");
	kthread_stop(t);
}

static DECLARE_COMPLETION(early_done);

static int returns_early(void *data)
{
	complete(&early_done);
	return 4;		/* on its own: nobody asked it to stop */
}

KMAPSIM_SUBJECT(kthread_stop_after_return)
{
	struct task_struct *t;

	reinit_completion(&early_done);
	t = kthread_run(returns_early, NULL, "returns_early");
	wait_for_completion(&early_done);
	kthread_stop(t);	/* it may be gone: no reference held */
}

KMAPSIM_SUBJECT(put_task_struct_unheld)
{
	struct task_struct *t = get_task_struct(kthread_run(returns_early, NULL, "returns_early"));

	put_task_struct(t);
	put_task_struct(t);	/* one more than was taken */
}

static int go;
static DECLARE_COMPLETION(sleeper_done);

static int late_state_sleeper(void *data)
{
	if (!READ_ONCE(go)) {
		/* the waker may set go and wake us right here: lost */
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	complete(&sleeper_done);
	return 0;
}

KMAPSIM_SUBJECT(lost_wakeup)
{
	struct task_struct *t;

	WRITE_ONCE(go, 0);
	reinit_completion(&sleeper_done);
	t = kthread_run(late_state_sleeper, NULL, "sleeper");
	WRITE_ONCE(go, 1);
	wake_up_process(t);
	wait_for_completion(&sleeper_done);
}

static struct completion later_done;
static struct work_struct waiting_item, later_item;

static void wait_for_later(struct work_struct *w)
{
	wait_for_completion(&later_done);	/* ordered: later_item runs after this */
}

static void later_fn(struct work_struct *w)
{
	complete_all(&later_done);
}

KMAPSIM_SUBJECT(ordered_waits_for_later_item)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("ordered", 0);

	if (!wq)
		return;
	init_completion(&later_done);
	INIT_WORK(&waiting_item, wait_for_later);
	INIT_WORK(&later_item, later_fn);
	queue_work(wq, &waiting_item);
	queue_work(wq, &later_item);
	destroy_workqueue(wq);
}

/* kmap() in a tasklet: softirq context may not sleep for a PKMAP slot. */
static struct page *tl_page;

static void tl_kmap(struct tasklet_struct *t)
{
	char *kaddr = kmap(tl_page);	/* kmapsim: here */

	kaddr[0] = 1;
	kunmap(tl_page);
}

KMAPSIM_SUBJECT(kmap_in_tasklet)
{
	struct tasklet_struct tl;

	tl_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	tasklet_setup(&tl, tl_kmap);
	tasklet_schedule(&tl);
	tasklet_kill(&tl);
	__free_page(tl_page);
}

/* A tasklet that returns on its early path with its local mapping made. */
static void tl_leak(struct tasklet_struct *t)
{
	char *kaddr = kmap_local_page(tl_page);

	if (kaddr[0] == 0x6b)
		return;			/* kmapsim: here (kunmap_local() missing) */
	kunmap_local(kaddr);
}

KMAPSIM_SUBJECT(tasklet_leaks_local_map)
{
	struct tasklet_struct tl;

	tl_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	tasklet_setup(&tl, tl_leak);
	tasklet_schedule(&tl);
	tasklet_kill(&tl);
	__free_page(tl_page);
}

/* tasklet_kill() of a queued tasklet that is disabled waits for a run
 * that never comes. */
static void tl_nothing(struct tasklet_struct *t)
{
}

KMAPSIM_SUBJECT(tasklet_kill_disabled)
{
	struct tasklet_struct tl;

	tasklet_setup(&tl, tl_nothing);
	tasklet_disable(&tl);
	tasklet_schedule(&tl);
	tasklet_kill(&tl);
	tasklet_enable(&tl);
}

/* A tasklet that returns with its bottom-half lock still taken. */
static DEFINE_SPINLOCK(tl_lock);

static void tl_keeps_lock(struct tasklet_struct *t)
{
	spin_lock_bh(&tl_lock);
	if (READ_ONCE(tl_page) != NULL)
		return;			/* kmapsim: here (spin_unlock_bh() missing) */
	spin_unlock_bh(&tl_lock);
}

KMAPSIM_SUBJECT(tasklet_returns_with_bh_lock)
{
	struct tasklet_struct tl;

	tl_page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	tasklet_setup(&tl, tl_keeps_lock);
	tasklet_schedule(&tl);
	tasklet_kill(&tl);
	__free_page(tl_page);
}
