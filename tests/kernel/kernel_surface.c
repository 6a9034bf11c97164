// SPDX-License-Identifier: MIT
/*
 * The kernel surface around kmap that imported code uses, modelled rather
 * than trapping: current->mm/pid/comm, wait queues, RCU grace periods and
 * callbacks, percpu_ref. Each *_ok subject is legal kernel code and must be
 * clean; each other subject breaks one rule and must be reported:
 *   rcu_free_no_grace   kfree() of what a reader may still use (no grace
 *                       period): memory-error when the reader reads it
 *   wait_no_wake_up     the flag set without wake_up(): the waiter sleeps
 *                       forever (every task is blocked)
 *   percpu_ref_leak     one get too many: release() never runs, and the
 *                       waiter for it sleeps forever
 *   printk_stale_name   a name printed with %s after its page's mapping is
 *                       gone: use after unmap, found in printk()'s read
 *   rwsem_readers_share two readers inside at once, which a reader that
 *                       writes shared state assumes cannot happen
 *                       (subject-bug: its BUG_ON)
 *   rwsem_read_recursive down_read() twice in one task while a writer
 *                       queues in between: every task is blocked
 *   raw_spin_sleep      a mutex taken under a raw spinlock: sleep-in-atomic
 *   rwlock_write_recursive write_lock() of an rwlock its task holds for
 *                       reading: it spins forever (recursive locking)
 *   seqlock_no_retry    a seqlock reader that never checks read_seqretry()
 *                       sees a torn pair (subject-bug: its BUG_ON)
 *   lock_break_stale    a holder that breaks its spinlock when
 *                       spin_is_contended() says another task spins on it,
 *                       and uses a value it read before the break: the
 *                       waiter changed it meanwhile (subject-bug: its
 *                       BUG_ON); lock_break_ok reads it again
 *   ref_lookup_resurrect a lookup under RCU that takes its reference with
 *                       atomic_inc() even after the owner's last put: the
 *                       object is freed after the grace period and the
 *                       lookup reads it (memory-error); ref_lookup_ok
 *                       uses atomic_inc_not_zero()
 *   wait_bit_no_wake_up a bit cleared with clear_bit() and no
 *                       wake_up_bit(): its waiter sleeps forever (every
 *                       task is blocked); wait_bit_ok clears it with
 *                       clear_and_wake_up_bit()
 *   kstrdup_past_end    a byte written past a kasprintf()ed string:
 *                       memory-error (strings_ok: kstrdup(), kstrndup(),
 *                       kmemdup_nul(), kasprintf(), the page-type and
 *                       VM-statistics calls)
 * The small helpers are checked in tests/kernel/kernel_helpers.c, the
 * workqueues in tests/kernel/workqueue.c.
 */
#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>
#include <linux/percpu-refcount.h>
#include <linux/ratelimit.h>
#include <linux/highmem.h>
#include <linux/seqlock.h>
#include <linux/lockdep.h>

struct obj {
	int val;
	struct rcu_head rcu;
};

static struct obj __rcu *gp;
static DECLARE_WAIT_QUEUE_HEAD(wq);
static int flag;
static struct percpu_ref ref;
static struct completion released;

/* ---- current */
static int kthread_sees(void *data)
{
	struct task_struct *me = current;

	BUG_ON(me->mm || !(me->flags & PF_KTHREAD) || me->pid == *(pid_t *)data);
	return 0;
}

KMAPSIM_SUBJECT(current_ok)
{
	static pid_t main_pid;

	BUG_ON(!current->mm || current->mm != current->active_mm);
	BUG_ON(current->flags & PF_KTHREAD);
	BUG_ON(strcmp(current->comm, "main") != 0);
	main_pid = current->pid;
	BUG_ON(main_pid != task_pid_nr(current));
	kthread_run(kthread_sees, &main_pid, "worker");
}

/* ---- RCU: a reader on another task, an updater replacing the object */
static int reader(void *unused)
{
	struct obj *p;
	int v = 0;

	rcu_read_lock();
	p = rcu_dereference(gp);
	if (p)
		v = READ_ONCE(p->val);
	rcu_read_unlock();
	return v;
}

