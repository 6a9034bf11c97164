/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: sequence counters and seqlocks (the kernel's linux/seqlock.h).
 * A writer makes the count odd, writes, and makes it even again; a reader
 * samples an even count, reads, and retries when the count moved. Every
 * access to the count is a READ_ONCE/WRITE_ONCE with the kernel's
 * barriers, so the scheduler can put a writer between a reader's begin and
 * its retry, and a reader that spins on an odd count is a busy-wait loop
 * (cpu_relax()). The seqcount_LOCKNAME_t types hold their seqcount first,
 * so every form takes any of them.
 */
#ifndef _LINUX_SEQLOCK_H
#define _LINUX_SEQLOCK_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <asm/barrier.h>
#include <asm/processor.h>

typedef struct seqcount {
	unsigned sequence;
} seqcount_t;

/* the write side is serialized by the named lock (not checked here) */
typedef struct { seqcount_t seqcount; spinlock_t *lock; } seqcount_spinlock_t;
typedef struct { seqcount_t seqcount; raw_spinlock_t *lock; } seqcount_raw_spinlock_t;
typedef struct { seqcount_t seqcount; rwlock_t *lock; } seqcount_rwlock_t;
typedef struct { seqcount_t seqcount; struct mutex *lock; } seqcount_mutex_t;

#define SEQCNT_ZERO(name) { .sequence = 0 }
#define SEQCNT_SPINLOCK_ZERO(name, l) { .seqcount = SEQCNT_ZERO(name.seqcount), .lock = (l) }
#define SEQCNT_RAW_SPINLOCK_ZERO SEQCNT_SPINLOCK_ZERO
#define SEQCNT_RWLOCK_ZERO SEQCNT_SPINLOCK_ZERO
#define SEQCNT_MUTEX_ZERO SEQCNT_SPINLOCK_ZERO

#define __kmapsim_seqcount(s) ((seqcount_t *)(s))
#define seqcount_init(s) (__kmapsim_seqcount(s)->sequence = 0)
#define seqcount_LOCKNAME_init(s, l) do { seqcount_init(s); (s)->lock = (l); } while (0)
#define seqcount_spinlock_init seqcount_LOCKNAME_init
#define seqcount_raw_spinlock_init seqcount_LOCKNAME_init
#define seqcount_rwlock_init seqcount_LOCKNAME_init
#define seqcount_mutex_init seqcount_LOCKNAME_init

static inline unsigned __kmapsim_read_seqcount_begin(const seqcount_t *s)
{
	unsigned seq;

	while ((seq = READ_ONCE(s->sequence)) & 1)
		cpu_relax();
	smp_rmb();
	return seq;
}

static inline int __kmapsim_read_seqcount_retry(const seqcount_t *s, unsigned start)
{
	smp_rmb();
	return READ_ONCE(s->sequence) != start;
}

static inline void __kmapsim_write_seqcount_begin(seqcount_t *s)
{
	WRITE_ONCE(s->sequence, s->sequence + 1);
	smp_wmb();
}

static inline void __kmapsim_write_seqcount_end(seqcount_t *s)
{
	smp_wmb();
	WRITE_ONCE(s->sequence, s->sequence + 1);
}

#define read_seqcount_begin(s) __kmapsim_read_seqcount_begin(__kmapsim_seqcount(s))
#define raw_read_seqcount_begin(s) read_seqcount_begin(s)
#define __read_seqcount_begin(s) read_seqcount_begin(s)
#define raw_seqcount_begin(s) (READ_ONCE(__kmapsim_seqcount(s)->sequence) & ~1u)
#define raw_read_seqcount(s) ({ unsigned __seq = READ_ONCE(__kmapsim_seqcount(s)->sequence); smp_rmb(); __seq; })
#define read_seqcount_retry(s, start) __kmapsim_read_seqcount_retry(__kmapsim_seqcount(s), (start))
#define __read_seqcount_retry(s, start) read_seqcount_retry(s, start)
#define write_seqcount_begin(s) __kmapsim_write_seqcount_begin(__kmapsim_seqcount(s))
#define write_seqcount_end(s) __kmapsim_write_seqcount_end(__kmapsim_seqcount(s))
#define raw_write_seqcount_begin(s) write_seqcount_begin(s)
#define raw_write_seqcount_end(s) write_seqcount_end(s)
#define write_seqcount_invalidate(s) do { smp_wmb(); \
	WRITE_ONCE(__kmapsim_seqcount(s)->sequence, __kmapsim_seqcount(s)->sequence + 2); } while (0)

/* seqlock_t: a seqcount whose writers take the lock beside it */
typedef struct {
	seqcount_spinlock_t seqcount;
	spinlock_t lock;
} seqlock_t;

#define __SEQLOCK_UNLOCKED(name) { SEQCNT_SPINLOCK_ZERO(name, &(name).lock), __SPIN_LOCK_UNLOCKED(name.lock) }
#define DEFINE_SEQLOCK(name) seqlock_t name = __SEQLOCK_UNLOCKED(name)
#define seqlock_init(sl) do { spin_lock_init(&(sl)->lock); \
	seqcount_spinlock_init(&(sl)->seqcount, &(sl)->lock); } while (0)

#define read_seqbegin(sl) read_seqcount_begin(&(sl)->seqcount)
#define read_seqretry(sl, start) read_seqcount_retry(&(sl)->seqcount, (start))
#define write_seqlock(sl) do { spin_lock(&(sl)->lock); write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock(sl) do { write_seqcount_end(&(sl)->seqcount); spin_unlock(&(sl)->lock); } while (0)
#define write_seqlock_irq(sl) do { spin_lock_irq(&(sl)->lock); write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock_irq(sl) do { write_seqcount_end(&(sl)->seqcount); spin_unlock_irq(&(sl)->lock); } while (0)
#define write_seqlock_bh(sl) write_seqlock(sl)
#define write_sequnlock_bh(sl) write_sequnlock(sl)
#define write_seqlock_irqsave(sl, flags) do { spin_lock_irqsave(&(sl)->lock, flags); \
	write_seqcount_begin(&(sl)->seqcount); } while (0)
#define write_sequnlock_irqrestore(sl, flags) do { write_seqcount_end(&(sl)->seqcount); \
	spin_unlock_irqrestore(&(sl)->lock, flags); } while (0)
/* a reader that locks out writers instead of retrying */
#define read_seqlock_excl(sl) spin_lock(&(sl)->lock)
#define read_sequnlock_excl(sl) spin_unlock(&(sl)->lock)

/* read_seqbegin_or_lock(): an even *seq retries locklessly, an odd one takes the lock */
#define read_seqbegin_or_lock(sl, seq) do { \
	if (!(*(seq) & 1)) *(seq) = read_seqbegin(sl); else read_seqlock_excl(sl); } while (0)
#define need_seqretry(sl, seq) (!((seq) & 1) && read_seqretry(sl, seq))
#define done_seqretry(sl, seq) do { if ((seq) & 1) read_sequnlock_excl(sl); } while (0)

#endif /* _LINUX_SEQLOCK_H */
