/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>
#include <linux/preempt.h>

/* owner is the holding task (model-private); 0 when free. */
typedef struct spinlock {
	unsigned long owner;
	const char *name;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(lockname) { 0, #lockname }
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

/*
 * Raw spinlocks are spinlocks that stay spinning under PREEMPT_RT; the
 * model's spinlocks always spin (preemption off while held), so they are
 * the same lock here.
 */
typedef spinlock_t raw_spinlock_t;
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

#endif /* _LINUX_SPINLOCK_H */