static void replace(bool wait_for_readers, bool deferred)
{
	struct obj *old = kzalloc(sizeof(*old), GFP_KERNEL | __GFP_NOFAIL);
	struct obj *new = kzalloc(sizeof(*new), GFP_KERNEL | __GFP_NOFAIL);

	old->val = 1;
	rcu_assign_pointer(gp, old);
	kthread_run(reader, NULL, "reader");
	new->val = 2;
	rcu_assign_pointer(gp, new);
	if (deferred) {
		kfree_rcu(old, rcu);
		return;
	}
	if (wait_for_readers)
		synchronize_rcu();
	kfree(old);
}

KMAPSIM_SUBJECT(rcu_synchronize_ok) { replace(true, false); }
KMAPSIM_SUBJECT(rcu_kfree_rcu_ok) { replace(false, true); }
KMAPSIM_SUBJECT(rcu_free_no_grace) { replace(false, false); }

static void obj_free(struct rcu_head *head)
{
	kfree(container_of(head, struct obj, rcu));
}

KMAPSIM_SUBJECT(rcu_call_rcu_barrier_ok)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);

	rcu_assign_pointer(gp, o);
	kthread_run(reader, NULL, "reader");
	rcu_assign_pointer(gp, NULL);
	call_rcu(&o->rcu, obj_free);
	rcu_barrier();
}

/*
 * ---- references under RCU: a lookup takes one only while the object is
 * live (atomic_inc_not_zero()), racing the owner's last put, which frees
 * the object after a grace period
 */
struct refobj {
	atomic_t refs;
	int val;
	struct rcu_head rcu;
};
static struct refobj __rcu *refobj_ptr;
static struct completion refobj_owner_done;

static void refobj_put(struct refobj *o)
{
	if (atomic_dec_and_test(&o->refs))
		kfree_rcu(o, rcu);
}

static int refobj_owner(void *unused)
{
	struct refobj *o = rcu_dereference_protected(refobj_ptr, 1);

	rcu_assign_pointer(refobj_ptr, NULL);
	refobj_put(o);
	complete(&refobj_owner_done);
	return 0;
}

static void ref_lookup(bool unless_zero)
{
	struct refobj *o = kzalloc(sizeof(*o), GFP_KERNEL | __GFP_NOFAIL);
	struct refobj *got;

	atomic_set(&o->refs, 1);
	o->val = 5;
	init_completion(&refobj_owner_done);
	rcu_assign_pointer(refobj_ptr, o);
	kthread_run(refobj_owner, NULL, "owner");
	rcu_read_lock();
	got = rcu_dereference(refobj_ptr);
	if (got && unless_zero && !atomic_inc_not_zero(&got->refs))
		got = NULL;	/* dying: its last put came first */
	else if (got && !unless_zero)
		atomic_inc(&got->refs);	/* takes a reference on a dying object too */
	rcu_read_unlock();
	if (got) {
		BUG_ON(got->val != 5);
		refobj_put(got);
	}
	wait_for_completion(&refobj_owner_done);
	rcu_barrier();
}

KMAPSIM_SUBJECT(ref_lookup_ok) { ref_lookup(true); }
KMAPSIM_SUBJECT(ref_lookup_resurrect) { ref_lookup(false); }

/*
 * ---- waiting for a bit and for a variable (linux/wait_bit.h): a bit lock
 * two tasks take with wait_on_bit_lock() and release with
 * clear_and_wake_up_bit(), a wait_on_bit() for a flag a kthread clears, and
 * a wait_var_event() for a count the last put takes to zero
 */
#define WB_LOCK 0
#define WB_BUSY 1
static unsigned long wb_word;
static int wb_count;
static atomic_t wb_users;
static bool wb_wake;

static int wb_worker(void *unused)
{
	if (wait_on_bit_lock(&wb_word, WB_LOCK, TASK_UNINTERRUPTIBLE) == 0) {
		wb_count++;
		clear_and_wake_up_bit(WB_LOCK, &wb_word);
	}
	if (wb_wake)
		clear_and_wake_up_bit(WB_BUSY, &wb_word);
	else
		clear_bit(WB_BUSY, &wb_word);	/* no wake-up: the waiter sleeps on */
	atomic_dec_and_wake_up(&wb_users);
	return 0;
}

