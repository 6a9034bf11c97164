/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/atomic.h>
#include <linux/bottom_half.h>

/* owner is the holding task (model-private); 0 when free. softirq: the
 * holder's tasklet nesting when it took the lock. */
typedef struct spinlock {
	unsigned long owner;
	const char *name;
	int softirq;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname) { 0, #lockname, 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

KMAPSIM_EXTERN_C_BEGIN
void spin_lock_init(spinlock_t *lock);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
void spin_lock_irq(spinlock_t *lock);
void spin_unlock_irq(spinlock_t *lock);
unsigned long kmapsim_spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
int spin_trylock(spinlock_t *lock);
KMAPSIM_EXTERN_C_END

#define spin_lock_irqsave(lock, flags) \
	((flags) = kmapsim_spin_lock_irqsave(lock))

KMAPSIM_EXTERN_C_BEGIN
int kmapsim_lock_contended(const void *lock, const char *api);
KMAPSIM_EXTERN_C_END
/*
 * Whether a lock is held (by anyone: assertions use it), and whether
 * another context spins on it now, which code that holds a lock long asks
 * to break it (a scheduling point: the waiter may get there first).
 */
#define spin_is_locked(lock)		((lock)->owner != 0)
#define assert_spin_locked(lock)	BUG_ON(!spin_is_locked(lock))
#define spin_is_contended(lock)		kmapsim_lock_contended((lock), "spin_is_contended")

/*
 * Raw spinlocks are spinlocks that stay spinning under PREEMPT_RT; the
 * model's spinlocks always spin (preemption off while held), so they are
 * the same lock here.
 */
typedef spinlock_t raw_spinlock_t;
#define raw_spinlock spinlock	/* the tag too: a field of type struct raw_spinlock */
#define __RAW_SPIN_LOCK_UNLOCKED(lockname) __SPIN_LOCK_UNLOCKED(lockname)
#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)
#define raw_spin_lock_init(lock) spin_lock_init(lock)
#define raw_spin_lock(lock) spin_lock(lock)
#define raw_spin_unlock(lock) spin_unlock(lock)
#define raw_spin_lock_irq(lock) spin_lock_irq(lock)
#define raw_spin_unlock_irq(lock) spin_unlock_irq(lock)
#define raw_spin_lock_irqsave(lock, flags) spin_lock_irqsave(lock, flags)
#define raw_spin_unlock_irqrestore(lock, flags) spin_unlock_irqrestore(lock, flags)
#define raw_spin_trylock(lock) spin_trylock(lock)
#define raw_spin_is_locked(lock) spin_is_locked(lock)
#define assert_raw_spin_locked(lock) assert_spin_locked(lock)

/*
 * Reader-writer spinlocks (rwlock_t): readers share the lock, a writer has
 * it alone; both spin with preemption off, as spin_lock() does. A reader
 * waits only while a writer holds it, so read_lock() may nest in one task
 * or an interrupt handler, as the kernel allows.
 */
typedef struct rwlock {
	long count;		/* readers holding it; -1 while a writer does */
	unsigned long owner;	/* the writing task (model-private); 0 otherwise */
	const char *name;
} rwlock_t;

#define __RW_LOCK_UNLOCKED(lockname) { 0, 0, #lockname }
#define DEFINE_RWLOCK(x) rwlock_t x = __RW_LOCK_UNLOCKED(x)

KMAPSIM_EXTERN_C_BEGIN
void rwlock_init(rwlock_t *lock);
unsigned long kmapsim_read_lock(rwlock_t *lock, int irq);
void kmapsim_read_unlock(rwlock_t *lock, int irq, unsigned long flags);
unsigned long kmapsim_write_lock(rwlock_t *lock, int irq);
void kmapsim_write_unlock(rwlock_t *lock, int irq, unsigned long flags);
int read_trylock(rwlock_t *lock);
int write_trylock(rwlock_t *lock);
KMAPSIM_EXTERN_C_END
#define rwlock_is_contended(lock)	kmapsim_lock_contended((lock), "rwlock_is_contended")

/* irq: 0 plain, 1 _irq, 2 _irqsave (the flags come back) */
#define read_lock(lock) ((void)kmapsim_read_lock(lock, 0))
#define read_unlock(lock) kmapsim_read_unlock(lock, 0, 0)
#define write_lock(lock) ((void)kmapsim_write_lock(lock, 0))
#define write_unlock(lock) kmapsim_write_unlock(lock, 0, 0)
#define read_lock_irq(lock) ((void)kmapsim_read_lock(lock, 1))
#define read_unlock_irq(lock) kmapsim_read_unlock(lock, 1, 0)
#define write_lock_irq(lock) ((void)kmapsim_write_lock(lock, 1))
#define write_unlock_irq(lock) kmapsim_write_unlock(lock, 1, 0)
#define read_lock_irqsave(lock, flags) ((flags) = kmapsim_read_lock(lock, 2))
#define read_unlock_irqrestore(lock, flags) kmapsim_read_unlock(lock, 2, flags)
#define write_lock_irqsave(lock, flags) ((flags) = kmapsim_write_lock(lock, 2))
#define write_unlock_irqrestore(lock, flags) kmapsim_write_unlock(lock, 2, flags)
/*
 * lib/dec_and_lock.c: drops a reference, and takes lock only to drop the
 * last one (returns true with lock held then). A count above one is
 * decremented without the lock, so the final decrement is always made
 * under it.
 */
static inline int atomic_dec_and_lock(atomic_t *atomic, spinlock_t *lock)
{
	int c = atomic_read(atomic);

	while (c != 1)
		if (atomic_try_cmpxchg(atomic, &c, c - 1))
			return 0;
	spin_lock(lock);
	if (atomic_dec_and_test(atomic))
		return 1;
	spin_unlock(lock);
	return 0;
}

/*
 * The _bh locks: bottom halves disabled around the lock, released in the
 * reverse order (linux/bottom_half.h). Each half is its own call, so a
 * sleep inside names the lock's line and a leak the missing release.
 */
#define spin_lock_bh(lock) do { local_bh_disable(); spin_lock(lock); } while (0)
#define spin_unlock_bh(lock) do { spin_unlock(lock); local_bh_enable(); } while (0)
static inline int spin_trylock_bh(spinlock_t *lock)
{
	local_bh_disable();
	if (spin_trylock(lock))
		return 1;
	local_bh_enable();
	return 0;
}
#define raw_spin_lock_bh(lock) spin_lock_bh(lock)
#define raw_spin_unlock_bh(lock) spin_unlock_bh(lock)
#define read_lock_bh(lock) do { local_bh_disable(); read_lock(lock); } while (0)
#define read_unlock_bh(lock) do { read_unlock(lock); local_bh_enable(); } while (0)
#define write_lock_bh(lock) do { local_bh_disable(); write_lock(lock); } while (0)
#define write_unlock_bh(lock) do { write_unlock(lock); local_bh_enable(); } while (0)

/*
 * The lock break of kernel/sched/core.c's __cond_resched_lock() and its
 * rwlock forms: when another task spins on the lock (spin_needbreak(): the
 * model is preemptible, so it is spin_is_contended()) or a reschedule is
 * due, it drops the lock, lets the others run and takes the lock again; 1
 * when it did, and what the lock protected may have changed meanwhile. A
 * caller that may not sleep there (another lock held, preemption off) is
 * reported at the cond_resched() between, on a run where the break
 * happens; the kernel's __might_resched() checks it on every call.
 */
KMAPSIM_EXTERN_C_BEGIN
bool need_resched(void);
void cond_resched(void);
KMAPSIM_EXTERN_C_END
#define spin_needbreak(lock)	spin_is_contended(lock)
#define rwlock_needbreak(lock)	rwlock_is_contended(lock)
#define KMAPSIM_COND_RESCHED_LOCK(name, type, needbreak, unlock, relock)	\
static inline int name(type *lock)						\
{										\
	if (!needbreak(lock) && !need_resched())				\
		return 0;							\
	unlock(lock);								\
	cond_resched();								\
	relock(lock);								\
	return 1;								\
}
KMAPSIM_COND_RESCHED_LOCK(cond_resched_lock, spinlock_t, spin_needbreak, spin_unlock, spin_lock)
KMAPSIM_COND_RESCHED_LOCK(cond_resched_rwlock_read, rwlock_t, rwlock_needbreak, read_unlock, read_lock)
KMAPSIM_COND_RESCHED_LOCK(cond_resched_rwlock_write, rwlock_t, rwlock_needbreak, write_unlock, write_lock)
#undef KMAPSIM_COND_RESCHED_LOCK

#endif /* _LINUX_SPINLOCK_H */
