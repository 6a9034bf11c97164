// SPDX-License-Identifier: MIT
/*
 * Locks in the kernel surface imported code uses, modelled rather than
 * trapping: rw_semaphores, raw spinlocks, rwlocks, seqlocks, a lock break
 * on spin_is_contended() and cond_resched_lock(), counting semaphores.
 * Each *_ok subject is legal kernel code and must be clean; each other
 * subject breaks one rule and must be reported:
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
 *   cond_resched_lock_stale the same break by cond_resched_lock() (its
 *                       return says it broke): subject-bug;
 *                       cond_resched_lock_ok reads it again
 *   cond_resched_lock_nested cond_resched_lock() with another spinlock
 *                       held: the break's cond_resched() is sleep-in-atomic
 *   semaphore_two_units two tasks that each take two units of a
 *                       two-unit semaphore one down() at a time: when each
 *                       has one, both sleep forever (every task is blocked)
 *   semaphore_under_spinlock down() under a spinlock: sleep-in-atomic, as
 *                       down() may sleep even when a unit is free
 */
#include <kmapsim/subject.h>
#include <linux/seqlock.h>
#include <linux/semaphore.h>

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

/*
 * A holder that breaks its lock when another task spins on it, by hand
 * (spin_is_contended()) or with cond_resched_lock(). how: LB_REREAD reads
 * the protected value again after a break, LB_COND_RESCHED breaks with
 * cond_resched_lock(), LB_NESTED holds another spinlock around it all.
 */
enum { LB_REREAD = 1, LB_COND_RESCHED = 2, LB_NESTED = 4 };
static DEFINE_SPINLOCK(break_lock);
static DEFINE_SPINLOCK(break_outer);
static int break_gen;

static int lock_waiter(void *data)
{
	spin_lock(&break_lock);
	break_gen++;
	spin_unlock(&break_lock);
	complete(data);
	return 0;
}

static void lock_breaker(int how)
{
	struct completion done;
	int i, gen;

	init_completion(&done);
	break_gen = 0;
	kthread_run(lock_waiter, &done, "waiter");
	if (how & LB_NESTED)
		spin_lock(&break_outer);
	spin_lock(&break_lock);
	gen = break_gen;
	for (i = 0; i < 4; i++) {
		bool broke;

		if (how & LB_COND_RESCHED) {
			broke = cond_resched_lock(&break_lock);
		} else {
			broke = spin_is_contended(&break_lock);
			if (broke) {
				spin_unlock(&break_lock);
				cond_resched();
				spin_lock(&break_lock);
			}
		}
		if (broke) {
			assert_spin_locked(&break_lock);
			if (how & LB_REREAD)
				gen = break_gen;
		}
		BUG_ON(gen != break_gen);	/* what the loop relies on */
	}
	spin_unlock(&break_lock);
	if (how & LB_NESTED)
		spin_unlock(&break_outer);
	wait_for_completion(&done);
	BUG_ON(spin_is_locked(&break_lock));
}

KMAPSIM_SUBJECT(lock_break_ok) { lock_breaker(LB_REREAD); }
KMAPSIM_SUBJECT(lock_break_stale) { lock_breaker(0); }
KMAPSIM_SUBJECT(cond_resched_lock_ok) { lock_breaker(LB_COND_RESCHED | LB_REREAD); }
KMAPSIM_SUBJECT(cond_resched_lock_stale) { lock_breaker(LB_COND_RESCHED); }
KMAPSIM_SUBJECT(cond_resched_lock_nested) { lock_breaker(LB_COND_RESCHED | LB_REREAD | LB_NESTED); }

/*
 * ---- counting semaphores: a pool of two units shared by three tasks,
 * released from another task and from an interrupt handler
 */
static DEFINE_SEMAPHORE(pool, 2);
static atomic_t pool_in;	/* tasks holding a unit */
static struct completion pool_done[3];

static int pool_user(void *data)
{
	if (data != &pool_done[2]) {
		down(&pool);
	} else if (down_killable(&pool)) {
		/* main, the subject's own task: a fatal signal ended its sleep */
		complete(data);
		return 0;
	}
	BUG_ON(atomic_inc_return(&pool_in) > 2);
	cond_resched();
	atomic_dec(&pool_in);
	up(&pool);
	complete(data);
	return 0;
}

static irqreturn_t pool_irq(int irq, void *dev)
{
	up(dev);	/* up() is allowed in interrupt context */
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(semaphore_ok)
{
	static DEFINE_SEMAPHORE(from_irq, 0);
	struct semaphore local;
	int i, ret;

	sema_init(&pool, 2);
	atomic_set(&pool_in, 0);
	for (i = 0; i < 3; i++)
		init_completion(&pool_done[i]);
	kthread_run(pool_user, &pool_done[0], "user");
	kthread_run(pool_user, &pool_done[1], "user2");
	pool_user(&pool_done[2]);	/* main is the third user */
	for (i = 0; i < 3; i++)
		wait_for_completion(&pool_done[i]);
	BUG_ON(down_trylock(&pool) || down_trylock(&pool) || !down_trylock(&pool));
	up(&pool);
	up(&pool);

	sema_init(&local, 0);
	BUG_ON(!down_trylock(&local));
	up(&local);
	BUG_ON(down_interruptible(&local));	/* a free unit: no sleep, so no signal can end it */
	BUG_ON(!down_trylock(&local));

	sema_init(&from_irq, 0);
	request_irq(5, pool_irq, 0, "pool", &from_irq);
	ret = down_timeout(&from_irq, HZ);
	BUG_ON(ret && ret != -ETIME);
	free_irq(5, &from_irq);
}

/*
 * Two units taken one down() at a time by each of two tasks: when each has
 * one, both wait for the other's
 */
static DEFINE_SEMAPHORE(two, 2);

static int two_units(void *data)
{
	down(&two);
	down(&two);
	up(&two);
	up(&two);
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(semaphore_two_units)
{
	struct completion done[2];

	init_completion(&done[0]);
	init_completion(&done[1]);
	sema_init(&two, 2);
	kthread_run(two_units, &done[0], "user");
	two_units(&done[1]);
	wait_for_completion(&done[0]);
}

/* down() may sleep: not under a spinlock */
static DEFINE_SPINLOCK(sem_outer);

KMAPSIM_SUBJECT(semaphore_under_spinlock)
{
	static DEFINE_SEMAPHORE(inner, 1);

	spin_lock(&sem_outer);
	down(&inner);
	up(&inner);
	spin_unlock(&sem_outer);
}