static void wait_bits(bool wake)
{
	wb_word = 1UL << WB_BUSY;
	wb_count = 0;
	wb_wake = wake;
	atomic_set(&wb_users, 1);
	kthread_run(wb_worker, NULL, "worker");
	if (wait_on_bit_lock(&wb_word, WB_LOCK, TASK_UNINTERRUPTIBLE) == 0) {
		wb_count++;
		clear_and_wake_up_bit(WB_LOCK, &wb_word);
	}
	BUG_ON(wait_on_bit(&wb_word, WB_BUSY, TASK_UNINTERRUPTIBLE) != 0 || test_bit(WB_BUSY, &wb_word));
	wait_var_event(&wb_users, !atomic_read(&wb_users));
	BUG_ON(wb_count != 2);
}

KMAPSIM_SUBJECT(wait_bit_ok) { wait_bits(true); }
KMAPSIM_SUBJECT(wait_bit_no_wake_up) { wait_bits(false); }

/* ---- wait queues: a waiter, and a waker in a task or an interrupt */
static int waiter_done;

static int waiter(void *unused)
{
	wait_event(wq, READ_ONCE(flag));
	WRITE_ONCE(waiter_done, 1);
	return 0;
}

static irqreturn_t waker_irq(int irq, void *dev)
{
	WRITE_ONCE(flag, 1);
	wake_up(&wq);
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(wait_queue_ok)
{
	kthread_run(waiter, NULL, "waiter");
	WRITE_ONCE(flag, 1);
	wake_up_all(&wq);
}

/* The wake-up from an interrupt: main spins, and the interrupt that ends
 * its spin (or fires earlier) wakes the waiter. */
KMAPSIM_SUBJECT(wait_queue_irq_ok)
{
	request_irq(5, waker_irq, 0, "waker", NULL);
	kthread_run(waiter, NULL, "waiter");
	while (!READ_ONCE(waiter_done))
		cond_resched();
	free_irq(5, NULL);
}

KMAPSIM_SUBJECT(wait_no_wake_up)
{
	kthread_run(waiter, NULL, "waiter");
	cond_resched();
	WRITE_ONCE(flag, 1);	/* no wake_up(): a waiter already asleep stays asleep */
}

/* ---- percpu_ref: users get and put from tasks; kill; release after the grace period */
static void ref_release(struct percpu_ref *r)
{
	complete(&released);
}

static int user(void *extra)
{
	if (percpu_ref_tryget_live(&ref)) {
		if (extra)
			percpu_ref_get(&ref);	/* the leak: no put for this one */
		percpu_ref_put(&ref);
	}
	return 0;
}

static void ref_lifetime(bool leak)
{
	init_completion(&released);
	if (percpu_ref_init(&ref, ref_release, 0, GFP_KERNEL))
		return;
	kthread_run(user, leak ? &ref : NULL, "user");
	percpu_ref_kill(&ref);
	wait_for_completion(&released);
	BUG_ON(!percpu_ref_is_zero(&ref));
	percpu_ref_exit(&ref);
}

KMAPSIM_SUBJECT(percpu_ref_ok) { ref_lifetime(false); }
KMAPSIM_SUBJECT(percpu_ref_leak) { ref_lifetime(true); }

/* ---- ratelimit: a burst per interval (time does not pass in a run); interval 0 never limits */
KMAPSIM_SUBJECT(ratelimit_ok)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 3);
	static DEFINE_RATELIMIT_STATE(unlimited, 0, 1);
	struct ratelimit_state dyn;
	int i, passed = 0;

	for (i = 0; i < 5; i++)
		passed += !!__ratelimit(&rs);
	BUG_ON(passed != 3 || rs.missed != 2);
	for (i = 0, passed = 0; i < 5; i++)
		passed += !!__ratelimit(&unlimited);
	BUG_ON(passed != 5);
	ratelimit_default_init(&dyn);
	for (i = 0, passed = 0; i < DEFAULT_RATELIMIT_BURST + 1; i++)
		passed += !!__ratelimit(&dyn);
	BUG_ON(passed != DEFAULT_RATELIMIT_BURST);
}

/* ---- printk reads its %s arguments: through a live mapping, or after it is gone */
static void print_entry_name(bool after_unmap)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM);
	char *kaddr;

	if (!page)
		return;
	kaddr = kmap_local_page(page);
	strcpy(kaddr + 100, "lost+found");
	pr_err("bad entry %s at %d\n", kaddr + 100, 100);
	kunmap_local(kaddr);
	if (after_unmap)
		pr_err("bad entry %s\n", kaddr + 100);
	__free_page(page);
}

KMAPSIM_SUBJECT(printk_ok) { print_entry_name(false); }
KMAPSIM_SUBJECT(printk_stale_name) { print_entry_name(true); }

/* ---- rw_semaphore: readers share it, a writer has it alone, a reader queues behind a writer */
static DECLARE_RWSEM(sem);
static atomic_t readers_in;	/* readers run together: counted atomically */
static int writer_in;
static bool reader_assumes_alone;
static struct completion sem_done[3];

static int sem_reader(void *data)
{
	struct completion *done = data;

	down_read(&sem);
	atomic_inc(&readers_in);
	BUG_ON(writer_in);
	if (reader_assumes_alone)
		BUG_ON(atomic_read(&readers_in) > 1);
	cond_resched();
	atomic_dec(&readers_in);
	up_read(&sem);
	complete(done);
	return 0;
}

static int sem_writer(void *unused)
{
	down_write(&sem);
	writer_in = 1;
	BUG_ON(atomic_read(&readers_in));
	cond_resched();
	writer_in = 0;
	downgrade_write(&sem);
	BUG_ON(!rwsem_is_locked(&sem));
	up_read(&sem);
	complete(&sem_done[2]);
	return 0;
}

static void rwsem_tasks(bool assume_alone)
{
	int i;

	init_rwsem(&sem);
	atomic_set(&readers_in, 0);
	writer_in = 0;
	reader_assumes_alone = assume_alone;
	for (i = 0; i < 3; i++)
		init_completion(&sem_done[i]);
	kthread_run(sem_reader, &sem_done[0], "reader");
	kthread_run(sem_reader, &sem_done[1], "reader2");
	kthread_run(sem_writer, NULL, "writer");
	for (i = 0; i < 3; i++)
		wait_for_completion(&sem_done[i]);
	BUG_ON(rwsem_is_locked(&sem));
	if (down_write_trylock(&sem)) {
		BUG_ON(down_read_trylock(&sem));
		up_write(&sem);
	}
}

KMAPSIM_SUBJECT(rwsem_ok) { rwsem_tasks(false); }
KMAPSIM_SUBJECT(rwsem_readers_share) { rwsem_tasks(true); }

static int sem_late_writer(void *unused)
{
	down_write(&sem);
	up_write(&sem);
	return 0;
}

KMAPSIM_SUBJECT(rwsem_read_recursive)
{
	init_rwsem(&sem);
	down_read(&sem);
	kthread_run(sem_late_writer, NULL, "writer");
	cond_resched();
	down_read(&sem);	/* behind the writer once it queues */
	up_read(&sem);
	up_read(&sem);
}

/* ---- a raw spinlock is a spinlock: no sleeping under it */
static DEFINE_RAW_SPINLOCK(raw_lock);
static DEFINE_MUTEX(under_raw);

KMAPSIM_SUBJECT(raw_spin_sleep)
{
	raw_spin_lock(&raw_lock);
	mutex_lock(&under_raw);
	mutex_unlock(&under_raw);
	raw_spin_unlock(&raw_lock);
}

/* ---- rwlock_t: readers nest and share, a writer is alone, all spin with preemption off */
static DEFINE_RWLOCK(rwl);
static atomic_t rw_readers;
static int rw_writer;
static struct completion rw_done[2];

static int rw_reader(void *data)
{
	unsigned long flags;

	read_lock_irqsave(&rwl, flags);
	read_lock(&rwl);	/* nesting the read side is allowed */
	atomic_inc(&rw_readers);
	BUG_ON(rw_writer || !in_atomic() || !irqs_disabled());
	atomic_dec(&rw_readers);
	read_unlock(&rwl);
	read_unlock_irqrestore(&rwl, flags);
	complete(data);
	return 0;
}

static int rw_writer_fn(void *data)
{
	write_lock(&rwl);
	rw_writer = 1;
	BUG_ON(atomic_read(&rw_readers));
	rw_writer = 0;
	write_unlock(&rwl);
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(rwlock_ok)
{
	rwlock_init(&rwl);
	atomic_set(&rw_readers, 0);
	rw_writer = 0;
	init_completion(&rw_done[0]);
	init_completion(&rw_done[1]);
	kthread_run(rw_reader, &rw_done[0], "reader");
	kthread_run(rw_writer_fn, &rw_done[1], "writer");
	read_lock_bh(&rwl);
	BUG_ON(rw_writer);
	read_unlock_bh(&rwl);
	wait_for_completion(&rw_done[0]);
	wait_for_completion(&rw_done[1]);
	BUG_ON(!write_trylock(&rwl));
	BUG_ON(read_trylock(&rwl));
	write_unlock(&rwl);
}

KMAPSIM_SUBJECT(rwlock_write_recursive)
{
	rwlock_init(&rwl);
	read_lock(&rwl);
	write_lock(&rwl);
}

/* ---- seqlock_t: a reader retries while a writer moved the count */
static DEFINE_SEQLOCK(pair_lock);
static struct { int a, b; } pair;

static int pair_writer(void *unused)
{
	int i;

	for (i = 1; i <= 2; i++) {
		write_seqlock(&pair_lock);
		WRITE_ONCE(pair.a, i);
		WRITE_ONCE(pair.b, i);
		write_sequnlock(&pair_lock);
	}
	return 0;
}

static void pair_reader(bool retry)
{
	unsigned seq;
	int a, b;

	seqlock_init(&pair_lock);
	pair.a = pair.b = 0;
	kthread_run(pair_writer, NULL, "writer");
	do {
		seq = read_seqbegin(&pair_lock);
		a = READ_ONCE(pair.a);
		b = READ_ONCE(pair.b);
	} while (retry && read_seqretry(&pair_lock, seq));
	BUG_ON(a != b);
}

KMAPSIM_SUBJECT(seqlock_ok) { pair_reader(true); }
KMAPSIM_SUBJECT(seqlock_no_retry) { pair_reader(false); }

/* panic() prints its message and ends the run as a BUG() does */
KMAPSIM_SUBJECT(panic_called)
{
	if (kmapsim_pick(0, 1))
		panic("kmapsim: %s\n", "a reason");
}

/* A holder that breaks its lock when another task spins on it. */
static DEFINE_SPINLOCK(break_lock);
static int break_gen;

static int lock_waiter(void *data)
{
	spin_lock(&break_lock);
	break_gen++;
	spin_unlock(&break_lock);
	complete(data);
	return 0;
}

static void lock_breaker(bool reread)
{
	struct completion done;
	int i, gen;

	init_completion(&done);
	break_gen = 0;
	kthread_run(lock_waiter, &done, "waiter");
	spin_lock(&break_lock);
	gen = break_gen;
	for (i = 0; i < 4; i++) {
		if (spin_is_contended(&break_lock)) {
			spin_unlock(&break_lock);
			cond_resched();
			spin_lock(&break_lock);
			assert_spin_locked(&break_lock);
			if (reread)
				gen = break_gen;
		}
		BUG_ON(gen != break_gen);	/* what the loop relies on */
	}
	spin_unlock(&break_lock);
	wait_for_completion(&done);
	BUG_ON(spin_is_locked(&break_lock));
}

KMAPSIM_SUBJECT(lock_break_ok) { lock_breaker(true); }
KMAPSIM_SUBJECT(lock_break_stale) { lock_breaker(false); }

static void strings(bool past_end)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	char *a = kstrdup("zspool", GFP_KERNEL);
	char *b = kstrndup("zspool", 2, GFP_KERNEL);
	char *c = kasprintf(GFP_KERNEL, "mm-%s:%d", "zspool", 7);
	char *d = kmemdup_nul("abc", 2, GFP_KERNEL);

	BUG_ON(a && strcmp(a, "zspool"));
	BUG_ON(b && strcmp(b, "zs"));
	BUG_ON(c && strcmp(c, "mm-zspool:7"));
	BUG_ON(d && strcmp(d, "ab"));
	if (c && past_end)
		c[strlen(c) + 1] = 'x';
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
	BUG_ON(PageZsmalloc(page));
	__SetPageZsmalloc(page);
	page->page_type |= 0x123;	/* the owner's low bits */
	BUG_ON(!PageZsmalloc(page) || PageTable(page));
	__ClearPageZsmalloc(page);
	BUG_ON(PageZsmalloc(page));
	inc_zone_page_state(page, NR_ZSPAGES);
	dec_zone_page_state(page, NR_ZSPAGES);
	__free_page(page);
}

KMAPSIM_SUBJECT(strings_ok) { strings(false); }
KMAPSIM_SUBJECT(kstrdup_past_end) { strings(true); }
